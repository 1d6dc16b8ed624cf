import Testing
import CMEDomain

@Suite("Removal grounds (2024 Regulation 9(1); 2006 Regulation 8(1))")
struct RemovalGroundTests {
    @Test func catalogueHasEveryGroundOfRegulation9() {
        let codes = RemovalGround.allCases.filter { !$0.isFrom2006Regulations }.map(\.rawValue)
        #expect(codes == "abcdefghijklmno".map { "9(1)(\($0))" })
        #expect(RemovalGround.allCases.allSatisfy { !$0.shortWording.isEmpty })
    }

    /// docs/domain.md, "Removal grounds", "consequence for us", per ground and per whether a destination school is named.
    static let effects: [(code: String, withDestination: [RemovalEffect], withoutDestination: [RemovalEffect])] = [
        ("9(1)(a)", [.expectedArrival], []),
        ("9(1)(b)", [], []),
        ("9(1)(c)", [], []),
        ("9(1)(d)", [.expectedArrival], []),
        ("9(1)(e)", [.educationOtherwiseRecord], [.educationOtherwiseRecord]),
        ("9(1)(f)", [.educationOtherwiseRecord, .task(.eheFollowUp)], [.educationOtherwiseRecord, .task(.eheFollowUp)]),
        ("9(1)(g)", [.expectedArrival], [.cmeCase]),
        ("9(1)(h)", [.cmeCase], [.cmeCase]),
        ("9(1)(i)", [.cmeCase], [.cmeCase]),
        ("9(1)(j)", [.task(.youthJusticeLiaison)], [.task(.youthJusticeLiaison)]),
        ("9(1)(k)", [], []),
        ("9(1)(l)", [], []),
        ("9(1)(m)", [.expectedArrival], [.cmeCase]),
        ("9(1)(n)", [.expectedArrival], [.cmeCase]),
        ("9(1)(o)", [.task(.arrangeExcludedPupilProvision)], [.task(.arrangeExcludedPupilProvision)]),
        ("2006:8(1)(g)", [.task(.reviewRemovalGround)], [.task(.reviewRemovalGround)]),
    ]

    @Test(arguments: effects)
    func consequences(_ code: String, _ withDestination: [RemovalEffect], _ withoutDestination: [RemovalEffect]) throws {
        let ground = try #require(RemovalGround(rawValue: code))
        #expect(ground.effects(destinationSchoolKnown: true) == withDestination)
        #expect(ground.effects(destinationSchoolKnown: false) == withoutDestination)
    }

    @Test func onlyHAndINeedAgreementByStatute() {
        let needing = RemovalGround.allCases.filter { $0.consequences.needsCouncilAgreement }.map(\.rawValue)
        #expect(needing == ["9(1)(h)", "9(1)(i)"])
        let national = DeadlinePolicy.nationalDefault
        #expect(!RemovalGround.noLongerWithinReasonableDistance.needsCouncilAgreement(destinationSchoolKnown: false, policy: national))
        #expect(RemovalGround.continuouslyAbsent.needsCouncilAgreement(destinationSchoolKnown: true, policy: national))
        // A council whose removals need its agreement: every removal that leaves the child missing.
        let rotherham = PolicyPreset.rotherham.policy
        #expect(RemovalGround.noLongerWithinReasonableDistance.needsCouncilAgreement(destinationSchoolKnown: false, policy: rotherham))
        #expect(!RemovalGround.noLongerWithinReasonableDistance.needsCouncilAgreement(destinationSchoolKnown: true, policy: rotherham))
        #expect(!RemovalGround.registeredAtAnotherSchool.needsCouncilAgreement(destinationSchoolKnown: true, policy: rotherham))
    }

    /// the mapping in docs/domain.md, "Removal grounds", of the 2006 Regulation 8(1) letters.
    static let mapping2006: [(letter: String, withDestination: String, withoutDestination: String)] = [
        ("a", "9(1)(d)", "9(1)(e)"),
        ("b", "9(1)(a)", "9(1)(a)"), ("c", "9(1)(c)", "9(1)(c)"), ("d", "9(1)(f)", "9(1)(f)"),
        ("e", "9(1)(g)", "9(1)(g)"), ("f", "9(1)(h)", "9(1)(h)"), ("g", "2006:8(1)(g)", "2006:8(1)(g)"),
        ("h", "9(1)(i)", "9(1)(i)"), ("i", "9(1)(j)", "9(1)(j)"), ("j", "9(1)(k)", "9(1)(k)"),
        ("k", "9(1)(l)", "9(1)(l)"), ("l", "9(1)(n)", "9(1)(n)"), ("m", "9(1)(o)", "9(1)(o)"),
        ("n", "9(1)(b)", "9(1)(b)"), ("o", "9(1)(m)", "9(1)(m)"),
    ]

    @Test(arguments: mapping2006)
    func maps2006Letters(_ letter: String, _ withDestination: String, _ withoutDestination: String) throws {
        let code = "2006:8(1)(\(letter))"
        let given = try RemovalGround.lookup(code, destinationSchoolGiven: true).get()
        #expect(given.ground.rawValue == withDestination)
        #expect(given.reportedCode == code)
        #expect(given.wasReportedUnder2006Regulations)
        let notGiven = try RemovalGround.lookup(code, destinationSchoolGiven: false).get()
        #expect(notGiven.ground.rawValue == withoutDestination)
    }

    @Test func looksUp2024Codes() throws {
        let found = try RemovalGround.lookup("9(1)(h)", destinationSchoolGiven: false).get()
        #expect(found.ground == .notReturnedAfterLeaveOfAbsence)
        #expect(found.reportedCode == "9(1)(h)")
        #expect(!found.wasReportedUnder2006Regulations)
        #expect(try RemovalGround.lookup(" 9(1)(H) ", destinationSchoolGiven: false).get().ground == .notReturnedAfterLeaveOfAbsence)
    }

    @Test(arguments: ["9(1)(p)", "9(1)", "8(1)(h)", "2006:8(1)(p)", "2006:8(1)(hh)", "2006:9(1)(a)", "2024:9(1)(a)", "h", "2006:8(1)(g"])
    func rejectsUnknownCodes(_ code: String) {
        #expect(RemovalGround.lookup(code, destinationSchoolGiven: true) == .failure(.unknown(code)))
    }

    @Test func rejectsAMissingGround() {
        #expect(RemovalGround.lookup("", destinationSchoolGiven: true) == .failure(.missing))
        #expect(RemovalGround.lookup("  ", destinationSchoolGiven: true) == .failure(.missing))
    }

    @Test func the2006MedicalGroundIsNotAcceptedAsA2024Code() {
        // Only the 2006 spelling of the kept ground is a code; it is looked up as such.
        #expect(RemovalGround.lookup("2006:8(1)(g)", destinationSchoolGiven: false).map(\.ground) == .success(.medicallyUnfit2006))
    }
}

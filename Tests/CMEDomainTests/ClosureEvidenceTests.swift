import Testing
import CMEDomain

@Suite("Closure evidence (docs/casework.md)")
struct ClosureEvidenceTests {
    // Born 10 May 2012: turns 16 in 2027-28, so compulsory school age ends Friday 30 June 2028.
    static let context = ClosureContext(
        councilLACode: LACode("372")!, dateOfBirth: d("2012-05-10"), closingOn: d("2026-03-02"),
        answeredEnquiries: [
            AnsweredEnquiry(agencyType: .otherLA, addressedToLA: LACode("860"), outcome: .residentHereOnRoll),
            AnsweredEnquiry(agencyType: .otherLA, addressedToLA: LACode("887"), outcome: .residentHereEducatedOtherwise),
            AnsweredEnquiry(agencyType: .otherLA, addressedToLA: LACode("341"), outcome: .noTrace),
            AnsweredEnquiry(agencyType: .otherLA, addressedToLA: LACode("800"), outcome: .residentHereNotOnRoll),
            AnsweredEnquiry(agencyType: .police, addressedToLA: nil, outcome: .childLocated),
        ])

    static let accepted: [(request: ClosureRequest, closure: CaseClosure)] = [
        (ClosureRequest(outcome: "on_roll", schoolURN: "146784", startDate: "2026-02-23"),
         .onRoll(school: URN("146784")!, startDate: d("2026-02-23"))),
        (ClosureRequest(outcome: "on_roll", schoolURN: "146784", startDate: "2026-03-02"),
         .onRoll(school: URN("146784")!, startDate: d("2026-03-02"))),
        (ClosureRequest(outcome: "alternative_provision", startDate: "2026-01-05", provider: "Rotherham Pupil Referral Unit"),
         .alternativeProvision(provider: "Rotherham Pupil Referral Unit", startDate: d("2026-01-05"))),
        (ClosureRequest(outcome: "elective_home_education", confirmedOn: "2026-02-27"),
         .electiveHomeEducation(confirmedOn: d("2026-02-27"))),
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "860"), .movedToOtherLA(LACode("860")!)),
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "887"), .movedToOtherLA(LACode("887")!)),
        (ClosureRequest(outcome: "moved_abroad", country: "PL", evidence: "Letter from the school in Gdańsk"),
         .movedAbroad(country: "PL", evidence: "Letter from the school in Gdańsk")),
        (ClosureRequest(outcome: "deceased"), .deceased),
        (ClosureRequest(outcome: "referral_in_error", notes: "Child was on roll all along"), .referralInError),
    ]

    @Test(arguments: accepted)
    func acceptsOutcomeWithItsEvidence(_ request: ClosureRequest, _ closure: CaseClosure) {
        #expect(ClosureEvidence.validate(request, context: Self.context) == .success(closure))
    }

    static let refused: [(request: ClosureRequest, pointers: [String])] = [
        (ClosureRequest(outcome: nil), ["/outcome"]),
        (ClosureRequest(outcome: " "), ["/outcome"]),
        (ClosureRequest(outcome: "cannot_find"), ["/outcome"]),
        (ClosureRequest(outcome: "on_roll"), ["/school_urn", "/start_date"]),
        (ClosureRequest(outcome: "on_roll", schoolURN: "14678", startDate: "2026-02-30"), ["/school_urn", "/start_date"]),
        (ClosureRequest(outcome: "on_roll", schoolURN: "146784", startDate: "2026-03-03"), ["/start_date"]), // not started yet
        (ClosureRequest(outcome: "alternative_provision"), ["/provider", "/start_date"]),
        (ClosureRequest(outcome: "alternative_provision", startDate: "2026-01-05", provider: "  "), ["/provider"]),
        (ClosureRequest(outcome: "elective_home_education"), ["/confirmed_on"]),
        (ClosureRequest(outcome: "elective_home_education", confirmedOn: "27/02/2026"), ["/confirmed_on"]),
        (ClosureRequest(outcome: "moved_to_other_la"), ["/la_code", "/outcome"]),
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "86"), ["/la_code", "/outcome"]),
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "341"), ["/outcome"]),   // answered no_trace
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "800"), ["/outcome"]),   // resident but not on roll
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "938"), ["/outcome"]),   // never asked
        (ClosureRequest(outcome: "moved_to_other_la", laCode: "372"), ["/la_code", "/outcome"]), // this council
        (ClosureRequest(outcome: "moved_abroad"), ["/country", "/evidence"]),
        (ClosureRequest(outcome: "moved_abroad", country: "PL"), ["/evidence"]),
        (ClosureRequest(outcome: "ceased_compulsory_school_age"), ["/outcome"]),        // 2026: still of age
    ]

    @Test(arguments: refused)
    func refusesNamingEveryMissingPiece(_ request: ClosureRequest, _ pointers: [String]) {
        guard case .failure(let errors) = ClosureEvidence.validate(request, context: Self.context) else {
            Issue.record("closed without its evidence"); return
        }
        #expect(errors.pointers == pointers)
    }

    @Test(arguments: [("2028-06-29", false), ("2028-06-30", true), ("2028-07-01", true)])
    func ceasedCompulsorySchoolAgeOnlyFromTheEndDate(_ closing: String, _ allowed: Bool) {
        let context = ClosureContext(councilLACode: LACode("372")!, dateOfBirth: d("2012-05-10"), closingOn: d(closing), answeredEnquiries: [])
        let result = ClosureEvidence.validate(ClosureRequest(outcome: "ceased_compulsory_school_age"), context: context)
        #expect((try? result.get()) == (allowed ? .ceasedCompulsorySchoolAge(on: d("2028-06-30")) : nil))
    }

    @Test func ceasedNeedsADateOfBirth() {
        let context = ClosureContext(councilLACode: LACode("372")!, dateOfBirth: nil, closingOn: d("2040-01-01"), answeredEnquiries: [])
        let result = ClosureEvidence.validate(ClosureRequest(outcome: "ceased_compulsory_school_age"), context: context)
        guard case .failure(let errors) = result else { Issue.record("closed without a date of birth"); return }
        #expect(errors.pointers == ["/outcome"])
    }

    @Test func movedToOtherLAMessageNamesTheConfirmationNeeded() throws {
        let result = ClosureEvidence.validate(ClosureRequest(outcome: "moved_to_other_la", laCode: "341"), context: Self.context)
        guard case .failure(let errors) = result else { Issue.record("closed without confirmation"); return }
        let message = try #require(errors.errors.first?.message)
        #expect(message.contains("341") && message.contains("resident_here_on_roll") && message.contains("resident_here_educated_otherwise"))
    }

    @Test func everyOutcomeIsCovered() {
        let outcomes = Set(Self.accepted.map(\.closure.outcome)).union([.ceasedCompulsorySchoolAge])
        #expect(outcomes == Set(ClosureOutcome.allCases))
    }
}

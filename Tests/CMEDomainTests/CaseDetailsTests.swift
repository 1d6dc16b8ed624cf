import Foundation
import Testing
import CMEDomain

@Suite("Case details: risk flags, references, time missing, school checks, arrivals")
struct CaseDetailsTests {
    @Test func riskFlagsDeriveFromTheChild() {
        #expect(RiskFlag.derive(childProtectionPlan: true, childInNeedPlan: false, lookedAfter: true, sen: .ehcp,
                                safeguardingConcern: false, untraceable: true) == [.childProtectionPlan, .lookedAfter, .ehcp, .untraceable])
        #expect(RiskFlag.derive(childProtectionPlan: false, childInNeedPlan: false, lookedAfter: false, sen: .senSupport,
                                safeguardingConcern: false, untraceable: false) == [])
    }

    @Test(arguments: [([RiskFlag.childProtectionPlan], [TaskKind.alertSocialWorker]), ([.childInNeedPlan, .ehcp], [.alertSocialWorker]),
                      ([.lookedAfter, .safeguardingConcern], []), ([], [])])
    func socialWorkerAlertedAtOnce(_ flags: [RiskFlag], _ tasks: [TaskKind]) {
        #expect(RiskFlag.tasksWhenCaseOpens(flags) == tasks)
    }

    @Test func onlyMedwayTellsThePoliceOfUntraceableChildren() {
        for preset in PolicyPreset.allCases {
            #expect(RiskFlag.tasksWhenUntraceable(policy: preset.policy) == (preset == .medway ? [.notifyPoliceUntraceable] : []))
        }
    }

    @Test func caseReferences() throws {
        let reference = try #require(CaseReference(laCode: LACode("372")!, year: 2026, sequence: 123))
        #expect(reference.description == "CME-372-2026-000123")
        #expect(CaseReference("CME-372-2026-000123") == reference)
        for bad in ["CME-372-2026-123", "cme-372-2026-000123", "CME-37-2026-000123", "CME-372-26-000123", "CME-372-2026-000000", "CME-372-2026-0001234"] {
            #expect(CaseReference(bad) == nil, "\(bad)")
        }
        #expect(CaseReference(laCode: LACode("372")!, year: 2026, sequence: 1_000_000) == nil)
    }

    @Test(arguments: [("2026-01-15", "2025-10-23", TimeMissing.upToTwelveWeeks), ("2026-01-15", "2025-10-22", .overTwelveWeeks),
                      ("2026-01-15", "2026-01-15", .upToTwelveWeeks), ("2026-01-15", "2026-01-16", .unknown)])
    func timeMissingBands(_ census: String, _ since: String, _ band: TimeMissing) {
        // 23 Oct 2025 to 15 Jan 2026 is 84 days: exactly 12 weeks.
        #expect(TimeMissing.band(missingSince: d(since), on: d(census)) == band)
    }

    @Test func timeMissingUnknown() {
        #expect(TimeMissing.band(missingSince: nil, on: d("2026-01-15")) == .unknown)
    }

    @Test func missingSchoolChecks() {
        let policy = DeadlinePolicy.nationalDefault
        #expect(policy.missingSchoolChecks(completed: [.letterSent, .phoneAllContacts]) == [.homeVisit])
        #expect(policy.missingSchoolChecks(completed: []) == [.homeVisit, .phoneAllContacts])
        #expect(policy.missingSchoolChecks(completed: [.phoneAllContacts, .homeVisit]) == [])
    }

    @Test func arrivalsAreConfirmedOnlyByUPNOrExactNameAndBirthDate() {
        let removed = ChildRecord(upn: UPN("H801200001001"), firstName: "Tomás", lastName: "O'Connor", dateOfBirth: d("2014-06-01"))
        #expect(ExpectedArrival.isFulfilled(removed: removed, by: ChildRecord(upn: UPN("H801200001001"), firstName: "Tom", lastName: "Connor", dateOfBirth: nil)))
        #expect(ExpectedArrival.isFulfilled(removed: removed, by: ChildRecord(firstName: "TOMAS", lastName: "OConnor", dateOfBirth: d("2014-06-01"))))
        #expect(!ExpectedArrival.isFulfilled(removed: removed, by: ChildRecord(firstName: "Tomas", lastName: "OConner", dateOfBirth: d("2014-06-01"))))
        #expect(!ExpectedArrival.isFulfilled(removed: removed, by: ChildRecord(firstName: "Tomas", lastName: "O'Connor", dateOfBirth: d("2014-01-06"))))
    }

    @Test func vocabularyUsesTheAPISpellings() throws {
        #expect(ReferralReason.allCases.map(\.rawValue) == ["moved_no_destination", "not_started", "failed_to_return", "left_area_unknown",
                                                           "new_to_area_no_place", "excluded_no_provision", "ehe_not_engaging",
                                                           "place_withdrawn", "did_not_arrive", "other"])
        #expect(ReferralSourceKind.allCases.map(\.rawValue) == ["school", "agency", "public", "other_la", "internal"])
        #expect(TaskKind(rawValue: "notify_police_untraceable") == .notifyPoliceUntraceable)
        #expect(AgencyType(rawValue: "armed_forces_ceas") == .armedForcesCEAS)
        #expect(EnquiryOutcome(rawValue: "resident_here_educated_otherwise") == .residentHereEducatedOtherwise)
        #expect(SchoolCheck(rawValue: "lost_pupils_database") == .lostPupilsDatabase)
        #expect(SENProvision(rawValue: "sen_support") == .senSupport)
        let json = try JSONEncoder().encode([ClosureOutcome.movedToOtherLA])
        #expect(String(decoding: json, as: UTF8.self) == #"["moved_to_other_la"]"#)
    }
}

import Foundation
import Testing
import CMEDomain

@Suite("Deadline policy and council presets (docs/domain.md, Roll notifications to Councils' own procedures)")
struct DeadlinePolicyTests {
    @Test func nationalDefaults() {
        let policy = DeadlinePolicy.nationalDefault
        #expect(policy.expectedArrivalSchoolDays == 10)          // docs/roll-notifications.md
        #expect(policy.rollNotificationDeadlineSchoolDays == 5)  // docs/roll-notifications.md, Regulation 13
        #expect(Set(policy.requiredSchoolChecks) == [.homeVisit, .phoneAllContacts])
        #expect(policy.deletionThreshold == .schoolDays(20))     // Regulation 9(1)(i)
        #expect(policy.absenceReferralThreshold == .schoolDays(10))
        #expect(policy.fieldErrors.isEmpty)
    }

    @Test(arguments: [(PolicyPreset.liverpool, "341"), (.rotherham, "372"), (.bathAndNorthEastSomerset, "800"),
                      (.staffordshire, "860"), (.medway, "887")])
    func presetsCarryTheirLACodes(_ preset: PolicyPreset, _ code: String) {
        #expect(preset.laCode == LACode(code))
        #expect(PolicyPreset.preset(for: LACode(code)!) == preset)
    }

    @Test func presetNamesAreTheAPISpellings() {
        #expect(PolicyPreset.allCases.map(\.rawValue) == ["rotherham", "staffordshire", "bath_and_north_east_somerset", "liverpool", "medway"])
    }

    /// docs/domain.md, "Councils' own procedures", column by column.
    static let presets: [(preset: PolicyPreset, referral: PolicyPeriod, deletion: PolicyPeriod?, waitsForAcceptance: Bool,
                          police: Bool, placeAcceptance: PolicyPeriod?)] = [
        (.rotherham, .schoolDays(10), .schoolDays(20), false, false, nil),
        (.staffordshire, .schoolDays(5), .schoolDays(20), true, false, nil),
        (.bathAndNorthEastSomerset, .schoolDays(10), nil, false, false, nil),
        (.liverpool, .schoolDays(20), .weeks(4), false, false, nil),
        (.medway, .workingDays(10), .schoolDays(20), true, true, .schoolDays(20)),
    ]

    @Test(arguments: presets)
    func presetValues(_ preset: PolicyPreset, _ referral: PolicyPeriod, _ deletion: PolicyPeriod?, _ waits: Bool,
                      _ police: Bool, _ placeAcceptance: PolicyPeriod?) {
        let policy = preset.policy
        #expect(policy.absenceReferralThreshold == referral)
        #expect(policy.deletionThreshold == deletion)
        #expect(policy.deletionRequiresAcceptedReferral == waits)
        #expect(policy.reportUntraceableToPolice == police)
        #expect(policy.placeAcceptancePeriod == placeAcceptance)
        #expect(policy.removalNeedsCouncilAgreement)             // "yes" for all five
        #expect(policy.rollNotificationDeadlineSchoolDays == 5)
        #expect(policy.expectedArrivalSchoolDays == 10)
        #expect(Set(policy.requiredSchoolChecks) == [.homeVisit, .phoneAllContacts])
        #expect(!policy.procedureNotes.isEmpty)
        #expect(policy.fieldErrors.isEmpty)
    }

    @Test func agreementForms() {
        #expect(PolicyPreset.rotherham.policy.councilAgreementForm == "deregistration letter")
        #expect(PolicyPreset.liverpool.policy.councilAgreementForm == "PAEWS signature on CME1")
    }

    @Test func periodsEnd() {
        // Enquiry sent Friday 19 Dec 2025 with 10 working days: Christmas, Boxing Day, New Year excluded.
        #expect(PolicyPeriod.workingDays(10).end(after: d("2025-12-19"), calendar: .approximate)
                == SchoolDayFigure(value: d("2026-01-07"), isApproximate: false))
        #expect(PolicyPeriod.weeks(4).end(after: d("2026-02-02"), calendar: .approximate)
                == SchoolDayFigure(value: d("2026-03-02"), isApproximate: false))
        #expect(PolicyPeriod.schoolDays(20).end(after: d("2026-02-02"), calendar: .approximate)
                == SchoolDayFigure(value: d("2026-03-02"), isApproximate: true))
        #expect(PolicyPeriod.schoolDays(1).description == "1 school day")
        #expect(PolicyPeriod.weeks(4).description == "4 weeks")
    }

    @Test func jsonUsesSnakeCase() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(PolicyPreset.medway.policy), as: UTF8.self)
        #expect(json.contains(#""absence_referral_threshold":{"count":10,"unit":"working_days"}"#))
        #expect(json.contains(#""expected_arrival_school_days":10"#))
        #expect(json.contains(#""required_school_checks":["home_visit","phone_all_contacts"]"#))
        let decoded = try JSONDecoder().decode(DeadlinePolicy.self, from: Data(json.utf8))
        #expect(decoded == PolicyPreset.medway.policy)
    }

    @Test func validationNamesEveryBadField() {
        var policy = DeadlinePolicy.nationalDefault
        policy.expectedArrivalSchoolDays = 0
        policy.rollNotificationDeadlineSchoolDays = -1
        policy.enquiryDuePeriod = .weeks(53)
        policy.requiredSchoolChecks = [.homeVisit, .homeVisit]
        #expect(policy.fieldErrors.pointers == ["/roll_notification_deadline_school_days", "/expected_arrival_school_days",
                                                "/enquiry_due_period/count", "/required_school_checks"])
    }
}

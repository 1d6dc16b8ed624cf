/// The procedures of our first five councils as policy presets (docs/domain.md, "Councils' own procedures"), served at
/// `GET /v1/reference/policy-presets`. Where the council's procedure is not a number this policy
/// can hold, it is kept in `procedureNotes`; periods are kept in the unit the council uses.
///
/// Choices made in reading docs/domain.md, "Councils' own procedures", per council, are commented at each preset. Common to all:
/// the roll notification deadline is the statutory 5 school days (Medway states it; the others
/// do not vary it); the expected-arrival window and the enquiry, visit and triage periods are the
/// national defaults, since the councils' procedures (docs/domain.md) give no figure for them; every council's removal
/// needs its agreement; required school checks stay the national `home_visit` and
/// `phone_all_contacts`.
public enum PolicyPreset: String, Sendable, Hashable, Codable, CaseIterable {
    case rotherham
    case staffordshire
    case bathAndNorthEastSomerset = "bath_and_north_east_somerset"
    case liverpool
    case medway

    public var laCode: LACode {
        switch self {
        case .liverpool: return LACode("341")!
        case .rotherham: return LACode("372")!
        case .bathAndNorthEastSomerset: return LACode("800")!
        case .staffordshire: return LACode("860")!
        case .medway: return LACode("887")!
        }
    }

    public var councilName: String {
        switch self {
        case .rotherham: return "Rotherham"
        case .staffordshire: return "Staffordshire"
        case .bathAndNorthEastSomerset: return "Bath and North East Somerset"
        case .liverpool: return "Liverpool"
        case .medway: return "Medway"
        }
    }

    public static func preset(for laCode: LACode) -> PolicyPreset? {
        allCases.first { $0.laCode == laCode }
    }

    public var policy: DeadlinePolicy {
        var policy = DeadlinePolicy.nationalDefault
        policy.removalNeedsCouncilAgreement = true
        switch self {
        case .rotherham:
            // "10 school days continuous absence"; "20 school days unauthorised absence";
            // agreement by deregistration letter.
            policy.absenceReferralThreshold = .schoolDays(10)
            policy.deletionThreshold = .schoolDays(20)
            policy.councilAgreementForm = "deregistration letter"
            policy.procedureNotes = [
                "Monthly movement-of-children return, on the last Friday of the month.",
                "Safe-and-well visits by Early Help locality teams.",
                "Quarterly scorecard.",
            ]
        case .staffordshire:
            // "1 week (admissions), then local support team": read as 5 school days of absence,
            // a school week, before the school tells admissions. "20 school days, after referral
            // acknowledged": deletion waits for the acknowledgement, which is the agreement.
            // "Home visit via local support team": still required before referral, made by the
            // local support team, so the national checks stand.
            policy.absenceReferralThreshold = .schoolDays(5)
            policy.deletionThreshold = .schoolDays(20)
            policy.deletionRequiresAcceptedReferral = true
            policy.councilAgreementForm = "acknowledgement of the referral"
            policy.procedureNotes = [
                "The school tells admissions after 1 week, then the local support team.",
                "Home visit made via the local support team.",
                "Elective home education notified to the council at once.",
                "Half-termly CME/EHE liaison.",
            ]
        case .bathAndNorthEastSomerset:
            // "10 days continuous unexplained absence": read as 10 school days (absence is counted
            // in school days). "Enquiries complete, on the service's advice": no fixed period, so
            // the deletion threshold is nil and the decision stays with the service.
            policy.absenceReferralThreshold = .schoolDays(10)
            policy.deletionThreshold = nil
            policy.councilAgreementForm = "the service's advice"
            policy.procedureNotes = [
                "Removal only once enquiries are complete, on the service's advice.",
                "Persistent absence means attendance of 85% or less.",
                "15 days of sickness absence: the council provides education.",
                "Weekly check of removals.",
                "Termly lists of pupils below 90% attendance.",
            ]
        case .liverpool:
            // "4 weeks, after CME1 checklist": read as 20 school days (four school weeks) of
            // absence. "No less than 4 weeks of enquiries": a span of calendar time, kept as
            // 4 weeks. Agreement is the PAEWS signature on CME1.
            policy.absenceReferralThreshold = .schoolDays(20)
            policy.deletionThreshold = .weeks(4)
            policy.councilAgreementForm = "PAEWS signature on CME1"
            policy.procedureNotes = [
                "Referral after the CME1 checklist is complete.",
                "Forms CME1-CME5.",
                "A key worker owns the action plan.",
                "Travellers are kept on roll while travelling with a return date.",
            ]
        case .medway:
            // "Consult attendance officer by day 5; referral within 10 working days": the referral
            // threshold is 10 working days; the consultation by day 5 is a note. "20 school days;
            // never before the referral is accepted". Police told of untraceable children.
            // "20 school days to accept an offered place".
            policy.rollNotificationDeadlineSchoolDays = 5
            policy.absenceReferralThreshold = .workingDays(10)
            policy.deletionThreshold = .schoolDays(20)
            policy.deletionRequiresAcceptedReferral = true
            policy.reportUntraceableToPolice = true
            policy.placeAcceptancePeriod = .schoolDays(20)
            policy.procedureNotes = [
                "The school consults the attendance officer by day 5 of absence.",
                "On-roll and off-roll notices within 5 days.",
                "A child on a child protection or child in need plan: the social worker is alerted at once.",
                "Quarterly figures of children in and out.",
            ]
        }
        return policy
    }
}

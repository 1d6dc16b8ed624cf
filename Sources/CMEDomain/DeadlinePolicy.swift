/// The deadlines and procedure choices a council sets (docs/domain.md, from "Roll notifications" to "Councils' own procedures"), as `GET|PUT
/// /v1/admin/policy` carries them. JSON keys are the snake_case property names.
public struct DeadlinePolicy: Hashable, Sendable, Codable {
    /// An addition notice is late after this many school days (Regulation 13: within 5 days).
    public var rollNotificationDeadlineSchoolDays: Int
    /// Continuous absence after which a school tells the council.
    public var absenceReferralThreshold: PolicyPeriod
    /// How long before a missing pupil's name may be deleted; nil where the council decides case
    /// by case (Bath and North East Somerset: "on the service's advice").
    public var deletionThreshold: PolicyPeriod?
    /// Whether a deletion must wait until the council has accepted (acknowledged) the referral.
    public var deletionRequiresAcceptedReferral: Bool
    /// School days after which a child removed to a named school is overdue there.
    public var expectedArrivalSchoolDays: Int
    /// Default `due_on` of an enquiry to an agency.
    public var enquiryDuePeriod: PolicyPeriod
    /// Default `due_on` of a safe-and-well visit.
    public var visitDuePeriod: PolicyPeriod
    /// Time to triage a referral.
    public var triagePeriod: PolicyPeriod
    /// Time a family has to accept an offered place; nil where the council sets none.
    public var placeAcceptancePeriod: PolicyPeriod?
    /// Whether every removal that leaves a child missing education needs the council's agreement
    /// (beyond 9(1)(h) and (i), which always do).
    public var removalNeedsCouncilAgreement: Bool
    /// How the council's agreement is given, in its words (e.g. "deregistration letter").
    public var councilAgreementForm: String?
    /// Whether the police are told of a child who cannot be traced.
    public var reportUntraceableToPolice: Bool
    /// Checks a referring school is expected to have made; a referral without them gets a
    /// `missing_school_check` warning, never a refusal.
    public var requiredSchoolChecks: [SchoolCheck]
    /// The council's other procedures, kept as text: they shape its work but no rule here acts on
    /// them.
    public var procedureNotes: [String]
    /// How often an open case is reviewed (`next_review_on`, `review_case` tasks).
    public var reviewPeriod: PolicyPeriod
    /// How long an open case may go without any trace of the child before it is flagged
    /// `untraceable` (and the police told, where `reportUntraceableToPolice`).
    public var untraceableAfter: PolicyPeriod

    public init(rollNotificationDeadlineSchoolDays: Int, absenceReferralThreshold: PolicyPeriod, deletionThreshold: PolicyPeriod?,
                deletionRequiresAcceptedReferral: Bool, expectedArrivalSchoolDays: Int, enquiryDuePeriod: PolicyPeriod,
                visitDuePeriod: PolicyPeriod, triagePeriod: PolicyPeriod, placeAcceptancePeriod: PolicyPeriod?,
                removalNeedsCouncilAgreement: Bool, councilAgreementForm: String?, reportUntraceableToPolice: Bool,
                requiredSchoolChecks: [SchoolCheck], procedureNotes: [String],
                reviewPeriod: PolicyPeriod = DeadlinePolicy.defaultReviewPeriod,
                untraceableAfter: PolicyPeriod = DeadlinePolicy.defaultUntraceableAfter) {
        self.rollNotificationDeadlineSchoolDays = rollNotificationDeadlineSchoolDays
        self.absenceReferralThreshold = absenceReferralThreshold
        self.deletionThreshold = deletionThreshold
        self.deletionRequiresAcceptedReferral = deletionRequiresAcceptedReferral
        self.expectedArrivalSchoolDays = expectedArrivalSchoolDays
        self.enquiryDuePeriod = enquiryDuePeriod
        self.visitDuePeriod = visitDuePeriod
        self.triagePeriod = triagePeriod
        self.placeAcceptancePeriod = placeAcceptancePeriod
        self.removalNeedsCouncilAgreement = removalNeedsCouncilAgreement
        self.councilAgreementForm = councilAgreementForm
        self.reportUntraceableToPolice = reportUntraceableToPolice
        self.requiredSchoolChecks = requiredSchoolChecks
        self.procedureNotes = procedureNotes
        self.reviewPeriod = reviewPeriod
        self.untraceableAfter = untraceableAfter
    }

    /// Product defaults, not law: a case is reviewed every 20 working days (about a school month),
    /// and flagged untraceable after 20 school days without a trace (the period after which the
    /// five councils' procedures escalate a missing pupil, docs/domain.md, "Councils' own procedures").
    public static let defaultReviewPeriod = PolicyPeriod.workingDays(20)
    public static let defaultUntraceableAfter = PolicyPeriod.schoolDays(20)

    /// Policies stored before `review_period` and `untraceable_after` existed read with the defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rollNotificationDeadlineSchoolDays: try c.decode(Int.self, forKey: .rollNotificationDeadlineSchoolDays),
                  absenceReferralThreshold: try c.decode(PolicyPeriod.self, forKey: .absenceReferralThreshold),
                  deletionThreshold: try c.decodeIfPresent(PolicyPeriod.self, forKey: .deletionThreshold),
                  deletionRequiresAcceptedReferral: try c.decode(Bool.self, forKey: .deletionRequiresAcceptedReferral),
                  expectedArrivalSchoolDays: try c.decode(Int.self, forKey: .expectedArrivalSchoolDays),
                  enquiryDuePeriod: try c.decode(PolicyPeriod.self, forKey: .enquiryDuePeriod),
                  visitDuePeriod: try c.decode(PolicyPeriod.self, forKey: .visitDuePeriod),
                  triagePeriod: try c.decode(PolicyPeriod.self, forKey: .triagePeriod),
                  placeAcceptancePeriod: try c.decodeIfPresent(PolicyPeriod.self, forKey: .placeAcceptancePeriod),
                  removalNeedsCouncilAgreement: try c.decode(Bool.self, forKey: .removalNeedsCouncilAgreement),
                  councilAgreementForm: try c.decodeIfPresent(String.self, forKey: .councilAgreementForm),
                  reportUntraceableToPolice: try c.decode(Bool.self, forKey: .reportUntraceableToPolice),
                  requiredSchoolChecks: try c.decode([SchoolCheck].self, forKey: .requiredSchoolChecks),
                  procedureNotes: try c.decode([String].self, forKey: .procedureNotes),
                  reviewPeriod: try c.decodeIfPresent(PolicyPeriod.self, forKey: .reviewPeriod) ?? Self.defaultReviewPeriod,
                  untraceableAfter: try c.decodeIfPresent(PolicyPeriod.self, forKey: .untraceableAfter) ?? Self.defaultUntraceableAfter)
    }

    /// The policy of a council that has set none (README.md, "Configuration": `create-client` registers a new LA
    /// with it).
    ///
    /// From the statute: 5 school days for additions (Regulation 13), 10 school days of continuous
    /// absence (the related return of docs/domain.md, "Roll notifications"), 20 school days before deletion (Regulation
    /// 9(1)(i)). From docs/roll-notifications.md: 10 school days for an expected arrival; `home_visit` and
    /// `phone_all_contacts` as required checks. The enquiry, visit and triage periods are not
    /// given by the regulations or the councils' procedures (docs/domain.md); the values here are product defaults for a council to
    /// change, not law.
    public static let nationalDefault = DeadlinePolicy(
        rollNotificationDeadlineSchoolDays: 5,
        absenceReferralThreshold: .schoolDays(10),
        deletionThreshold: .schoolDays(20),
        deletionRequiresAcceptedReferral: false,
        expectedArrivalSchoolDays: 10,
        enquiryDuePeriod: .workingDays(10),
        visitDuePeriod: .workingDays(5),
        triagePeriod: .workingDays(2),
        placeAcceptancePeriod: nil,
        removalNeedsCouncilAgreement: false,
        councilAgreementForm: nil,
        reportUntraceableToPolice: false,
        requiredSchoolChecks: [.homeVisit, .phoneAllContacts],
        procedureNotes: [])

    /// The required school checks missing from those a referral says were completed, in the
    /// policy's order; each gives a `missing_school_check` warning, never a refusal.
    public func missingSchoolChecks(completed: [SchoolCheck]) -> [SchoolCheck] {
        let done = Set(completed)
        return requiredSchoolChecks.filter { !done.contains($0) }
    }

    enum CodingKeys: String, CodingKey {
        case rollNotificationDeadlineSchoolDays = "roll_notification_deadline_school_days"
        case absenceReferralThreshold = "absence_referral_threshold"
        case deletionThreshold = "deletion_threshold"
        case deletionRequiresAcceptedReferral = "deletion_requires_accepted_referral"
        case expectedArrivalSchoolDays = "expected_arrival_school_days"
        case enquiryDuePeriod = "enquiry_due_period"
        case visitDuePeriod = "visit_due_period"
        case triagePeriod = "triage_period"
        case placeAcceptancePeriod = "place_acceptance_period"
        case removalNeedsCouncilAgreement = "removal_needs_council_agreement"
        case councilAgreementForm = "council_agreement_form"
        case reportUntraceableToPolice = "report_untraceable_to_police"
        case requiredSchoolChecks = "required_school_checks"
        case procedureNotes = "procedure_notes"
        case reviewPeriod = "review_period"
        case untraceableAfter = "untraceable_after"
    }

    /// Every field a council may not set this way, at its JSON pointer: counts must be at least 1
    /// (0 for the roll notification deadline, "same day") and at most a school year of 200 school
    /// days, 260 working days or 52 weeks, so a typo cannot silence every deadline.
    public var fieldErrors: FieldErrors {
        var errors = FieldErrors()
        func check(_ count: Int, _ key: CodingKeys, minimum: Int = 1, maximum: Int = 200) {
            if count < minimum || count > maximum {
                errors.add(JSONPointer(tokens: [key.rawValue]), "must be between \(minimum) and \(maximum)")
            }
        }
        func check(_ period: PolicyPeriod?, _ key: CodingKeys) {
            guard let period else { return }
            let maximum: Int
            switch period.unit {
            case .schoolDays: maximum = 200
            case .workingDays: maximum = 260
            case .weeks: maximum = 52
            }
            if period.count < 1 || period.count > maximum {
                errors.add(JSONPointer(tokens: [key.rawValue, "count"]), "must be between 1 and \(maximum) \(period.unit.rawValue.replacingAll("_", with: " "))")
            }
        }
        check(rollNotificationDeadlineSchoolDays, .rollNotificationDeadlineSchoolDays, minimum: 0)
        check(absenceReferralThreshold, .absenceReferralThreshold)
        check(deletionThreshold, .deletionThreshold)
        check(expectedArrivalSchoolDays, .expectedArrivalSchoolDays)
        check(enquiryDuePeriod, .enquiryDuePeriod)
        check(visitDuePeriod, .visitDuePeriod)
        check(triagePeriod, .triagePeriod)
        check(placeAcceptancePeriod, .placeAcceptancePeriod)
        check(reviewPeriod, .reviewPeriod)
        check(untraceableAfter, .untraceableAfter)
        if Set(requiredSchoolChecks).count != requiredSchoolChecks.count {
            errors.add(JSONPointer(tokens: [CodingKeys.requiredSchoolChecks.rawValue]), "lists a check more than once")
        }
        return errors
    }
}

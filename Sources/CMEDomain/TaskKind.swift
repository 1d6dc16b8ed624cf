/// The kinds of derived work an officer or team is given, with due dates (docs/casework.md, "Tasks").
public enum TaskKind: String, Sendable, Hashable, Codable, CaseIterable {
    case triageReferral = "triage_referral"
    case chaseEnquiry = "chase_enquiry"
    case visitDue = "visit_due"
    case referToSocialCare = "refer_to_social_care"
    case alertSocialWorker = "alert_social_worker"
    case notifyPoliceUntraceable = "notify_police_untraceable"
    case expectedArrivalOverdue = "expected_arrival_overdue"
    case unauthorisedRemovalReview = "unauthorised_removal_review"
    case eheFollowUp = "ehe_follow_up"
    case reviewCase = "review_case"
    // The removal-ground catalogue (docs/domain.md, "Removal grounds") names three tasks beyond the usual ones
    // list; they are kept as their own kinds so that no consequence is lost, and the API contract
    // must list them too.
    /// Regulation 9(1)(j): a pupil detained under a sentence of detention.
    case youthJusticeLiaison = "youth_justice_liaison"
    /// Regulation 9(1)(o): the council must provide education from the sixth school day of a
    /// permanent exclusion.
    case arrangeExcludedPupilProvision = "arrange_excluded_pupil_provision"
    /// A removal on a 2006 ground with no 2024 equivalent (8(1)(g), medically unfit): an officer
    /// decides what follows.
    case reviewRemovalGround = "review_removal_ground"
    /// An addition that only fuzzily matches a child expected at the school: an officer confirms or
    /// rejects it (an exact match fulfils the expected arrival by itself).
    case confirmPossibleArrival = "confirm_possible_arrival"
}

/// Why a child is referred as missing education (docs/casework.md referrals `reason`, and
/// `did_not_arrive` for cases the expected-arrival sweep opens).
public enum ReferralReason: String, Sendable, Hashable, Codable, CaseIterable {
    case movedNoDestination = "moved_no_destination"
    case notStarted = "not_started"
    case failedToReturn = "failed_to_return"
    case leftAreaUnknown = "left_area_unknown"
    case newToAreaNoPlace = "new_to_area_no_place"
    case excludedNoProvision = "excluded_no_provision"
    case eheNotEngaging = "ehe_not_engaging"
    case placeWithdrawn = "place_withdrawn"
    case didNotArrive = "did_not_arrive"
    case other = "other"
}

/// Who sent a referral (docs/casework.md `source.kind`).
public enum ReferralSourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case school, agency, `public`, otherLA = "other_la", `internal`
}

/// The triage decision on a referral.
public enum TriageDecision: String, Sendable, Hashable, Codable, CaseIterable {
    case accept, reject, link
}

/// Why a referral is rejected at triage; a rejection always needs one.
public enum ReferralRejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    case onRollElsewhere = "on_roll_elsewhere"
    case notCompulsorySchoolAge = "not_compulsory_school_age"
    case eheConfirmed = "ehe_confirmed"
    case duplicate
    case insufficientInformation = "insufficient_information"
    case other
}

/// The checks a school makes before referring (docs/domain.md, "Reasonable enquiries and the CME pathway"; docs/casework.md `checks_completed`).
public enum SchoolCheck: String, Sendable, Hashable, Codable, CaseIterable {
    case phoneAllContacts = "phone_all_contacts"
    case letterSent = "letter_sent"
    case staffAndPeers = "staff_and_peers"
    case siblingSchools = "sibling_schools"
    case homeVisit = "home_visit"
    case lostPupilsDatabase = "lost_pupils_database"
    case neighbours
    case other
}

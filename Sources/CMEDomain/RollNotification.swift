/// A statutory notice from a school (Regulation 13, 2024 regulations; docs/domain.md, "Roll notifications"): a pupil's name
/// entered in, or deleted from, the admission register.
public enum RollNotificationType: String, Sendable, Hashable, Codable, CaseIterable {
    case addition
    case removal
}

/// The effects a roll notification has in the same transaction, as its `actions[]` name them
/// (docs/roll-notifications.md).
public enum RollNotificationActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case expectedArrivalCreated = "expected_arrival_created"
    case arrivalConfirmed = "arrival_confirmed"
    case caseOpened = "case_opened"
    case caseClosed = "case_closed"
    case referralCreated = "referral_created"
    case eheRecorded = "ehe_recorded"
    /// An addition ended the child's spell of home education (`returned_to_school`).
    case eheEnded = "ehe_ended"
    case taskCreated = "task_created"
    case unauthorisedRemovalFlagged = "unauthorised_removal_flagged"
}

/// Warnings on an accepted request: kept, but worth a person's attention (docs/roll-notifications.md).
public enum WarningCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// A school's referral lacks a check its council requires (pointer `/checks_completed`).
    case missingSchoolCheck = "missing_school_check"
    /// The child is not of compulsory school age on the received date (`/child/date_of_birth`).
    case notCompulsorySchoolAge = "not_compulsory_school_age"
    /// The UPN's check letter does not match its other characters (`/child/upn`).
    case upnCheckLetter = "upn_check_letter"
}

/// Where a case on the CME register stands (docs/casework.md `status`).
public enum CaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Missing education and not yet found.
    case open
    /// Found, but not yet in education.
    case located
    /// Believed to be in another council's area or abroad, awaiting confirmation.
    case pendingTransfer = "pending_transfer"
    /// Closed with an outcome; may be reopened.
    case closed
}

/// The state changes an officer makes on a case (`POST /v1/cases/{id}/locate` and so on).
public enum CaseAction: String, Sendable, Hashable, Codable, CaseIterable {
    case locate
    case transfer
    case close
    case reopen
}

/// The allowed transitions of a case. A case is never closed because the child cannot be found;
/// it leaves the register only with a closure outcome and its evidence (docs/domain.md, "Who is a child missing education").
public enum CaseLifecycle {
    /// The transition table: from each status, the actions allowed and where they lead.
    /// Locating again a located case, or transferring again a pending transfer, is refused:
    /// an address change is a case update, not a state change.
    public static let transitions: [CaseStatus: [CaseAction: CaseStatus]] = [
        .open: [.locate: .located, .transfer: .pendingTransfer, .close: .closed],
        .located: [.transfer: .pendingTransfer, .close: .closed],
        // The move fell through and the child is found here after all.
        .pendingTransfer: [.locate: .located, .close: .closed],
        .closed: [.reopen: .open],
    ]

    public static func transition(from status: CaseStatus, by action: CaseAction) -> Result<CaseStatus, CaseTransitionError> {
        if let next = transitions[status]?[action] { return .success(next) }
        return .failure(CaseTransitionError(status: status, action: action))
    }

    public static func allowedActions(from status: CaseStatus) -> [CaseAction] {
        CaseAction.allCases.filter { transitions[status]?[$0] != nil }
    }
}

/// A state change the case's status does not allow (a 409 for the API).
public struct CaseTransitionError: Error, Hashable, Sendable {
    public let status: CaseStatus
    public let action: CaseAction

    public init(status: CaseStatus, action: CaseAction) {
        self.status = status
        self.action = action
    }

    public var message: String {
        let allowed = CaseLifecycle.allowedActions(from: status).map(\.rawValue).joined(separator: ", ")
        return "a case that is \(status.rawValue) cannot \(action.rawValue); allowed: \(allowed)"
    }
}

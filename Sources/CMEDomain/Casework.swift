import Foundation

/// Where a referral stands after triage.
public enum ReferralStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case received, accepted, rejected, linked
}

/// An officer a case is assigned to (`assigned_officer`), as partners see them too.
public struct Officer: Hashable, Sendable, Codable {
    public var name: String
    public var email: String?
    public var phone: String?

    public init(name: String, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(phone, forKey: .phone)
    }
}

/// A referral as stored: the form as read (canonical JSON), its warnings and matches at intake,
/// and triage.
public struct ReferralRecord: Sendable, Equatable {
    public var id: UUID
    public var laCode: String
    public var status: ReferralStatus
    public var receivedAt: Date
    public var receivedOn: CalendarDate
    public var submittedBy: UUID?
    public var sourceKind: ReferralSourceKind
    public var reason: ReferralReason
    public var childID: UUID
    public var form: JSONValue
    public var warnings: JSONValue
    public var matches: JSONValue
    public var caseID: UUID?
    public var decision: JSONValue?
    public var version: Int
    public var updatedAt: Date

    public init(id: UUID, laCode: String, status: ReferralStatus, receivedAt: Date, receivedOn: CalendarDate, submittedBy: UUID?,
                sourceKind: ReferralSourceKind, reason: ReferralReason, childID: UUID, form: JSONValue, warnings: JSONValue,
                matches: JSONValue, caseID: UUID?, decision: JSONValue?, version: Int, updatedAt: Date) {
        self.id = id
        self.laCode = laCode
        self.status = status
        self.receivedAt = receivedAt
        self.receivedOn = receivedOn
        self.submittedBy = submittedBy
        self.sourceKind = sourceKind
        self.reason = reason
        self.childID = childID
        self.form = form
        self.warnings = warnings
        self.matches = matches
        self.caseID = caseID
        self.decision = decision
        self.version = version
        self.updatedAt = updatedAt
    }
}

/// A case on the CME register, as stored.
public struct CaseRecord: Sendable, Equatable {
    public var id: UUID
    public var laCode: String
    public var reference: String
    public var childID: UUID
    public var status: CaseStatus
    public var outcome: ClosureOutcome?
    public var reason: ReferralReason
    public var openedAt: Date
    public var openedOn: CalendarDate
    public var closedAt: Date?
    public var assignedOfficer: Officer?
    public var riskFlags: [RiskFlag]
    public var safeguardingConcern: Bool
    public var untraceable: Bool
    public var lastTraceOn: CalendarDate?
    public var nextReviewOn: CalendarDate?
    public var reviewApproximate: Bool
    public var closure: JSONValue?
    public var located: JSONValue?
    public var transfer: JSONValue?
    public var version: Int
    public var updatedAt: Date
    /// The referrals accepted into or linked to the case, oldest first.
    public var referralIDs: [UUID]

    public init(id: UUID, laCode: String, reference: String, childID: UUID, status: CaseStatus, outcome: ClosureOutcome?,
                reason: ReferralReason, openedAt: Date, openedOn: CalendarDate, closedAt: Date?, assignedOfficer: Officer?,
                riskFlags: [RiskFlag], safeguardingConcern: Bool, untraceable: Bool, lastTraceOn: CalendarDate?,
                nextReviewOn: CalendarDate?, reviewApproximate: Bool, closure: JSONValue?, located: JSONValue?, transfer: JSONValue?,
                version: Int, updatedAt: Date, referralIDs: [UUID]) {
        self.id = id
        self.laCode = laCode
        self.reference = reference
        self.childID = childID
        self.status = status
        self.outcome = outcome
        self.reason = reason
        self.openedAt = openedAt
        self.openedOn = openedOn
        self.closedAt = closedAt
        self.assignedOfficer = assignedOfficer
        self.riskFlags = riskFlags
        self.safeguardingConcern = safeguardingConcern
        self.untraceable = untraceable
        self.lastTraceOn = lastTraceOn
        self.nextReviewOn = nextReviewOn
        self.reviewApproximate = reviewApproximate
        self.closure = closure
        self.located = located
        self.transfer = transfer
        self.version = version
        self.updatedAt = updatedAt
        self.referralIDs = referralIDs
    }

    /// The child has been found: the case is located, or closed with any outcome but a referral
    /// made in error (the partner status view's `located`).
    public var isLocated: Bool {
        status == .located || (status == .closed && outcome != nil && outcome != .referralInError)
    }

    /// The child is in education, or another council has confirmed it is responsible.
    public var educationSecured: Bool {
        guard status == .closed, let outcome else { return false }
        return [.onRoll, .alternativeProvision, .electiveHomeEducation, .movedToOtherLA].contains(outcome)
    }
}

/// One event of a case's timeline.
public struct CaseEvent: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var kind: String
    public var clientID: UUID?
    public var role: String
    public var details: JSONValue

    public init(id: Int64, at: Date, kind: String, clientID: UUID?, role: String, details: JSONValue) {
        self.id = id
        self.at = at
        self.kind = kind
        self.clientID = clientID
        self.role = role
        self.details = details
    }
}

public enum EnquiryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open, answered
}

/// An enquiry with an agency or another council about a case's child.
public struct EnquiryRecord: Sendable, Equatable {
    public var id: UUID
    public var laCode: String
    public var caseID: UUID
    public var caseReference: String
    public var agencyType: AgencyType
    public var agencyName: String?
    public var addressedClientID: UUID?
    public var addressedLACode: String?
    public var question: String
    /// Who is asked about: names, date of birth, UPN and address, a snapshot taken when sent.
    public var child: JSONValue
    public var sentOn: CalendarDate
    public var dueOn: CalendarDate
    public var dueApproximate: Bool
    public var status: EnquiryStatus
    public var response: JSONValue?
    public var answeredAt: Date?
    public var createdAt: Date

    public init(id: UUID, laCode: String, caseID: UUID, caseReference: String, agencyType: AgencyType, agencyName: String?,
                addressedClientID: UUID?, addressedLACode: String?, question: String, child: JSONValue, sentOn: CalendarDate,
                dueOn: CalendarDate, dueApproximate: Bool, status: EnquiryStatus, response: JSONValue?, answeredAt: Date?, createdAt: Date) {
        self.id = id
        self.laCode = laCode
        self.caseID = caseID
        self.caseReference = caseReference
        self.agencyType = agencyType
        self.agencyName = agencyName
        self.addressedClientID = addressedClientID
        self.addressedLACode = addressedLACode
        self.question = question
        self.child = child
        self.sentOn = sentOn
        self.dueOn = dueOn
        self.dueApproximate = dueApproximate
        self.status = status
        self.response = response
        self.answeredAt = answeredAt
        self.createdAt = createdAt
    }

    /// Open past its due date (overdue is computed, never stored).
    public func isOverdue(today: CalendarDate) -> Bool { status == .open && today > dueOn }
}

public enum VisitStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case requested, completed
}

/// A safe-and-well visit.
public struct VisitRecord: Sendable, Equatable {
    public var id: UUID
    public var laCode: String
    public var caseID: UUID
    public var address: Address?
    public var team: String?
    public var requestedOn: CalendarDate
    public var dueOn: CalendarDate
    public var dueApproximate: Bool
    public var status: VisitStatus
    public var outcome: VisitOutcome?
    public var visitedOn: CalendarDate?
    public var notes: String?
    public var concerns: String?
    public var createdAt: Date

    public init(id: UUID, laCode: String, caseID: UUID, address: Address?, team: String?, requestedOn: CalendarDate,
                dueOn: CalendarDate, dueApproximate: Bool, status: VisitStatus, outcome: VisitOutcome?, visitedOn: CalendarDate?,
                notes: String?, concerns: String?, createdAt: Date) {
        self.id = id
        self.laCode = laCode
        self.caseID = caseID
        self.address = address
        self.team = team
        self.requestedOn = requestedOn
        self.dueOn = dueOn
        self.dueApproximate = dueApproximate
        self.status = status
        self.outcome = outcome
        self.visitedOn = visitedOn
        self.notes = notes
        self.concerns = concerns
        self.createdAt = createdAt
    }
}

public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open, completed, cancelled
}

/// A task: derived work with a due date.
public struct TaskRecord: Sendable, Equatable {
    public var id: UUID
    public var kind: TaskKind
    public var status: TaskStatus
    public var dueOn: CalendarDate
    public var dueApproximate: Bool
    public var caseID: UUID?
    public var referralID: UUID?
    public var enquiryID: UUID?
    public var visitID: UUID?
    /// The roll notification or expected arrival the task is about, if any.
    public var notificationID: UUID?
    public var expectedArrivalID: UUID?
    public var createdAt: Date
    public var completedAt: Date?
    public var notes: String?

    public init(id: UUID, kind: TaskKind, status: TaskStatus, dueOn: CalendarDate, dueApproximate: Bool, caseID: UUID? = nil,
                referralID: UUID? = nil, enquiryID: UUID? = nil, visitID: UUID? = nil, notificationID: UUID? = nil,
                expectedArrivalID: UUID? = nil, createdAt: Date, completedAt: Date? = nil, notes: String? = nil) {
        self.notificationID = notificationID
        self.expectedArrivalID = expectedArrivalID
        self.id = id
        self.kind = kind
        self.status = status
        self.dueOn = dueOn
        self.dueApproximate = dueApproximate
        self.caseID = caseID
        self.referralID = referralID
        self.enquiryID = enquiryID
        self.visitID = visitID
        self.createdAt = createdAt
        self.completedAt = completedAt
        self.notes = notes
    }

    public func isOverdue(today: CalendarDate) -> Bool { status == .open && today > dueOn }

    /// Tasks a closure leaves open: safeguarding work goes on outside the CME timescale.
    public static let survivesClosure: Set<TaskKind> = [.referToSocialCare, .alertSocialWorker, .notifyPoliceUntraceable]
}

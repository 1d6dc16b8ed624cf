import CMEDomain
import CMEStore
import Foundation
import Runtime

/// The time the services work in: the instant, and the Europe/London date that deadlines count from.
/// Tests fix it; the server uses the system clock.
public struct ServiceClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    public static let system = ServiceClock()

    public var today: CalendarDate { CalendarDate.inLondon(at: now()) }
}

/// A request body as received, parsed only when a use case asks for it, after its preconditions
/// (`If-Match` is checked before the body, docs/casework.md).
public struct RequestBody: Sendable {
    public var bytes: [UInt8]
    public var contentType: String?

    public init(bytes: [UInt8], contentType: String?) {
        self.bytes = bytes
        self.contentType = contentType
    }

    /// The body as a JSON object: 415 for another media type, 400 for malformed JSON, 422 when it is
    /// not an object. With `optional`, an empty body is an empty object.
    public func object(optional: Bool = false) throws(ServiceError) -> JSONValue {
        if optional && bytes.isEmpty { return .object([:]) }
        try Self.requireJSON(contentType)
        guard !bytes.isEmpty else { throw .malformed("A JSON body is required.") }
        guard let value = JSONValue.parse(bytes) else { throw .malformed("The body is not valid JSON.") }
        guard value.objectValue != nil else {
            throw .invalid(FieldErrors([FieldError(pointer: .root, message: "must be a JSON object")]))
        }
        return value
    }
}

extension RequestBody {
    /// `application/json` or any `application/*+json` (merge patch), parameters ignored; else 415.
    public static func requireJSON(_ contentType: String?) throws(ServiceError) {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            throw .unsupportedMediaType("The body must be application/json.")
        }
    }
}

/// `If-Match` of a change: required (428 without), compared strongly with the resource's version
/// (412 when stale). `*` matches any version.
public struct Precondition: Sendable, Equatable {
    let tags: [String]

    public init(ifMatch header: String?) throws(ServiceError) {
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { throw .preconditionRequired }
        tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    public func check(version: Int) throws(ServiceError) {
        let current = "\"\(version)\""
        guard tags.contains(where: { $0 == "*" || Array($0.utf8) == Array(current.utf8) }) else { throw .preconditionFailed }
    }
}

/// The council's rules for one unit of work: its policy, its school calendar, and today.
struct CouncilRules {
    let policy: DeadlinePolicy
    let calendar: SchoolCalendar
    let today: CalendarDate
    let now: Date

    static func load(_ unit: UnitOfWork, clock: ServiceClock) async throws -> CouncilRules {
        guard let council = try await unit.council.find() else { throw ServiceError.notFound }
        let policy = try JSONDecoder().decode(DeadlinePolicy.self, from: Data(council.policyJSON))
        let now = clock.now()
        return CouncilRules(policy: policy, calendar: try await unit.calendars.schoolCalendar(), today: CalendarDate.inLondon(at: now),
                            now: now)
    }

    /// The end of a policy period started on `date` (today when nil).
    func due(_ period: PolicyPeriod, after date: CalendarDate? = nil) -> SchoolDayFigure<CalendarDate> {
        period.end(after: date ?? today, calendar: calendar)
    }
}

/// What the casework use cases share: the database, the clock, and the steps that many of them take.
struct Casework: Sendable {
    let database: Database
    let clock: ServiceClock

    /// Adds a task and records it in the audit trail; returns it.
    @discardableResult
    static func addTask(_ unit: UnitOfWork, _ kind: TaskKind, due: SchoolDayFigure<CalendarDate>, now: Date, caseID: UUID? = nil,
                        referralID: UUID? = nil, enquiryID: UUID? = nil, visitID: UUID? = nil, notificationID: UUID? = nil,
                        expectedArrivalID: UUID? = nil) async throws -> TaskRecord {
        let task = TaskRecord(id: TimeOrderedID.make(), kind: kind, status: .open, dueOn: due.value, dueApproximate: due.isApproximate, caseID: caseID,
                              referralID: referralID, enquiryID: enquiryID, visitID: visitID, notificationID: notificationID,
                              expectedArrivalID: expectedArrivalID, createdAt: now)
        try await unit.tasks.insert(task)
        unit.audit("create", subjectType: "task", subjectID: task.id.lowercasedString)
        if let caseID {
            try await unit.cases.addEvent(caseID, kind: "task_created",
                                          details: .object(["task_id": .string(task.id.lowercasedString), "task_kind": .string(kind.rawValue),
                                                            "due_on": .string(task.dueOn.iso8601)]), at: now)
        }
        return task
    }

    /// The case's risk flags from its child and its events (CMEDomain's rule).
    static func riskFlags(child: ChildRow, safeguardingConcern: Bool, untraceable: Bool) -> [RiskFlag] {
        RiskFlag.derive(childProtectionPlan: child.childProtectionPlan, childInNeedPlan: child.childInNeedPlan,
                        lookedAfter: child.lookedAfter, sen: child.sen.flatMap(SENProvision.init(rawValue:)),
                        safeguardingConcern: safeguardingConcern, untraceable: untraceable)
    }

    /// A case with its child (and where the child is on roll), as reads return it.
    static func view(_ unit: UnitOfWork, _ record: CaseRecord) async throws -> CaseView {
        guard let (fresh, child, place) = try await unit.cases.findWithChild(record.id) else { throw MalformedRow() }
        return CaseView(record: fresh, child: child, onRollAt: place)
    }

    /// A case of the caller's council, locked for a change, or 404.
    static func lockedCase(_ unit: UnitOfWork, _ id: UUID) async throws -> CaseRecord {
        guard let record = try await unit.cases.find(id, forUpdate: true) else { throw ServiceError.notFound }
        return record
    }
}

/// A case as the API shows it: the record, the child, and the school the child is on roll at now.
public struct CaseView: Sendable, Equatable {
    public var record: CaseRecord
    public var child: ChildRow
    public var onRollAt: RollPlace?
}

/// The cursor of lists walked by insertion order (`seq`): the last `seq` shown.
enum SeqCursor {
    static func decode(_ cursor: String?) throws(ServiceError) -> Int64? {
        guard let cursor else { return nil }
        guard let n = Int64(cursor), n > 0 else { throw .malformed("cursor is not a cursor this service gave.") }
        return n
    }
}

/// A page of a list with the key to continue after it.
public struct ListPage<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Opaque to clients: the API encodes it.
    public var nextCursor: String?
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension JSONValue {
    static func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
}

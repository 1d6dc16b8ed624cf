import CMEDomain
import Foundation
import Postgres

/// The filters of the task list.
public struct TaskFilter: Sendable, Equatable {
    public var status: TaskStatus?
    public var kind: TaskKind?
    public var overdue: Bool?
    public var caseID: UUID?
    public var today: CalendarDate

    public init(status: TaskStatus? = nil, kind: TaskKind? = nil, overdue: Bool? = nil, caseID: UUID? = nil, today: CalendarDate) {
        self.status = status
        self.kind = kind
        self.overdue = overdue
        self.caseID = caseID
        self.today = today
    }
}

/// The `tasks` table.
public struct TaskStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, kind, status, due_on, due_approximate, case_id, referral_id, enquiry_id, visit_id, created_at, completed_at, notes,
        notification_id, expected_arrival_id
        """

    static func decode(_ r: PostgresRow) throws -> TaskRecord {
        TaskRecord(id: try r.decode(UUID.self, at: 0), kind: try StoreCoding.enumValue(try r.decode(String.self, at: 1), TaskKind.self),
                   status: try StoreCoding.enumValue(try r.decode(String.self, at: 2), TaskStatus.self),
                   dueOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 3)), dueApproximate: try r.decode(Bool.self, at: 4),
                   caseID: try r.decode(UUID?.self, at: 5), referralID: try r.decode(UUID?.self, at: 6),
                   enquiryID: try r.decode(UUID?.self, at: 7), visitID: try r.decode(UUID?.self, at: 8),
                   notificationID: try r.decode(UUID?.self, at: 12), expectedArrivalID: try r.decode(UUID?.self, at: 13),
                   createdAt: try r.decode(Date.self, at: 9), completedAt: try r.decode(Date?.self, at: 10), notes: try r.decode(String?.self, at: 11))
    }

    public func insert(_ t: TaskRecord) async throws {
        try await unit.execute("""
            INSERT INTO tasks (id, la_code, kind, status, due_on, due_approximate, case_id, referral_id, enquiry_id, visit_id, notification_id,
                               expected_arrival_id, created_at)
            VALUES (\(t.id), \(unit.actor.laCode), \(t.kind.rawValue), \(t.status.rawValue), \(StoreCoding.date(t.dueOn)), \(t.dueApproximate),
                    \(t.caseID), \(t.referralID), \(t.enquiryID), \(t.visitID), \(t.notificationID), \(t.expectedArrivalID), \(t.createdAt))
            """)
    }

    /// Many tasks in one statement (a batch of notices can raise thousands), sent with the unit's next.
    public func insert(_ tasks: [TaskRecord]) async throws {
        guard !tasks.isEmpty else { return }
        var rows = RowSet()
        for t in tasks {
            rows.row {
                $0.add("id", t.id); $0.add("kind", t.kind.rawValue); $0.add("due_on", t.dueOn); $0.add("due_approximate", t.dueApproximate)
                $0.add("case_id", t.caseID); $0.add("notification_id", t.notificationID); $0.add("expected_arrival_id", t.expectedArrivalID)
                $0.add("created_at", t.createdAt)
            }
        }
        unit.executeWithNext("""
            INSERT INTO tasks (id, la_code, kind, status, due_on, due_approximate, case_id, notification_id, expected_arrival_id, created_at)
            SELECT id, \(unit.actor.laCode), kind, 'open', due_on, due_approximate, case_id, notification_id, expected_arrival_id, created_at
            FROM \(sql: rows.source("x"))
            """)
    }

    public func find(_ id: UUID, forUpdate: Bool = false) async throws -> TaskRecord? {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM tasks WHERE la_code = \(unit.actor.laCode) AND id = \(id) \(sql: forUpdate ? "FOR UPDATE" : "")
            """).first.map(Self.decode)
    }

    /// Completes one open task; nil when it was not open.
    public func complete(_ id: UUID, notes: String?, at now: Date) async throws -> TaskRecord? {
        try await unit.query("""
            UPDATE tasks SET status = 'completed', completed_at = \(now), completed_by = \(unit.actor.clientID), notes = \(notes)
            WHERE la_code = \(unit.actor.laCode) AND id = \(id) AND status = 'open' RETURNING \(sql: Self.columns)
            """).first.map(Self.decode)
    }

    /// Completes the open tasks of a kind about a subject (an answer completes its chase, a decision
    /// its triage); returns their ids.
    public func completeOpen(kind: TaskKind, referral: UUID? = nil, enquiry: UUID? = nil, visit: UUID? = nil, caseID: UUID? = nil,
                             at now: Date, laCode: String? = nil) async throws -> [UUID] {
        try await unit.query("""
            UPDATE tasks SET status = 'completed', completed_at = \(now), completed_by = \(unit.actor.clientID)
            WHERE la_code = \(laCode ?? unit.actor.laCode) AND status = 'open' AND kind = \(kind.rawValue)
              AND (\(referral)::uuid IS NULL OR referral_id = \(referral)) AND (\(enquiry)::uuid IS NULL OR enquiry_id = \(enquiry))
              AND (\(visit)::uuid IS NULL OR visit_id = \(visit)) AND (\(caseID)::uuid IS NULL OR case_id = \(caseID))
            RETURNING id
            """).map { try $0.decode(UUID.self, at: 0) }
    }

    /// Cancels a case's open tasks except the kinds given; returns their ids.
    public func cancelOpen(ofCase caseID: UUID, except kept: Set<TaskKind>, at now: Date) async throws -> [UUID] {
        try await unit.query("""
            UPDATE tasks SET status = 'cancelled', completed_at = \(now), completed_by = \(unit.actor.clientID)
            WHERE la_code = \(unit.actor.laCode) AND case_id = \(caseID) AND status = 'open' AND NOT (kind = ANY(\(kept.map(\.rawValue))))
            RETURNING id
            """).map { try $0.decode(UUID.self, at: 0) }
    }

    public func list(_ f: TaskFilter, after: DueKey?, limit: Int) async throws -> (rows: [TaskRecord], more: Bool) {
        var filter: PostgresQuery = ""
        if let s = f.status { filter = "\(sql: filter) AND status = \(s.rawValue)" }
        if let k = f.kind { filter = "\(sql: filter) AND kind = \(k.rawValue)" }
        if let c = f.caseID { filter = "\(sql: filter) AND case_id = \(c)" }
        if let overdue = f.overdue {
            let today = StoreCoding.date(f.today)
            filter = overdue ? "\(sql: filter) AND status = 'open' AND due_on < \(today)"
                             : "\(sql: filter) AND NOT (status = 'open' AND due_on < \(today))"
        }
        if let after { filter = "\(sql: filter) AND (due_on, id) > (\(StoreCoding.date(after.dueOn)), \(after.id))" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM tasks WHERE la_code = \(unit.actor.laCode) \(sql: filter)
            ORDER BY due_on, id LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }
}

/// The `outbox` table: events for other systems, committed with the change they announce.
public struct OutboxStore: Sendable {
    let unit: UnitOfWork

    public func add(topic: String, subjectType: String, subjectID: UUID, payload: JSONValue) async throws {
        try await unit.execute("""
            INSERT INTO outbox (la_code, topic, subject_type, subject_id, payload)
            VALUES (\(unit.actor.laCode), \(topic), \(subjectType), \(subjectID), \(StoreCoding.json(payload))::jsonb)
            """)
    }

    /// Unpublished events of the council, oldest first (for the delivery worker and tests).
    public func pending(limit: Int = 100) async throws -> [(topic: String, subjectID: UUID, payload: JSONValue)] {
        try await unit.query("""
            SELECT topic, subject_id, payload::text FROM outbox WHERE la_code = \(unit.actor.laCode) AND published_at IS NULL
            ORDER BY id LIMIT \(Int64(limit))
            """).map { (try $0.decode(String.self, at: 0), try $0.decode(UUID.self, at: 1),
                        try StoreCoding.value(try $0.decode(String.self, at: 2)) ?? .null) }
    }
}

extension UnitOfWork {
    public var tasks: TaskStore { TaskStore(unit: self) }
    public var outbox: OutboxStore { OutboxStore(unit: self) }
}

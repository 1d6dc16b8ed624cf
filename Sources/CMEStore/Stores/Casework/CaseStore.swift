import CMEDomain
import Foundation
import Postgres

/// The filters of the case list (`GET /v1/cases`).
public struct CaseFilter: Sendable, Equatable {
    public var status: CaseStatus?
    public var riskFlag: RiskFlag?
    /// The assigned officer's email or name, compared case-insensitively.
    public var assignedOfficer: String?
    /// Overdue: the review date has passed, or an open task of the case is past due.
    public var overdue: Bool?
    public var today: CalendarDate

    public init(status: CaseStatus? = nil, riskFlag: RiskFlag? = nil, assignedOfficer: String? = nil, overdue: Bool? = nil,
                today: CalendarDate) {
        self.status = status
        self.riskFlag = riskFlag
        self.assignedOfficer = assignedOfficer
        self.overdue = overdue
        self.today = today
    }
}

/// The `cases` table, its reference counters and its events (the timeline).
public struct CaseStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        c.id, c.la_code, c.reference, c.child_id, c.status, c.outcome, c.reason, c.opened_at, c.opened_on, c.closed_at,
        c.assigned_officer::text, c.risk_flags, c.safeguarding_concern, c.untraceable, c.last_trace_on, c.next_review_on,
        c.review_approximate, c.closure::text, c.located::text, c.transfer::text, c.version, c.updated_at, c.seq,
        ARRAY(SELECT r.id FROM referrals r WHERE r.la_code = c.la_code AND r.case_id = c.id ORDER BY r.seq)
        """

    static func decode(_ r: PostgresRow) throws -> (CaseRecord, Int64) {
        (CaseRecord(id: try r.decode(UUID.self, at: 0), laCode: try r.decode(String.self, at: 1), reference: try r.decode(String.self, at: 2),
                    childID: try r.decode(UUID.self, at: 3), status: try StoreCoding.enumValue(try r.decode(String.self, at: 4), CaseStatus.self),
                    outcome: try r.decode(String?.self, at: 5).map { try StoreCoding.enumValue($0, ClosureOutcome.self) },
                    reason: try StoreCoding.enumValue(try r.decode(String.self, at: 6), ReferralReason.self),
                    openedAt: try r.decode(Date.self, at: 7), openedOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 8)),
                    closedAt: try r.decode(Date?.self, at: 9), assignedOfficer: try StoreCoding.decode(Officer.self, try r.decode(String?.self, at: 10)),
                    riskFlags: try r.decode([String].self, at: 11).map { try StoreCoding.enumValue($0, RiskFlag.self) },
                    safeguardingConcern: try r.decode(Bool.self, at: 12), untraceable: try r.decode(Bool.self, at: 13),
                    lastTraceOn: StoreCoding.date(try r.decode(PostgresDate?.self, at: 14)),
                    nextReviewOn: StoreCoding.date(try r.decode(PostgresDate?.self, at: 15)), reviewApproximate: try r.decode(Bool.self, at: 16),
                    closure: try StoreCoding.value(try r.decode(String?.self, at: 17)), located: try StoreCoding.value(try r.decode(String?.self, at: 18)),
                    transfer: try StoreCoding.value(try r.decode(String?.self, at: 19)), version: try r.decode(Int.self, at: 20),
                    updatedAt: try r.decode(Date.self, at: 21), referralIDs: try r.decode([UUID].self, at: 23)),
         try r.decode(Int64.self, at: 22))
    }

    /// The next reference number of the council's year. The counter row stays locked until the
    /// transaction ends, so references are unique and, as a rollback returns its number, gapless.
    public func nextSequence(year: Int) async throws -> Int {
        let rows = try await unit.query("""
            INSERT INTO case_reference_counters (la_code, year, last_sequence) VALUES (\(unit.actor.laCode), \(Int32(year)), 1)
            ON CONFLICT (la_code, year) DO UPDATE SET last_sequence = case_reference_counters.last_sequence + 1
            RETURNING last_sequence
            """)
        return try rows[0].decode(Int.self, at: 0)
    }

    public func insert(_ c: CaseRecord) async throws {
        try await unit.execute("""
            INSERT INTO cases (id, la_code, reference, child_id, status, outcome, reason, opened_at, opened_on, assigned_officer,
                               risk_flags, safeguarding_concern, untraceable, last_trace_on, next_review_on, review_approximate,
                               version, updated_at)
            VALUES (\(c.id), \(unit.actor.laCode), \(c.reference), \(c.childID), \(c.status.rawValue), \(c.outcome?.rawValue),
                    \(c.reason.rawValue), \(c.openedAt), \(StoreCoding.date(c.openedOn)),
                    \(c.assignedOfficer.map { StoreCoding.json($0) })::jsonb, \(c.riskFlags.map(\.rawValue)), \(c.safeguardingConcern),
                    \(c.untraceable), \(StoreCoding.date(c.lastTraceOn)), \(StoreCoding.date(c.nextReviewOn)), \(c.reviewApproximate),
                    \(Int32(c.version)), \(c.updatedAt))
            """)
    }

    public func find(_ id: UUID, forUpdate: Bool = false) async throws -> CaseRecord? {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM cases c WHERE c.la_code = \(unit.actor.laCode) AND c.id = \(id)
            \(sql: forUpdate ? "FOR UPDATE OF c" : "")
            """).first.map { try Self.decode($0).0 }
    }

    /// A case with its child and the school the child is on roll at now, in one statement.
    public func findWithChild(_ id: UUID) async throws -> (CaseRecord, ChildRow, RollPlace?)? {
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns), \(sql: ChildStore.joinedColumns), roll.school_urn, roll.since
            FROM cases c JOIN children ch ON ch.la_code = c.la_code AND ch.id = c.child_id
            LEFT JOIN LATERAL (SELECT school_urn, since FROM current_roll r
                               WHERE r.la_code = c.la_code AND r.child_id = c.child_id
                               ORDER BY since DESC, school_urn LIMIT 1) roll ON true
            WHERE c.la_code = \(unit.actor.laCode) AND c.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        let place = try row.decode(String?.self, at: 45).map { urn in
            RollPlace(schoolURN: urn, since: try StoreCoding.requiredDate(try row.decode(PostgresDate.self, at: 46)))
        }
        return (try Self.decode(row).0, try ChildStore.decode(row, from: 24), place)
    }

    /// The case of a child that is not closed, if any.
    public func live(ofChild child: UUID) async throws -> CaseRecord? {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM cases c WHERE c.la_code = \(unit.actor.laCode) AND c.child_id = \(child) AND c.status <> 'closed'
            """).first.map { try Self.decode($0).0 }
    }

    /// The live case of each child, for matching.
    public func liveCaseIDs(ofChildren children: [UUID]) async throws -> [UUID: UUID] {
        guard !children.isEmpty else { return [:] }
        var out: [UUID: UUID] = [:]
        for r in try await unit.query("""
            SELECT child_id, id FROM cases WHERE la_code = \(unit.actor.laCode) AND child_id = ANY(\(children)) AND status <> 'closed'
            """) {
            out[try r.decode(UUID.self, at: 0)] = try r.decode(UUID.self, at: 1)
        }
        return out
    }

    /// Cases of a child (any status), to refresh their risk flags when the child changes.
    public func all(ofChild child: UUID) async throws -> [CaseRecord] {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM cases c WHERE c.la_code = \(unit.actor.laCode) AND c.child_id = \(child)
            """).map { try Self.decode($0).0 }
    }

    /// Writes every changeable field of the case and bumps its version; the caller has locked it.
    public func update(_ c: CaseRecord, at now: Date) async throws -> CaseRecord {
        let rows = try await unit.query("""
            UPDATE cases c SET status = \(c.status.rawValue), outcome = \(c.outcome?.rawValue), closed_at = \(c.closedAt),
                   assigned_officer = \(c.assignedOfficer.map { StoreCoding.json($0) })::jsonb, risk_flags = \(c.riskFlags.map(\.rawValue)),
                   safeguarding_concern = \(c.safeguardingConcern), untraceable = \(c.untraceable),
                   last_trace_on = \(StoreCoding.date(c.lastTraceOn)), next_review_on = \(StoreCoding.date(c.nextReviewOn)),
                   review_approximate = \(c.reviewApproximate), closure = \(StoreCoding.json(c.closure))::jsonb,
                   located = \(StoreCoding.json(c.located))::jsonb, transfer = \(StoreCoding.json(c.transfer))::jsonb,
                   version = c.version + 1, updated_at = \(now)
            WHERE c.la_code = \(unit.actor.laCode) AND c.id = \(c.id)
            RETURNING \(sql: Self.columns)
            """)
        guard let row = rows.first else { throw MalformedRow() }
        return try Self.decode(row).0
    }

    /// A page of the register, newest first, after the `seq` of the previous page's last case.
    public func list(_ f: CaseFilter, after: Int64?, limit: Int) async throws -> (rows: [CaseRecord], lastSeq: Int64?, more: Bool) {
        var filter: PostgresQuery = ""
        if let s = f.status { filter = "\(sql: filter) AND c.status = \(s.rawValue)" }
        if let flag = f.riskFlag { filter = "\(sql: filter) AND c.risk_flags @> ARRAY[\(flag.rawValue)]::text[]" }
        if let officer = f.assignedOfficer {
            filter = """
                \(sql: filter) AND (lower(c.assigned_officer->>'email') = lower(\(officer))
                                    OR lower(c.assigned_officer->>'name') = lower(\(officer)))
                """
        }
        if let overdue = f.overdue {
            let today = StoreCoding.date(f.today)
            let condition: PostgresQuery = """
                (c.next_review_on < \(today) OR EXISTS (SELECT 1 FROM tasks t WHERE t.la_code = c.la_code AND t.case_id = c.id
                                                         AND t.status = 'open' AND t.due_on < \(today)))
                """
            filter = overdue ? "\(sql: filter) AND \(sql: condition)" : "\(sql: filter) AND NOT \(sql: condition)"
        }
        if let after { filter = "\(sql: filter) AND c.seq < \(after)" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM cases c WHERE c.la_code = \(unit.actor.laCode) \(sql: filter)
            ORDER BY c.seq DESC LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        let page = Array(rows.prefix(limit))
        return (page.map(\.0), page.last?.1, rows.count > limit)
    }

    /// Open cases that are not yet flagged untraceable: the untraceable sweep's candidates.
    public func untraceableCandidates() async throws -> [CaseRecord] {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM cases c WHERE c.la_code = \(unit.actor.laCode) AND c.status = 'open' AND NOT c.untraceable
            """).map { try Self.decode($0).0 }
    }

    /// Flags a case untraceable unless another transaction did first, or the child was traced
    /// since `noTraceSince` was read; true when this one did.
    public func markUntraceable(_ id: UUID, flags: [RiskFlag], noTraceSince: CalendarDate?, at now: Date) async throws -> Bool {
        try await unit.execute("""
            UPDATE cases SET untraceable = true, risk_flags = \(flags.map(\.rawValue)), version = version + 1, updated_at = \(now)
            WHERE la_code = \(unit.actor.laCode) AND id = \(id) AND status = 'open' AND NOT untraceable
              AND last_trace_on IS NOT DISTINCT FROM \(StoreCoding.date(noTraceSince))
            """) == 1
    }

    /// Notes a trace of the child (an answer that found something, a visit that saw the child):
    /// the last trace date moves on and the untraceable flag goes.
    public func noteTrace(_ id: UUID, on date: CalendarDate, at now: Date, laCode: String? = nil) async throws {
        try await unit.execute("""
            UPDATE cases SET last_trace_on = GREATEST(last_trace_on, \(StoreCoding.date(date))), untraceable = false,
                   risk_flags = array_remove(risk_flags, 'untraceable'), version = version + 1, updated_at = \(now)
            WHERE la_code = \(laCode ?? unit.actor.laCode) AND id = \(id)
            """)
    }

    // MARK: Events

    /// Adds an event to the case's timeline, as the unit's actor.
    public func addEvent(_ caseID: UUID, kind: String, details: JSONValue = .object([:]), at now: Date,
                         laCode: String? = nil) async throws {
        try await unit.execute("""
            INSERT INTO case_events (la_code, case_id, at, kind, client_id, role, details)
            VALUES (\(laCode ?? unit.actor.laCode), \(caseID), \(now), \(kind), \(unit.actor.clientID), \(unit.actor.role),
                    \(StoreCoding.json(details))::jsonb)
            """)
    }

    /// A page of the timeline, oldest first, after the event id given.
    public func events(_ caseID: UUID, after: Int64?, limit: Int) async throws -> (rows: [CaseEvent], more: Bool) {
        let rows = try await unit.query("""
            SELECT id, at, kind, client_id, role, details::text FROM case_events
            WHERE la_code = \(unit.actor.laCode) AND case_id = \(caseID) AND id > \(after ?? 0)
            ORDER BY id LIMIT \(Int64(limit + 1))
            """).map { r in
            CaseEvent(id: try r.decode(Int64.self, at: 0), at: try r.decode(Date.self, at: 1), kind: try r.decode(String.self, at: 2),
                      clientID: try r.decode(UUID?.self, at: 3), role: try r.decode(String.self, at: 4),
                      details: try StoreCoding.value(try r.decode(String.self, at: 5)) ?? .object([:]))
        }
        return (Array(rows.prefix(limit)), rows.count > limit)
    }
}

extension UnitOfWork {
    public var cases: CaseStore { CaseStore(unit: self) }
}

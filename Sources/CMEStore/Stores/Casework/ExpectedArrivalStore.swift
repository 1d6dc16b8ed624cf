import CMEDomain
import Foundation
import Postgres
import Runtime

public enum ExpectedArrivalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, arrived, overdue
}

/// A child expected at a school after a removal there.
public struct ExpectedArrivalRecord: Sendable, Equatable {
    public var id: UUID
    public var childID: UUID
    public var removalID: UUID
    public var fromSchoolURN: String
    public var schoolURN: String
    public var dueOn: CalendarDate
    public var dueApproximate: Bool
    public var status: ExpectedArrivalStatus
    public var arrivalID: UUID?
    public var caseID: UUID?
    public var createdAt: Date

    public init(id: UUID, childID: UUID, removalID: UUID, fromSchoolURN: String, schoolURN: String, dueOn: CalendarDate,
                dueApproximate: Bool, status: ExpectedArrivalStatus, arrivalID: UUID? = nil, caseID: UUID? = nil, createdAt: Date) {
        self.id = id
        self.childID = childID
        self.removalID = removalID
        self.fromSchoolURN = fromSchoolURN
        self.schoolURN = schoolURN
        self.dueOn = dueOn
        self.dueApproximate = dueApproximate
        self.status = status
        self.arrivalID = arrivalID
        self.caseID = caseID
        self.createdAt = createdAt
    }
}

/// `expected_arrivals` and `deregistration_authorisations`.
public struct ExpectedArrivalStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, child_id, removal_id, from_school_urn, school_urn, due_on, due_approximate, status, arrival_id, case_id, created_at
        """

    static func decode(_ r: PostgresRow) throws -> ExpectedArrivalRecord {
        ExpectedArrivalRecord(id: try r.decode(UUID.self, at: 0), childID: try r.decode(UUID.self, at: 1), removalID: try r.decode(UUID.self, at: 2),
                              fromSchoolURN: try r.decode(String.self, at: 3), schoolURN: try r.decode(String.self, at: 4),
                              dueOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 5)), dueApproximate: try r.decode(Bool.self, at: 6),
                              status: try StoreCoding.enumValue(try r.decode(String.self, at: 7), ExpectedArrivalStatus.self),
                              arrivalID: try r.decode(UUID?.self, at: 8), caseID: try r.decode(UUID?.self, at: 9), createdAt: try r.decode(Date.self, at: 10))
    }

    /// Stores arrivals, each with its child's date of birth as recorded (`born`), by which an
    /// addition that fulfilled nothing finds the children expected at its school. Sent with the unit's
    /// next statement (`executeWithNext`).
    public func insert(_ arrivals: [ExpectedArrivalRecord], born: [UUID: CalendarDate]) async throws {
        guard !arrivals.isEmpty else { return }
        var rows = RowSet()
        for a in arrivals {
            rows.row {
                $0.add("id", a.id); $0.add("child_id", a.childID); $0.add("removal_id", a.removalID); $0.add("from_school_urn", a.fromSchoolURN)
                $0.add("school_urn", a.schoolURN); $0.add("due_on", a.dueOn); $0.add("due_approximate", a.dueApproximate)
                $0.add("created_at", a.createdAt); $0.add("child_born", born[a.childID])
            }
        }
        unit.executeWithNext("""
            INSERT INTO expected_arrivals (id, la_code, child_id, removal_id, from_school_urn, school_urn, due_on, due_approximate, status,
                                           created_at, child_born)
            SELECT x.id, \(unit.actor.laCode), x.child_id, x.removal_id, x.from_school_urn, x.school_urn, x.due_on, x.due_approximate,
                   'pending', x.created_at, x.child_born
            FROM \(sql: rows.source("x"))
            """)
    }

    /// Fulfils the pending arrivals of these (child, school) pairs by the additions given; returns
    /// (expected arrival id, addition id) for each fulfilled.
    public func fulfil(_ additions: [(addition: UUID, child: UUID, school: String)], at now: Date) async throws -> [(UUID, UUID)] {
        guard !additions.isEmpty else { return [] }
        var rows = RowSet()
        for a in additions { rows.row { $0.add("a", a.addition); $0.add("c", a.child); $0.add("s", a.school) } }
        // Each addition probes the pending index for its child and school (the OFFSET 0 keeps the
        // planner from hashing every pending arrival of the council instead), and each row found is
        // updated where it lies (`ctid`): with another path, a plan made for a few rows compared
        // every row found with every other (1 s a batch). The planner may still join `m` to `e` by
        // hashing the council's pending arrivals (those due in the next weeks: 4 ms for 10,000)
        // rather than visiting each place; both are correct. A row another transaction changed first
        // fails the recheck of `status = 'pending'`, and is left to it.
        return try await unit.query("""
            WITH m AS MATERIALIZED (
                SELECT x.a, p.place FROM \(sql: rows.source("x")),
                LATERAL (SELECT p.ctid AS place FROM expected_arrivals p
                         WHERE p.la_code = \(unit.actor.laCode) AND p.status = 'pending' AND p.child_id = x.c AND p.school_urn = x.s
                         OFFSET 0) p)
            UPDATE expected_arrivals e SET status = 'arrived', arrival_id = m.a, resolved_at = \(now)
            FROM m
            WHERE e.ctid = m.place AND e.la_code = \(unit.actor.laCode) AND e.status = 'pending'
            RETURNING e.id, m.a
            """).map { (try $0.decode(UUID.self, at: 0), try $0.decode(UUID.self, at: 1)) }
    }

    /// Pending arrivals at these schools of children born on these dates (or with day and month
    /// swapped), with the expected child's name: the candidates for fuzzy matching of additions
    /// that fulfilled nothing.
    public func pendingWithChildren(at places: [(school: String, born: CalendarDate)]) async throws -> [(arrival: UUID, school: String, child: ChildRecord)] {
        guard !places.isEmpty else { return [] }
        var rows = RowSet()
        var seen = Set<String>()
        for p in places {
            for d in [p.born, p.born.withDayAndMonthSwapped].compactMap({ $0 }) where seen.insert(p.school + d.iso8601).inserted { rows.row { $0.add("s", p.school); $0.add("d", d) } }
        }
        // One probe of the pending index per school and birth date (OFFSET 0: never a hash of every
        // pending arrival), each joined to its few children by primary key (`+ 0` keeps the children's
        // birth-date index out of it: without statistics the planner drove the join from there).
        return try await unit.query("""
            SELECT e.id, e.school_urn, e.upn, e.first_name, e.last_name, e.date_of_birth
            FROM \(sql: rows.source("x")),
            LATERAL (SELECT p.id, p.school_urn, c.upn, c.first_name, c.last_name, c.date_of_birth
                     FROM expected_arrivals p JOIN children c ON c.id = p.child_id AND c.date_of_birth + 0 = x.d
                     WHERE p.la_code = \(unit.actor.laCode) AND p.status = 'pending' AND p.school_urn = x.s AND p.child_born = x.d
                     OFFSET 0) e
            """).map { r in
            (try r.decode(UUID.self, at: 0), try r.decode(String.self, at: 1),
             ChildRecord(upn: try r.decode(String?.self, at: 2).flatMap(UPN.init), firstName: try r.decode(String.self, at: 3),
                         lastName: try r.decode(String.self, at: 4), dateOfBirth: StoreCoding.date(try r.decode(PostgresDate?.self, at: 5))))
        }
    }

    /// Pending arrivals due before `today`: the sweep's candidates.
    public func overdue(before today: CalendarDate, limit: Int = 1_000) async throws -> [ExpectedArrivalRecord] {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM expected_arrivals
            WHERE la_code = \(unit.actor.laCode) AND status = 'pending' AND due_on < \(StoreCoding.date(today))
            ORDER BY due_on, id LIMIT \(Int64(limit))
            """).map(Self.decode)
    }

    /// Marks an arrival overdue unless another sweep did first; true when this one did.
    public func markOverdue(_ id: UUID, at now: Date) async throws -> Bool {
        try await unit.execute("""
            UPDATE expected_arrivals SET status = 'overdue', resolved_at = \(now)
            WHERE la_code = \(unit.actor.laCode) AND id = \(id) AND status = 'pending'
            """) == 1
    }

    public func setCase(_ id: UUID, caseID: UUID) async throws {
        try await unit.execute("UPDATE expected_arrivals SET case_id = \(caseID) WHERE la_code = \(unit.actor.laCode) AND id = \(id)")
    }

    /// A page by due date. `pending` means not yet due; `overdue` includes pending arrivals past due
    /// that no sweep has reached yet.
    public func list(status: ExpectedArrivalStatus?, school: String?, today: CalendarDate, after: DueKey?,
                     limit: Int) async throws -> (rows: [ExpectedArrivalRecord], more: Bool) {
        var filter: PostgresQuery = ""
        let day = StoreCoding.date(today)
        switch status {
        case .pending?: filter = "AND status = 'pending' AND due_on >= \(day)"
        case .overdue?: filter = "AND (status = 'overdue' OR (status = 'pending' AND due_on < \(day)))"
        case .arrived?: filter = "AND status = 'arrived'"
        case nil: break
        }
        if let school { filter = "\(sql: filter) AND school_urn = \(school)" }
        if let after { filter = "\(sql: filter) AND (due_on, id) > (\(StoreCoding.date(after.dueOn)), \(after.id))" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM expected_arrivals WHERE la_code = \(unit.actor.laCode) \(sql: filter)
            ORDER BY due_on, id LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }

    // MARK: Deregistration authorisations

    public func authorise(caseID: UUID, child: UUID, school: String, from: CalendarDate, at now: Date) async throws -> UUID {
        let id = TimeOrderedID.make()
        try await unit.execute("""
            INSERT INTO deregistration_authorisations (id, la_code, case_id, child_id, school_urn, authorised_from, created_at, created_by)
            VALUES (\(id), \(unit.actor.laCode), \(caseID), \(child), \(school), \(StoreCoding.date(from)), \(now), \(unit.actor.clientID))
            """)
        return id
    }

    /// The (child, school) pairs among those given that a deregistration authorisation covers on their date.
    public func authorised(_ pairs: [(child: UUID, school: String, on: CalendarDate)]) async throws -> Set<String> {
        guard !pairs.isEmpty else { return [] }
        var rows = RowSet()
        for p in pairs { rows.row { $0.add("c", p.child); $0.add("s", p.school); $0.add("d", p.on) } }
        return Set(try await unit.query("""
            SELECT DISTINCT x.c::text || '|' || x.s FROM \(sql: rows.source("x"))
            JOIN deregistration_authorisations a ON a.la_code = \(unit.actor.laCode) AND a.child_id = x.c AND a.school_urn = x.s
                 AND a.authorised_from <= x.d
            """).map { try $0.decode(String.self, at: 0) })
    }

    /// Authorisations, newest first; a school's own only when `school` is given.
    public func authorisations(school: String?) async throws -> [(id: UUID, caseID: UUID, childID: UUID, school: String, from: CalendarDate, createdAt: Date)] {
        var filter: PostgresQuery = ""
        if let school { filter = "AND school_urn = \(school)" }
        return try await unit.query("""
            SELECT id, case_id, child_id, school_urn, authorised_from, created_at FROM deregistration_authorisations
            WHERE la_code = \(unit.actor.laCode) \(sql: filter) ORDER BY created_at DESC, id LIMIT 500
            """).map { r in
            (try r.decode(UUID.self, at: 0), try r.decode(UUID.self, at: 1), try r.decode(UUID.self, at: 2), try r.decode(String.self, at: 3),
             try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 4)), try r.decode(Date.self, at: 5))
        }
    }
}

extension UnitOfWork {
    public var expectedArrivals: ExpectedArrivalStore { ExpectedArrivalStore(unit: self) }
}

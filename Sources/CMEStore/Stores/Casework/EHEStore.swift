import CMEDomain
import Foundation
import Postgres

/// A spell of elective home education as stored, with its child's name and its statutory steps.
public struct EHERecord: Sendable {
    public var id: UUID
    public var childID: UUID
    public var child: (firstName: String, lastName: String, dateOfBirth: CalendarDate?)?
    public var notificationID: UUID?
    public var schoolURN: String?
    public var ground: String?
    public var reason: EHEReason
    public var startsOn: CalendarDate
    public var endedOn: CalendarDate?
    public var endReason: EHEEndReason?
    public var endSchoolURN: String?
    public var createdAt: Date
    public var events: [EHEEvent]

    public init(id: UUID, childID: UUID, notificationID: UUID? = nil, schoolURN: String? = nil, ground: String? = nil, reason: EHEReason,
                startsOn: CalendarDate, createdAt: Date) {
        self.id = id
        self.childID = childID
        self.notificationID = notificationID
        self.schoolURN = schoolURN
        self.ground = ground
        self.reason = reason
        self.startsOn = startsOn
        self.createdAt = createdAt
        self.events = []
    }

    /// The school attendance order in force: the last issued, unless a revocation followed it
    /// (events are in date order).
    public var orderInForce: EHEEvent? {
        var inForce: EHEEvent?
        for e in events {
            if e.kind == .saoIssued { inForce = e } else if e.kind == .saoRevoked { inForce = nil }
        }
        return inForce
    }
}

/// A statutory step in a spell of home education.
public struct EHEEvent: Sendable, Equatable {
    public var id: UUID
    public var kind: EHEEventKind
    public var onDate: CalendarDate
    public var schoolURN: String?
    public var notes: String?
    public var createdAt: Date

    public init(id: UUID, kind: EHEEventKind, onDate: CalendarDate, schoolURN: String?, notes: String?, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.onDate = onDate
        self.schoolURN = schoolURN
        self.notes = notes
        self.createdAt = createdAt
    }
}

/// The `ehe_records` and `ehe_events` tables.
public struct EHEStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        e.id, e.child_id, e.notification_id, e.school_urn, e.ground, e.reason, e.starts_on, e.ended_on, e.end_reason, e.end_school_urn,
        e.created_at, e.seq, ch.first_name, ch.last_name, ch.date_of_birth
        """

    static func decode(_ r: PostgresRow) throws -> (EHERecord, Int64) {
        var e = EHERecord(id: try r.decode(UUID.self, at: 0), childID: try r.decode(UUID.self, at: 1), notificationID: try r.decode(UUID?.self, at: 2),
                          schoolURN: try r.decode(String?.self, at: 3), ground: try r.decode(String?.self, at: 4),
                          reason: try StoreCoding.enumValue(try r.decode(String.self, at: 5), EHEReason.self),
                          startsOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 6)), createdAt: try r.decode(Date.self, at: 10))
        e.endedOn = StoreCoding.date(try r.decode(PostgresDate?.self, at: 7))
        e.endReason = try r.decode(String?.self, at: 8).map { try StoreCoding.enumValue($0, EHEEndReason.self) }
        e.endSchoolURN = try r.decode(String?.self, at: 9)
        if let first = try r.decode(String?.self, at: 12), let last = try r.decode(String?.self, at: 13) {
            e.child = (first, last, StoreCoding.date(try r.decode(PostgresDate?.self, at: 14)))
        }
        return (e, try r.decode(Int64.self, at: 11))
    }

    /// Starts a spell unless the child already has a current one; returns the spell that is
    /// current afterwards and whether it is the one inserted.
    public func start(_ e: EHERecord) async throws -> (id: UUID, inserted: Bool) {
        let inserted = try await unit.query("""
            INSERT INTO ehe_records (id, la_code, child_id, notification_id, school_urn, ground, reason, starts_on, created_at, created_by)
            VALUES (\(e.id), \(unit.actor.laCode), \(e.childID), \(e.notificationID), \(e.schoolURN), \(e.ground), \(e.reason.rawValue),
                    \(StoreCoding.date(e.startsOn)), \(e.createdAt), \(unit.actor.clientID))
            ON CONFLICT (la_code, child_id) WHERE ended_on IS NULL DO NOTHING
            RETURNING id
            """)
        if !inserted.isEmpty { return (e.id, true) }
        guard let current = try await current(ofChild: e.childID) else { throw MalformedRow() }
        return (current, false)
    }

    /// The child's current spell, if any.
    public func current(ofChild child: UUID) async throws -> UUID? {
        try await unit.query("""
            SELECT id FROM ehe_records WHERE la_code = \(unit.actor.laCode) AND child_id = \(child) AND ended_on IS NULL
            """).first.map { try $0.decode(UUID.self, at: 0) }
    }

    public func find(_ id: UUID, forUpdate: Bool = false) async throws -> EHERecord? {
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM ehe_records e LEFT JOIN children ch ON ch.la_code = e.la_code AND ch.id = e.child_id
            WHERE e.la_code = \(unit.actor.laCode) AND e.id = \(id) \(sql: forUpdate ? "FOR UPDATE OF e" : "")
            """)
        guard let row = rows.first else { return nil }
        var record = try Self.decode(row).0
        record.events = try await events(of: [id])[id] ?? []
        return record
    }

    /// A page, newest first: `current` true for spells not ended, false for ended ones, nil for all.
    public func list(current: Bool?, after: Int64?, limit: Int) async throws -> (rows: [EHERecord], lastSeq: Int64?, more: Bool) {
        var filter: PostgresQuery = ""
        if let current { filter = "\(sql: filter) AND e.ended_on IS \(sql: current ? "NULL" : "NOT NULL")" }
        if let after { filter = "\(sql: filter) AND e.seq < \(after)" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM ehe_records e LEFT JOIN children ch ON ch.la_code = e.la_code AND ch.id = e.child_id
            WHERE e.la_code = \(unit.actor.laCode) \(sql: filter) ORDER BY e.seq DESC LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        var page = Array(rows.prefix(limit))
        let events = try await events(of: page.map(\.0.id))
        for i in page.indices { page[i].0.events = events[page[i].0.id] ?? [] }
        return (page.map(\.0), page.last?.1, rows.count > limit)
    }

    func events(of ids: [UUID]) async throws -> [UUID: [EHEEvent]] {
        guard !ids.isEmpty else { return [:] }
        var out: [UUID: [EHEEvent]] = [:]
        for r in try await unit.query("""
            SELECT ehe_id, id, kind, on_date, school_urn, notes, created_at FROM ehe_events
            WHERE la_code = \(unit.actor.laCode) AND ehe_id = ANY(\(ids)) ORDER BY on_date, created_at, id
            """) {
            out[try r.decode(UUID.self, at: 0), default: []].append(
                EHEEvent(id: try r.decode(UUID.self, at: 1), kind: try StoreCoding.enumValue(try r.decode(String.self, at: 2), EHEEventKind.self),
                         onDate: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 3)), schoolURN: try r.decode(String?.self, at: 4),
                         notes: try r.decode(String?.self, at: 5), createdAt: try r.decode(Date.self, at: 6)))
        }
        return out
    }

    public func addEvent(_ ehe: UUID, _ e: EHEEvent) async throws {
        try await unit.execute("""
            INSERT INTO ehe_events (id, la_code, ehe_id, kind, on_date, school_urn, notes, created_at, created_by)
            VALUES (\(e.id), \(unit.actor.laCode), \(ehe), \(e.kind.rawValue), \(StoreCoding.date(e.onDate)), \(e.schoolURN), \(e.notes),
                    \(e.createdAt), \(unit.actor.clientID))
            """)
    }

    public func setReason(_ id: UUID, _ reason: EHEReason) async throws {
        try await unit.execute("UPDATE ehe_records SET reason = \(reason.rawValue) WHERE la_code = \(unit.actor.laCode) AND id = \(id)")
    }

    public func end(_ id: UUID, on date: CalendarDate, reason: EHEEndReason, school: String?) async throws {
        try await unit.execute("""
            UPDATE ehe_records SET ended_on = \(StoreCoding.date(date)), end_reason = \(reason.rawValue), end_school_urn = \(school)
            WHERE la_code = \(unit.actor.laCode) AND id = \(id)
            """)
    }

    /// Ends, as `returned_to_school`, the current spells of children added to a school's roll on or
    /// after the spell began: one statement for a batch's additions. Returns each ended spell's
    /// child and school.
    public func endOnAdmission(_ admissions: [(child: UUID, school: String, on: CalendarDate)]) async throws -> [(ehe: UUID, child: UUID, school: String)] {
        guard !admissions.isEmpty else { return [] }
        let rows = try await unit.query("""
            UPDATE ehe_records e SET ended_on = a.on_date, end_reason = 'returned_to_school', end_school_urn = a.school
            FROM (SELECT DISTINCT ON (child) child, school, on_date
                  FROM unnest(\(admissions.map(\.child)), \(admissions.map(\.school)), \(admissions.map { CalendarStore.postgresDate($0.on) }))
                       AS x(child, school, on_date)
                  ORDER BY child, on_date) a
            WHERE e.la_code = \(unit.actor.laCode) AND e.child_id = a.child AND e.ended_on IS NULL AND e.starts_on <= a.on_date
            RETURNING e.id, e.child_id, a.school
            """)
        return try rows.map { (try $0.decode(UUID.self, at: 0), try $0.decode(UUID.self, at: 1), try $0.decode(String.self, at: 2)) }
    }
}

extension UnitOfWork {
    public var ehe: EHEStore { EHEStore(unit: self) }
}

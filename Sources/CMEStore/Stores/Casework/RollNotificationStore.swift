import CMEDomain
import Foundation
import Postgres

/// A roll notification as stored.
public struct RollNotificationRecord: Sendable, Equatable {
    public var id: UUID
    public var type: RollNotificationType
    public var schoolURN: String
    public var eventDate: CalendarDate
    public var receivedAt: Date
    public var receivedOn: CalendarDate
    public var submittedBy: UUID?
    public var childID: UUID
    public var pupil: JSONValue
    public var parents: JSONValue
    public var ground: String?
    public var reportedGround: String?
    public var futureAddress: JSONValue?
    public var futureAddressFrom: CalendarDate?
    public var destination: JSONValue?
    public var notes: String?
    public var late: Bool
    public var daysLate: Int
    public var schoolDaysLate: Int
    public var calendarApproximate: Bool
    public var flags: [String]
    public var actions: JSONValue

    public init(id: UUID, type: RollNotificationType, schoolURN: String, eventDate: CalendarDate, receivedAt: Date, receivedOn: CalendarDate,
                submittedBy: UUID?, childID: UUID, pupil: JSONValue, parents: JSONValue, ground: String?, reportedGround: String?,
                futureAddress: JSONValue?, futureAddressFrom: CalendarDate?, destination: JSONValue?, notes: String?, late: Bool,
                daysLate: Int, schoolDaysLate: Int, calendarApproximate: Bool, flags: [String], actions: JSONValue) {
        self.id = id
        self.type = type
        self.schoolURN = schoolURN
        self.eventDate = eventDate
        self.receivedAt = receivedAt
        self.receivedOn = receivedOn
        self.submittedBy = submittedBy
        self.childID = childID
        self.pupil = pupil
        self.parents = parents
        self.ground = ground
        self.reportedGround = reportedGround
        self.futureAddress = futureAddress
        self.futureAddressFrom = futureAddressFrom
        self.destination = destination
        self.notes = notes
        self.late = late
        self.daysLate = daysLate
        self.schoolDaysLate = schoolDaysLate
        self.calendarApproximate = calendarApproximate
        self.flags = flags
        self.actions = actions
    }
}

/// A pupil to find or record as a child, by the keys a notice gives.
public struct PupilKey: Sendable, Hashable {
    public var upn: String?
    public var firstNameKey: String
    public var lastNameKey: String
    public var dateOfBirth: CalendarDate?
    public init(upn: String?, firstNameKey: String, lastNameKey: String, dateOfBirth: CalendarDate?) {
        self.upn = upn
        self.firstNameKey = firstNameKey
        self.lastNameKey = lastNameKey
        self.dateOfBirth = dateOfBirth
    }
}

/// The `roll_notifications` table, with the set-based statements a batch of thousands needs.
public struct RollNotificationStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, type, school_urn, event_date, received_at, received_on, submitted_by, child_id, pupil, parents, ground,
        reported_ground, future_address, future_address_from, destination, notes, late, days_late, school_days_late,
        calendar_approximate, flags, actions, seq
        """

    static func decode(_ r: PostgresRow) throws -> (RollNotificationRecord, Int64) {
        (RollNotificationRecord(
            id: try r.decode(UUID.self, at: 0), type: try StoreCoding.enumValue(try r.decode(String.self, at: 1), RollNotificationType.self),
            schoolURN: try r.decode(String.self, at: 2), eventDate: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 3)),
            receivedAt: try r.decode(Date.self, at: 4), receivedOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 5)),
            submittedBy: try r.decode(UUID?.self, at: 6), childID: try r.decode(UUID.self, at: 7),
            pupil: try StoreCoding.value(try r.decode(String.self, at: 8)) ?? .null, parents: try StoreCoding.value(try r.decode(String.self, at: 9)) ?? .null,
            ground: try r.decode(String?.self, at: 10), reportedGround: try r.decode(String?.self, at: 11),
            futureAddress: try StoreCoding.value(try r.decode(String?.self, at: 12)),
            futureAddressFrom: StoreCoding.date(try r.decode(PostgresDate?.self, at: 13)),
            destination: try StoreCoding.value(try r.decode(String?.self, at: 14)), notes: try r.decode(String?.self, at: 15),
            late: try r.decode(Bool.self, at: 16), daysLate: try r.decode(Int.self, at: 17), schoolDaysLate: try r.decode(Int.self, at: 18),
            calendarApproximate: try r.decode(Bool.self, at: 19), flags: try r.decode([String].self, at: 20),
            actions: try StoreCoding.value(try r.decode(String.self, at: 21)) ?? .array([])),
         try r.decode(Int64.self, at: 22))
    }

    /// The children already known for these pupils: by UPN first, then by exact name keys and date
    /// of birth (a record whose UPN differs is another child). Returns the child id per key, and
    /// each found child's date of birth as recorded.
    public func knownChildren(_ keys: [PupilKey]) async throws -> (ids: [PupilKey: UUID], born: [UUID: CalendarDate]) {
        var out: [PupilKey: UUID] = [:]
        var born: [UUID: CalendarDate] = [:]
        let upns = Array(Set(keys.compactMap(\.upn)))
        if !upns.isEmpty {
            var byUPN: [String: UUID] = [:]
            for r in try await unit.query("SELECT upn, id, date_of_birth FROM children WHERE la_code = \(unit.actor.laCode) AND upn = ANY(\(upns))") {
                let id = try r.decode(UUID.self, at: 1)
                byUPN[try r.decode(String.self, at: 0)] = id
                born[id] = StoreCoding.date(try r.decode(PostgresDate?.self, at: 2))
            }
            for k in keys { if let u = k.upn, let id = byUPN[u] { out[k] = id } }
        }
        let rest = keys.filter { out[$0] == nil && $0.dateOfBirth != nil }
        if !rest.isEmpty {
            var rows = RowSet()
            for k in Set(rest) { rows.row { $0.add("l", k.lastNameKey); $0.add("f", k.firstNameKey); $0.add("d", k.dateOfBirth) } }
            var byName: [String: [(UUID, String?)]] = [:]
            // One probe of children_name_keys per pupil (OFFSET 0 keeps the subquery apart): joined
            // whole, the planner preferred hashing every child of the council for each batch, a cost
            // that grows with the register (250 ms a batch at 300,000 children). `+ 0` keeps the
            // birth-date index out: without statistics the planner took it, reading every child born
            // that day (300 ms a batch instead of 50).
            let found = try await unit.query("""
                SELECT c.id, c.upn, c.last_name_key, c.first_name_key, c.date_of_birth
                FROM \(sql: rows.source("k")),
                LATERAL (SELECT c.id, c.upn, c.last_name_key, c.first_name_key, c.date_of_birth FROM children c
                         WHERE c.la_code = \(unit.actor.laCode) AND c.last_name_key = k.l AND c.first_name_key = k.f
                           AND c.date_of_birth + 0 = k.d
                         OFFSET 0) c
                """)
            for r in found {
                let key = try r.decode(String.self, at: 2) + "|" + r.decode(String.self, at: 3) + "|"
                    + (StoreCoding.date(try r.decode(PostgresDate?.self, at: 4))?.iso8601 ?? "")
                byName[key, default: []].append((try r.decode(UUID.self, at: 0), try r.decode(String?.self, at: 1)))
            }
            for k in rest {
                let key = k.lastNameKey + "|" + k.firstNameKey + "|" + (k.dateOfBirth?.iso8601 ?? "")
                // The same name and birth date, and no UPN that says otherwise.
                if let hit = byName[key]?.first(where: { $0.1 == nil || k.upn == nil || $0.1 == k.upn }) {
                    out[k] = hit.0
                    born[hit.0] = k.dateOfBirth
                }
            }
        }
        return (out, born)
    }

    /// Records new children in one statement, sent with the unit's next (`executeWithNext`).
    public func insertChildren(_ children: [ChildRow]) async throws {
        guard !children.isEmpty else { return }
        var rows = RowSet()
        for c in children {
            rows.row {
                $0.add("id", c.id); $0.add("upn", c.upn); $0.add("first_name", c.firstName); $0.add("last_name", c.lastName)
                $0.add("first_name_key", c.firstNameKey); $0.add("last_name_key", c.lastNameKey); $0.add("date_of_birth", c.dateOfBirth)
                $0.add("gender", c.gender); $0.json("address", c.addressJSON); $0.add("postcode_key", c.postcodeKey)
            }
        }
        unit.executeWithNext("""
            INSERT INTO children (id, la_code, upn, first_name, last_name, first_name_key, last_name_key, date_of_birth, gender, address,
                                  postcode_key)
            SELECT id, \(unit.actor.laCode), upn, first_name, last_name, first_name_key, last_name_key, date_of_birth, gender, address,
                   postcode_key
            FROM \(sql: rows.source("x"))
            """)
    }

    /// Stores notifications in one statement (flags are codes, sent comma-joined), sent with the unit's
    /// next (its commit).
    public func insert(_ notes: [RollNotificationRecord]) async throws {
        guard !notes.isEmpty else { return }
        var rows = RowSet()
        for n in notes {
            rows.row {
                $0.add("id", n.id); $0.add("type", n.type.rawValue); $0.add("school_urn", n.schoolURN); $0.add("event_date", n.eventDate)
                $0.add("received_at", n.receivedAt); $0.add("received_on", n.receivedOn); $0.add("submitted_by", n.submittedBy)
                // The documents go in as the JSON text written here (text columns: migration 0016).
                $0.add("child_id", n.childID); $0.document("pupil", n.pupil); $0.document("parents", n.parents)
                $0.add("ground", n.ground); $0.add("reported_ground", n.reportedGround); $0.document("future_address", n.futureAddress)
                $0.add("future_address_from", n.futureAddressFrom); $0.document("destination", n.destination); $0.add("notes", n.notes)
                $0.add("late", n.late); $0.add("days_late", n.daysLate); $0.add("school_days_late", n.schoolDaysLate)
                $0.add("calendar_approximate", n.calendarApproximate); $0.add("flags", n.flags.joined(separator: ",")); $0.document("actions", n.actions)
            }
        }
        unit.executeWithNext("""
            INSERT INTO roll_notifications (id, la_code, type, school_urn, event_date, received_at, received_on, submitted_by, child_id,
                pupil, parents, ground, reported_ground, future_address, future_address_from, destination, notes, late, days_late,
                school_days_late, calendar_approximate, flags, actions)
            SELECT id, \(unit.actor.laCode), type, school_urn, event_date, received_at, received_on, submitted_by, child_id, pupil, parents,
                   ground, reported_ground, future_address, future_address_from, destination, notes, late, days_late, school_days_late,
                   calendar_approximate, string_to_array(flags, ','), actions
            FROM \(sql: rows.source("x"))
            """)
    }

    public func find(_ id: UUID) async throws -> RollNotificationRecord? {
        try await unit.query("SELECT \(sql: Self.columns) FROM roll_notifications WHERE la_code = \(unit.actor.laCode) AND id = \(id)")
            .first.map { try Self.decode($0).0 }
    }

    /// A page in the order received, after the given `seq`.
    public func list(school: String?, type: RollNotificationType?, since: CalendarDate?, after: Int64?,
                     limit: Int) async throws -> (rows: [RollNotificationRecord], lastSeq: Int64?, more: Bool) {
        var filter: PostgresQuery = ""
        if let school { filter = "\(sql: filter) AND school_urn = \(school)" }
        if let type { filter = "\(sql: filter) AND type = \(type.rawValue)" }
        if let since { filter = "\(sql: filter) AND received_on >= \(StoreCoding.date(since))" }
        if let after { filter = "\(sql: filter) AND seq > \(after)" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM roll_notifications WHERE la_code = \(unit.actor.laCode) \(sql: filter)
            ORDER BY seq LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        let page = Array(rows.prefix(limit))
        return (page.map(\.0), page.last?.1, rows.count > limit)
    }

    /// A school's notifications with event dates in [from, to], in date order (the movement report).
    public func movements(school: String, from: CalendarDate, to: CalendarDate) async throws -> [RollNotificationRecord] {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM roll_notifications
            WHERE la_code = \(unit.actor.laCode) AND school_urn = \(school) AND event_date BETWEEN \(StoreCoding.date(from)) AND \(StoreCoding.date(to))
            ORDER BY event_date, seq
            """).map { try Self.decode($0).0 }
    }

    /// The council's registered schools among these URNs.
    public func registeredSchools(_ urns: [String]) async throws -> Set<String> {
        guard !urns.isEmpty else { return [] }
        return Set(try await unit.query("SELECT urn FROM schools WHERE la_code = \(unit.actor.laCode) AND urn = ANY(\(urns))")
            .map { try $0.decode(String.self, at: 0) })
    }

    /// Applies the net roll changes: (child, school) pairs now on roll from a date, and pairs no longer
    /// (statements sent with the unit's next).
    public func applyRoll(on: [(child: UUID, school: String, since: CalendarDate)], off: [(child: UUID, school: String)]) async throws {
        if !on.isEmpty {
            var rows = RowSet()
            for e in on { rows.row { $0.add("c", e.child); $0.add("s", e.school); $0.add("d", e.since) } }
            unit.executeWithNext("""
                INSERT INTO current_roll (la_code, child_id, school_urn, since)
                SELECT \(unit.actor.laCode), c, s, d FROM \(sql: rows.source("x"))
                ON CONFLICT (la_code, child_id, school_urn) DO UPDATE SET since = excluded.since
                """)
        }
        if !off.isEmpty {
            var rows = RowSet()
            for e in off { rows.row { $0.add("c", e.child); $0.add("s", e.school) } }
            // One probe of the primary key per pair (OFFSET 0 keeps each probe apart), and the rows
            // found deleted by their place (`ctid`). Joined as a set, the planner chose between probes
            // and reading the council's whole roll by its guess of their costs, and guessed wrong
            // (37 ms a batch reading 175,000 rows, against a few for 2,000 probes).
            unit.executeWithNext("""
                DELETE FROM current_roll r
                USING (SELECT p.place FROM \(sql: rows.source("x")),
                       LATERAL (SELECT q.ctid AS place FROM current_roll q
                                WHERE q.la_code = \(unit.actor.laCode) AND q.child_id = x.c AND q.school_urn = x.s OFFSET 0) p) m
                WHERE r.ctid = m.place AND r.la_code = \(unit.actor.laCode)
                """)
        }
    }
}

extension UnitOfWork {
    public var rollNotifications: RollNotificationStore { RollNotificationStore(unit: self) }
}

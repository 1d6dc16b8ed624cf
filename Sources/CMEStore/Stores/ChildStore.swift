import CMEDomain
import Foundation
import Postgres

/// A child as stored: the people record of docs/casework.md, with its name keys for searching.
public struct ChildRow: Sendable, Equatable {
    public var id: UUID
    public var upn: String?
    public var firstName: String
    public var lastName: String
    public var otherNames: [String]
    public var firstNameKey: String
    public var lastNameKey: String
    public var dateOfBirth: CalendarDate?
    public var gender: String?
    public var ethnicity: String?
    public var eal: Bool?
    public var fsm: Bool?
    public var sen: String?
    public var lookedAfter: Bool
    public var childProtectionPlan: Bool
    public var childInNeedPlan: Bool
    public var vulnerableGroups: [String]
    /// `{line1, line2, town, postcode}` as JSON text.
    public var addressJSON: String?
    public var postcodeKey: String?
    public var phone: String?
    public var gp: String?

    public init(id: UUID, upn: String?, firstName: String, lastName: String, otherNames: [String] = [], firstNameKey: String,
                lastNameKey: String, dateOfBirth: CalendarDate?, gender: String? = nil, ethnicity: String? = nil, eal: Bool? = nil,
                fsm: Bool? = nil, sen: String? = nil, lookedAfter: Bool = false, childProtectionPlan: Bool = false,
                childInNeedPlan: Bool = false, vulnerableGroups: [String] = [], addressJSON: String? = nil,
                postcodeKey: String? = nil, phone: String? = nil, gp: String? = nil) {
        self.id = id
        self.upn = upn
        self.firstName = firstName
        self.lastName = lastName
        self.otherNames = otherNames
        self.firstNameKey = firstNameKey
        self.lastNameKey = lastNameKey
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.ethnicity = ethnicity
        self.eal = eal
        self.fsm = fsm
        self.sen = sen
        self.lookedAfter = lookedAfter
        self.childProtectionPlan = childProtectionPlan
        self.childInNeedPlan = childInNeedPlan
        self.vulnerableGroups = vulnerableGroups
        self.addressJSON = addressJSON
        self.postcodeKey = postcodeKey
        self.phone = phone
        self.gp = gp
    }
}

/// The `children` table.
public struct ChildStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, upn, first_name, last_name, other_names, first_name_key, last_name_key, date_of_birth, gender, ethnicity,
        eal, fsm, sen, looked_after, child_protection_plan, child_in_need_plan, vulnerable_groups, address::text,
        postcode_key, phone, gp
        """

    /// The columns of `children ch`, for joins.
    static let joinedColumns: PostgresQuery = """
        ch.id, ch.upn, ch.first_name, ch.last_name, ch.other_names, ch.first_name_key, ch.last_name_key, ch.date_of_birth, ch.gender,
        ch.ethnicity, ch.eal, ch.fsm, ch.sen, ch.looked_after, ch.child_protection_plan, ch.child_in_need_plan, ch.vulnerable_groups,
        ch.address::text, ch.postcode_key, ch.phone, ch.gp
        """

    static let qualifiedColumns: PostgresQuery = """
        c.id, c.upn, c.first_name, c.last_name, c.other_names, c.first_name_key, c.last_name_key, c.date_of_birth, c.gender,
        c.ethnicity, c.eal, c.fsm, c.sen, c.looked_after, c.child_protection_plan, c.child_in_need_plan, c.vulnerable_groups,
        c.address::text, c.postcode_key, c.phone, c.gp
        """

    /// Dates cross the store's edge as CMEDomain's `CalendarDate`; PostgreSQL's type stays in here.
    static func postgresDate(_ d: CalendarDate?) -> PostgresDate? {
        d.flatMap { PostgresDate(year: $0.year, month: $0.month, day: $0.day) }
    }

    static func calendarDate(_ d: PostgresDate?) -> CalendarDate? {
        d.flatMap { CalendarDate(year: $0.year, month: $0.month, day: $0.day) }
    }

    static func decode(_ r: PostgresRow, from o: Int = 0) throws -> ChildRow {
        ChildRow(id: try r.decode(UUID.self, at: o + 0), upn: try r.decode(String?.self, at: o + 1), firstName: try r.decode(String.self, at: o + 2),
                 lastName: try r.decode(String.self, at: o + 3), otherNames: try r.decode([String].self, at: o + 4),
                 firstNameKey: try r.decode(String.self, at: o + 5), lastNameKey: try r.decode(String.self, at: o + 6),
                 dateOfBirth: Self.calendarDate(try r.decode(PostgresDate?.self, at: o + 7)), gender: try r.decode(String?.self, at: o + 8),
                 ethnicity: try r.decode(String?.self, at: o + 9), eal: try r.decode(Bool?.self, at: o + 10), fsm: try r.decode(Bool?.self, at: o + 11),
                 sen: try r.decode(String?.self, at: o + 12), lookedAfter: try r.decode(Bool.self, at: o + 13),
                 childProtectionPlan: try r.decode(Bool.self, at: o + 14), childInNeedPlan: try r.decode(Bool.self, at: o + 15),
                 vulnerableGroups: try r.decode([String].self, at: o + 16), addressJSON: try r.decode(String?.self, at: o + 17),
                 postcodeKey: try r.decode(String?.self, at: o + 18), phone: try r.decode(String?.self, at: o + 19), gp: try r.decode(String?.self, at: o + 20))
    }

    public func insert(_ c: ChildRow) async throws {
        try await unit.execute("""
            INSERT INTO children (id, la_code, upn, first_name, last_name, other_names, first_name_key, last_name_key, date_of_birth,
                                  gender, ethnicity, eal, fsm, sen, looked_after, child_protection_plan, child_in_need_plan,
                                  vulnerable_groups, address, postcode_key, phone, gp)
            VALUES (\(c.id), \(unit.actor.laCode), \(c.upn), \(c.firstName), \(c.lastName), \(c.otherNames), \(c.firstNameKey),
                    \(c.lastNameKey), \(Self.postgresDate(c.dateOfBirth)), \(c.gender), \(c.ethnicity), \(c.eal), \(c.fsm), \(c.sen), \(c.lookedAfter),
                    \(c.childProtectionPlan), \(c.childInNeedPlan), \(c.vulnerableGroups), \(c.addressJSON)::jsonb, \(c.postcodeKey),
                    \(c.phone), \(c.gp))
            """)
    }

    /// Writes every field of the child (its name keys as given).
    public func update(_ c: ChildRow) async throws {
        try await unit.execute("""
            UPDATE children SET upn = \(c.upn), first_name = \(c.firstName), last_name = \(c.lastName), other_names = \(c.otherNames),
                   first_name_key = \(c.firstNameKey), last_name_key = \(c.lastNameKey), date_of_birth = \(Self.postgresDate(c.dateOfBirth)),
                   gender = \(c.gender), ethnicity = \(c.ethnicity), eal = \(c.eal), fsm = \(c.fsm), sen = \(c.sen),
                   looked_after = \(c.lookedAfter), child_protection_plan = \(c.childProtectionPlan),
                   child_in_need_plan = \(c.childInNeedPlan), vulnerable_groups = \(c.vulnerableGroups),
                   address = \(c.addressJSON)::jsonb, postcode_key = \(c.postcodeKey), phone = \(c.phone), gp = \(c.gp), updated_at = now()
            WHERE la_code = \(unit.actor.laCode) AND id = \(c.id)
            """)
        // A pending expected arrival looks for its child by date of birth (migration 0009).
        try await unit.execute("""
            UPDATE expected_arrivals SET child_born = \(Self.postgresDate(c.dateOfBirth))
            WHERE la_code = \(unit.actor.laCode) AND child_id = \(c.id) AND status = 'pending'
                  AND child_born IS DISTINCT FROM \(Self.postgresDate(c.dateOfBirth))
            """)
    }

    /// Several children at once, by id.
    public func find(ids: [UUID]) async throws -> [UUID: ChildRow] {
        guard !ids.isEmpty else { return [:] }
        var out: [UUID: ChildRow] = [:]
        for row in try await unit.query("SELECT \(sql: Self.columns) FROM children WHERE la_code = \(unit.actor.laCode) AND id = ANY(\(ids))") {
            let child = try Self.decode(row)
            out[child.id] = child
        }
        return out
    }

    public func find(_ id: UUID) async throws -> ChildRow? {
        try await unit.query("SELECT \(sql: Self.columns) FROM children WHERE la_code = \(unit.actor.laCode) AND id = \(id)")
            .first.map { try Self.decode($0) }
    }

    /// Children who may be the one described, each branch on its own index: the same UPN; the same
    /// or day-month-swapped date of birth; the same last name (any date); and, only when no date of
    /// birth is given, a last name within trigram reach (a fuzzy name with no date is no candidate
    /// for the matcher otherwise). The matcher then scores what comes back.
    public func candidates(upn: String?, firstNameKey: String?, lastNameKey: String?, dateOfBirth: CalendarDate?,
                           swappedDateOfBirth: CalendarDate?, limit: Int = 1_000) async throws -> [ChildRow] {
        var branches: [PostgresQuery] = []
        if let upn { branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND upn = \(upn)") }
        // A date of birth alone finds every child born that day (a few hundred in a million); with a
        // name, only those whose name shares enough trigrams with it, either way round, go on to the
        // matcher (names further apart than that are no candidates for it anyway).
        var nameNear: PostgresQuery = ""
        if let lastNameKey, !lastNameKey.isEmpty {
            let first = firstNameKey ?? lastNameKey
            nameNear = """
                AND (similarity(last_name_key, \(lastNameKey)) >= 0.2 OR similarity(first_name_key, \(lastNameKey)) >= 0.2
                     OR similarity(first_name_key, \(first)) >= 0.2 OR similarity(last_name_key, \(first)) >= 0.2)
                """
        }
        for date in [dateOfBirth, swappedDateOfBirth].compactMap({ Self.postgresDate($0) }) {
            branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND date_of_birth = \(date) \(sql: nameNear)")
        }
        if let lastNameKey, !lastNameKey.isEmpty {
            if let firstNameKey, !firstNameKey.isEmpty, let born = Self.postgresDate(dateOfBirth) {
                // The same name under another date of birth (a mistyped year): a common name has
                // thousands of holders in a large council, so only the 50 born nearest the date given.
                branches.append("""
                    (SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND last_name_key = \(lastNameKey)
                       AND first_name_key = \(firstNameKey)
                     ORDER BY abs(date_of_birth - \(born)) NULLS LAST LIMIT 50)
                    """)
            } else if let firstNameKey, !firstNameKey.isEmpty {
                branches.append("""
                    SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND last_name_key = \(lastNameKey)
                      AND first_name_key = \(firstNameKey)
                    """)
            } else {
                branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND last_name_key = \(lastNameKey)")
            }
            if dateOfBirth == nil {
                // The trigram index is on this expression (migration 0014), so that exact lookups never use it.
                branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND (last_name_key || '') % \(lastNameKey)")
            }
        }
        guard var union = branches.first else { return [] }
        for b in branches.dropFirst() { union = "\(sql: union) UNION \(sql: b)" }
        // Joined rather than `id IN (...)`, so the few ids found are fetched by primary key. Planned
        // with its values each run: a trigram bound or a date's selectivity decides each branch's path.
        let query: PostgresQuery = """
            SELECT \(sql: Self.qualifiedColumns) FROM (\(sql: union) LIMIT \(Int64(limit))) AS found
            JOIN children c ON c.id = found.id AND c.la_code = \(unit.actor.laCode)
            """
        return try await unit.query(query.plannedEachRun()).map { try Self.decode($0) }
    }
}

extension UnitOfWork {
    public var children: ChildStore { ChildStore(unit: self) }
}

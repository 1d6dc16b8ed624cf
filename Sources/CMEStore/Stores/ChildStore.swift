import Foundation
import Postgres

/// A child as stored: the people record of DESIGN.md 3.2, with its name keys for searching.
public struct ChildRow: Sendable, Equatable {
    public var id: UUID
    public var upn: String?
    public var firstName: String
    public var lastName: String
    public var otherNames: [String]
    public var firstNameKey: String
    public var lastNameKey: String
    public var dateOfBirth: PostgresDate?
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
                lastNameKey: String, dateOfBirth: PostgresDate?, gender: String? = nil, ethnicity: String? = nil, eal: Bool? = nil,
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

    static func decode(_ r: PostgresRow) throws -> ChildRow {
        ChildRow(id: try r.decode(UUID.self, at: 0), upn: try r.decode(String?.self, at: 1), firstName: try r.decode(String.self, at: 2),
                 lastName: try r.decode(String.self, at: 3), otherNames: try r.decode([String].self, at: 4),
                 firstNameKey: try r.decode(String.self, at: 5), lastNameKey: try r.decode(String.self, at: 6),
                 dateOfBirth: try r.decode(PostgresDate?.self, at: 7), gender: try r.decode(String?.self, at: 8),
                 ethnicity: try r.decode(String?.self, at: 9), eal: try r.decode(Bool?.self, at: 10), fsm: try r.decode(Bool?.self, at: 11),
                 sen: try r.decode(String?.self, at: 12), lookedAfter: try r.decode(Bool.self, at: 13),
                 childProtectionPlan: try r.decode(Bool.self, at: 14), childInNeedPlan: try r.decode(Bool.self, at: 15),
                 vulnerableGroups: try r.decode([String].self, at: 16), addressJSON: try r.decode(String?.self, at: 17),
                 postcodeKey: try r.decode(String?.self, at: 18), phone: try r.decode(String?.self, at: 19), gp: try r.decode(String?.self, at: 20))
    }

    public func insert(_ c: ChildRow) async throws {
        try await unit.execute("""
            INSERT INTO children (id, la_code, upn, first_name, last_name, other_names, first_name_key, last_name_key, date_of_birth,
                                  gender, ethnicity, eal, fsm, sen, looked_after, child_protection_plan, child_in_need_plan,
                                  vulnerable_groups, address, postcode_key, phone, gp)
            VALUES (\(c.id), \(unit.actor.laCode), \(c.upn), \(c.firstName), \(c.lastName), \(c.otherNames), \(c.firstNameKey),
                    \(c.lastNameKey), \(c.dateOfBirth), \(c.gender), \(c.ethnicity), \(c.eal), \(c.fsm), \(c.sen), \(c.lookedAfter),
                    \(c.childProtectionPlan), \(c.childInNeedPlan), \(c.vulnerableGroups), \(c.addressJSON)::jsonb, \(c.postcodeKey),
                    \(c.phone), \(c.gp))
            """)
    }

    public func find(_ id: UUID) async throws -> ChildRow? {
        try await unit.query("SELECT \(sql: Self.columns) FROM children WHERE la_code = \(unit.actor.laCode) AND id = \(id)")
            .first.map(Self.decode)
    }

    /// Children who may be the one described: the same UPN, the same or day-month-swapped date of
    /// birth, or a last name within trigram reach. Each branch uses its own index (upn, date of birth,
    /// the trigram GIN on the last-name key); the matcher then scores what comes back.
    public func candidates(upn: String?, lastNameKey: String?, dateOfBirth: PostgresDate?, swappedDateOfBirth: PostgresDate?,
                           limit: Int = 500) async throws -> [ChildRow] {
        var branches: [PostgresQuery] = []
        if let upn { branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND upn = \(upn)") }
        if let dateOfBirth {
            branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND date_of_birth = \(dateOfBirth)")
        }
        if let swappedDateOfBirth {
            branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND date_of_birth = \(swappedDateOfBirth)")
        }
        if let lastNameKey, !lastNameKey.isEmpty {
            branches.append("SELECT id FROM children WHERE la_code = \(unit.actor.laCode) AND last_name_key % \(lastNameKey)")
        }
        guard var union = branches.first else { return [] }
        for b in branches.dropFirst() { union = "\(sql: union) UNION \(sql: b)" }
        return try await unit.query("""
            SELECT \(sql: Self.columns) FROM children WHERE la_code = \(unit.actor.laCode) AND id IN (\(sql: union))
            LIMIT \(Int64(limit))
            """).map(Self.decode)
    }
}

extension UnitOfWork {
    public var children: ChildStore { ChildStore(unit: self) }
}

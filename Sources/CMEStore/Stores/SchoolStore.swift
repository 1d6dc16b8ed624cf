import Foundation
import Postgres

/// A school on a council's register (from GIAS or `POST /v1/admin/schools`).
public struct SchoolRow: Sendable, Equatable {
    public var urn: String
    public var laestab: String
    public var name: String
    public var phase: String?
    public var type: String?
    public var status: String?
    public var postcode: String?

    public init(urn: String, laestab: String, name: String, phase: String?, type: String?, status: String?, postcode: String?) {
        self.urn = urn
        self.laestab = laestab
        self.name = name
        self.phase = phase
        self.type = type
        self.status = status
        self.postcode = postcode
    }
}

/// The `schools` table.
public struct SchoolStore: Sendable {
    let unit: UnitOfWork

    public func find(urn: String) async throws -> SchoolRow? {
        try await unit.query("""
            SELECT urn, laestab, name, phase, type, status, postcode FROM schools
            WHERE la_code = \(unit.actor.laCode) AND urn = \(urn)
            """).first.map { row in
            SchoolRow(urn: try row.decode(String.self, at: 0), laestab: try row.decode(String.self, at: 1),
                      name: try row.decode(String.self, at: 2), phase: try row.decode(String?.self, at: 3),
                      type: try row.decode(String?.self, at: 4), status: try row.decode(String?.self, at: 5),
                      postcode: try row.decode(String?.self, at: 6))
        }
    }

    /// Inserts or updates each school by URN in one statement; returns the URNs that were new.
    public func upsert(_ schools: [SchoolRow]) async throws -> Set<String> {
        guard !schools.isEmpty else { return [] }
        let rows = try await unit.query("""
            INSERT INTO schools (la_code, urn, laestab, name, phase, type, status, postcode)
            SELECT \(unit.actor.laCode), * FROM unnest(\(schools.map(\.urn)), \(schools.map(\.laestab)), \(schools.map(\.name)),
                                 \(schools.map(\.phase)), \(schools.map(\.type)), \(schools.map(\.status)), \(schools.map(\.postcode)))
            ON CONFLICT (la_code, urn) DO UPDATE SET laestab = excluded.laestab, name = excluded.name, phase = excluded.phase,
                type = excluded.type, status = excluded.status, postcode = excluded.postcode, updated_at = now()
            RETURNING urn, (xmax = 0) AS inserted
            """)
        var inserted = Set<String>()
        for row in rows where try row.decode(Bool.self, at: 1) { inserted.insert(try row.decode(String.self, at: 0)) }
        return inserted
    }
}

extension UnitOfWork {
    public var schools: SchoolStore { SchoolStore(unit: self) }
}

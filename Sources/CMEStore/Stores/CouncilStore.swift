import Foundation
import Postgres

/// The `local_authorities` table: a council, its policy (JSON that CMEDomain validated) and preset.
public struct CouncilRow: Sendable, Equatable {
    public var laCode: String
    public var name: String
    public var policyJSON: [UInt8]
    public var preset: String?
    public var updatedAt: Date
}

public struct CouncilStore: Sendable {
    let unit: UnitOfWork

    public func find() async throws -> CouncilRow? {
        let rows = try await unit.query("""
            SELECT la_code, name, policy::text, preset, updated_at FROM local_authorities WHERE la_code = \(unit.actor.laCode)
            """)
        return try rows.first.map { row in
            CouncilRow(laCode: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1),
                       policyJSON: Array(try row.decode(String.self, at: 2).utf8), preset: try row.decode(String?.self, at: 3),
                       updatedAt: try row.decode(Date.self, at: 4))
        }
    }

    /// Registers the council when it is new; true when it was.
    public func register(name: String, policyJSON: [UInt8], preset: String?) async throws -> Bool {
        try await unit.execute("""
            INSERT INTO local_authorities (la_code, name, policy, preset)
            VALUES (\(unit.actor.laCode), \(name), \(String(decoding: policyJSON, as: UTF8.self))::jsonb, \(preset))
            ON CONFLICT (la_code) DO NOTHING
            """) == 1
    }

    public func setPolicy(_ policyJSON: [UInt8], preset: String?) async throws {
        try await unit.execute("""
            UPDATE local_authorities SET policy = \(String(decoding: policyJSON, as: UTF8.self))::jsonb, preset = \(preset), updated_at = now()
            WHERE la_code = \(unit.actor.laCode)
            """)
    }
}

extension UnitOfWork {
    public var council: CouncilStore { CouncilStore(unit: self) }
}

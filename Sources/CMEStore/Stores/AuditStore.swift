import Foundation
import Postgres

public struct AuditRow: Sendable, Equatable {
    public var id: Int
    public var at: Date
    public var clientID: UUID?
    public var role: String
    public var action: String
    public var subjectType: String
    public var subjectID: String
    public var requestID: String
}

/// Reads the `audit_events` table (written only by `UnitOfWork`).
public struct AuditStore: Sendable {
    let unit: UnitOfWork

    /// Events about one subject, oldest first, after the keyset cursor (an event id).
    public func events(subjectType: String, subjectID: String, after cursor: Int?, limit: Int) async throws -> [AuditRow] {
        try await unit.query("""
            SELECT id, at, client_id, role, action, subject_type, subject_id, request_id FROM audit_events
            WHERE la_code = \(unit.actor.laCode) AND subject_type = \(subjectType) AND subject_id = \(subjectID)
              AND id > \(Int64(cursor ?? 0))
            ORDER BY id LIMIT \(Int64(limit))
            """).map { row in
            AuditRow(id: try row.decode(Int.self, at: 0), at: try row.decode(Date.self, at: 1),
                     clientID: try row.decode(UUID?.self, at: 2), role: try row.decode(String.self, at: 3),
                     action: try row.decode(String.self, at: 4), subjectType: try row.decode(String.self, at: 5),
                     subjectID: try row.decode(String.self, at: 6), requestID: try row.decode(String.self, at: 7))
        }
    }
}

extension UnitOfWork {
    public var auditTrail: AuditStore { AuditStore(unit: self) }
}

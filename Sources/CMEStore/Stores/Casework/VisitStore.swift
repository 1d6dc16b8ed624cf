import CMEDomain
import Foundation
import Postgres

/// The `visits` table: safe-and-well visits.
public struct VisitStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, la_code, case_id, address::text, team, requested_on, due_on, due_approximate, status, outcome, visited_on, notes, concerns,
        created_at
        """

    static func decode(_ r: PostgresRow) throws -> VisitRecord {
        VisitRecord(id: try r.decode(UUID.self, at: 0), laCode: try r.decode(String.self, at: 1), caseID: try r.decode(UUID.self, at: 2),
                    address: try StoreCoding.decode(Address.self, try r.decode(String?.self, at: 3)), team: try r.decode(String?.self, at: 4),
                    requestedOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 5)),
                    dueOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 6)), dueApproximate: try r.decode(Bool.self, at: 7),
                    status: try StoreCoding.enumValue(try r.decode(String.self, at: 8), VisitStatus.self),
                    outcome: try r.decode(String?.self, at: 9).map { try StoreCoding.enumValue($0, VisitOutcome.self) },
                    visitedOn: StoreCoding.date(try r.decode(PostgresDate?.self, at: 10)), notes: try r.decode(String?.self, at: 11),
                    concerns: try r.decode(String?.self, at: 12), createdAt: try r.decode(Date.self, at: 13))
    }

    public func insert(_ v: VisitRecord) async throws {
        try await unit.execute("""
            INSERT INTO visits (id, la_code, case_id, address, team, requested_on, due_on, due_approximate, status, created_at)
            VALUES (\(v.id), \(unit.actor.laCode), \(v.caseID), \(v.address.map { StoreCoding.json($0) })::jsonb, \(v.team),
                    \(StoreCoding.date(v.requestedOn)), \(StoreCoding.date(v.dueOn)), \(v.dueApproximate), \(v.status.rawValue), \(v.createdAt))
            """)
    }

    public func find(_ id: UUID, forUpdate: Bool = false) async throws -> VisitRecord? {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM visits WHERE la_code = \(unit.actor.laCode) AND id = \(id) \(sql: forUpdate ? "FOR UPDATE" : "")
            """).first.map(Self.decode)
    }

    public func complete(_ id: UUID, outcome: VisitOutcome, visitedOn: CalendarDate, notes: String?, concerns: String?,
                         at now: Date) async throws -> VisitRecord {
        let rows = try await unit.query("""
            UPDATE visits SET status = 'completed', outcome = \(outcome.rawValue), visited_on = \(StoreCoding.date(visitedOn)),
                   notes = \(notes), concerns = \(concerns), completed_at = \(now)
            WHERE la_code = \(unit.actor.laCode) AND id = \(id) RETURNING \(sql: Self.columns)
            """)
        guard let row = rows.first else { throw MalformedRow() }
        return try Self.decode(row)
    }
}

extension UnitOfWork {
    public var visits: VisitStore { VisitStore(unit: self) }
}

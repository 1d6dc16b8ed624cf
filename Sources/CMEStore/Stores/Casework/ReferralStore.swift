import CMEDomain
import Foundation
import Postgres

/// The `referrals` table.
public struct ReferralStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, la_code, status, received_at, received_on, submitted_by, source_kind, reason, child_id, form::text, warnings::text,
        matches::text, case_id, decision::text, version, updated_at, seq
        """

    static func decode(_ r: PostgresRow) throws -> (ReferralRecord, Int64) {
        (ReferralRecord(id: try r.decode(UUID.self, at: 0), laCode: try r.decode(String.self, at: 1),
                        status: try StoreCoding.enumValue(try r.decode(String.self, at: 2), ReferralStatus.self),
                        receivedAt: try r.decode(Date.self, at: 3),
                        receivedOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 4)),
                        submittedBy: try r.decode(UUID?.self, at: 5),
                        sourceKind: try StoreCoding.enumValue(try r.decode(String.self, at: 6), ReferralSourceKind.self),
                        reason: try StoreCoding.enumValue(try r.decode(String.self, at: 7), ReferralReason.self),
                        childID: try r.decode(UUID.self, at: 8), form: try StoreCoding.value(try r.decode(String.self, at: 9))!,
                        warnings: try StoreCoding.value(try r.decode(String.self, at: 10))!,
                        matches: try StoreCoding.value(try r.decode(String.self, at: 11))!, caseID: try r.decode(UUID?.self, at: 12),
                        decision: try StoreCoding.value(try r.decode(String?.self, at: 13)), version: try r.decode(Int.self, at: 14),
                        updatedAt: try r.decode(Date.self, at: 15)),
         try r.decode(Int64.self, at: 16))
    }

    public func insert(_ x: ReferralRecord) async throws {
        try await unit.execute("""
            INSERT INTO referrals (id, la_code, status, received_at, received_on, submitted_by, source_kind, reason, child_id, form,
                                   warnings, matches, case_id, decision, version, updated_at)
            VALUES (\(x.id), \(unit.actor.laCode), \(x.status.rawValue), \(x.receivedAt), \(StoreCoding.date(x.receivedOn)), \(x.submittedBy),
                    \(x.sourceKind.rawValue), \(x.reason.rawValue), \(x.childID), \(StoreCoding.json(x.form))::jsonb,
                    \(StoreCoding.json(x.warnings))::jsonb, \(StoreCoding.json(x.matches))::jsonb, \(x.caseID),
                    \(StoreCoding.json(x.decision))::jsonb, \(Int32(x.version)), \(x.updatedAt))
            """)
    }

    /// One referral; `forUpdate` locks it for a decision.
    public func find(_ id: UUID, forUpdate: Bool = false) async throws -> ReferralRecord? {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM referrals WHERE la_code = \(unit.actor.laCode) AND id = \(id) \(sql: forUpdate ? "FOR UPDATE" : "")
            """).first.map { try Self.decode($0).0 }
    }

    /// Records the triage decision and bumps the version.
    public func decide(_ id: UUID, status: ReferralStatus, caseID: UUID?, decision: JSONValue, at now: Date) async throws -> ReferralRecord {
        let rows = try await unit.query("""
            UPDATE referrals SET status = \(status.rawValue), case_id = \(caseID), decision = \(StoreCoding.json(decision))::jsonb,
                   version = version + 1, updated_at = \(now)
            WHERE la_code = \(unit.actor.laCode) AND id = \(id)
            RETURNING \(sql: Self.columns)
            """)
        guard let row = rows.first else { throw MalformedRow() }
        return try Self.decode(row).0
    }

    /// A page, newest first, after the `seq` of the last row of the previous page.
    public func list(status: ReferralStatus?, sourceKind: ReferralSourceKind?, submittedBy: UUID? = nil, after: Int64?,
                     limit: Int) async throws -> (rows: [ReferralRecord], lastSeq: Int64?, more: Bool) {
        var filter: PostgresQuery = ""
        if let status { filter = "\(sql: filter) AND status = \(status.rawValue)" }
        if let sourceKind { filter = "\(sql: filter) AND source_kind = \(sourceKind.rawValue)" }
        if let submittedBy { filter = "\(sql: filter) AND submitted_by = \(submittedBy)" }
        if let after { filter = "\(sql: filter) AND seq < \(after)" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM referrals WHERE la_code = \(unit.actor.laCode) \(sql: filter)
            ORDER BY seq DESC LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        let page = Array(rows.prefix(limit))
        return (page.map(\.0), page.last?.1, rows.count > limit)
    }

    /// Whether a client submitted a referral of this case (the partner status view).
    public func submitted(by client: UUID, forCase caseID: UUID) async throws -> Bool {
        try await unit.query("""
            SELECT 1 FROM referrals WHERE la_code = \(unit.actor.laCode) AND case_id = \(caseID) AND submitted_by = \(client) LIMIT 1
            """).count == 1
    }
}

extension UnitOfWork {
    public var referrals: ReferralStore { ReferralStore(unit: self) }
}

import CMEDomain
import Foundation
import Postgres

/// Who may see which enquiries in a list.
public enum EnquiryAudience: Sendable, Equatable {
    /// An agency client: those addressed to it.
    case agency(UUID)
    /// A council's officers: those it sent, and those other councils addressed to it.
    case council(String)
}

/// The `enquiries` table. Row security lets the council addressed see (and answer) an enquiry too.
public struct EnquiryStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = """
        id, la_code, case_id, case_reference, agency_type, agency_name, addressed_client_id, addressed_la_code, question,
        child::text, sent_on, due_on, due_approximate, status, response::text, answered_at, created_at
        """

    static func decode(_ r: PostgresRow) throws -> EnquiryRecord {
        EnquiryRecord(id: try r.decode(UUID.self, at: 0), laCode: try r.decode(String.self, at: 1), caseID: try r.decode(UUID.self, at: 2),
                      caseReference: try r.decode(String.self, at: 3),
                      agencyType: try StoreCoding.enumValue(try r.decode(String.self, at: 4), AgencyType.self),
                      agencyName: try r.decode(String?.self, at: 5), addressedClientID: try r.decode(UUID?.self, at: 6),
                      addressedLACode: try r.decode(String?.self, at: 7), question: try r.decode(String.self, at: 8),
                      child: try StoreCoding.value(try r.decode(String.self, at: 9)) ?? .null,
                      sentOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 10)),
                      dueOn: try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 11)), dueApproximate: try r.decode(Bool.self, at: 12),
                      status: try StoreCoding.enumValue(try r.decode(String.self, at: 13), EnquiryStatus.self),
                      response: try StoreCoding.value(try r.decode(String?.self, at: 14)), answeredAt: try r.decode(Date?.self, at: 15),
                      createdAt: try r.decode(Date.self, at: 16))
    }

    public func insert(_ e: EnquiryRecord) async throws {
        try await unit.execute("""
            INSERT INTO enquiries (id, la_code, case_id, case_reference, agency_type, agency_name, addressed_client_id, addressed_la_code,
                                   question, child, sent_on, due_on, due_approximate, status, created_at)
            VALUES (\(e.id), \(unit.actor.laCode), \(e.caseID), \(e.caseReference), \(e.agencyType.rawValue), \(e.agencyName),
                    \(e.addressedClientID), \(e.addressedLACode), \(e.question), \(StoreCoding.json(e.child))::jsonb,
                    \(StoreCoding.date(e.sentOn)), \(StoreCoding.date(e.dueOn)), \(e.dueApproximate), \(e.status.rawValue), \(e.createdAt))
            """)
    }

    /// One enquiry the session may see (its council's, or one addressed to its council).
    public func find(_ id: UUID, forUpdate: Bool = false) async throws -> EnquiryRecord? {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM enquiries WHERE id = \(id) \(sql: forUpdate ? "FOR UPDATE" : "")
            """).first.map(Self.decode)
    }

    public func answer(_ id: UUID, response: JSONValue, at now: Date) async throws -> EnquiryRecord {
        let rows = try await unit.query("""
            UPDATE enquiries SET status = 'answered', response = \(StoreCoding.json(response))::jsonb, answered_at = \(now)
            WHERE id = \(id) RETURNING \(sql: Self.columns)
            """)
        guard let row = rows.first else { throw MalformedRow() }
        return try Self.decode(row)
    }

    /// Answered enquiries of a case, for closure rules.
    public func answered(ofCase caseID: UUID) async throws -> [EnquiryRecord] {
        try await unit.query("""
            SELECT \(sql: Self.columns) FROM enquiries WHERE la_code = \(unit.actor.laCode) AND case_id = \(caseID) AND status = 'answered'
            """).map(Self.decode)
    }

    /// Whether an agency client was asked about a case (the partner status view).
    public func asked(_ client: UUID, aboutCase caseID: UUID) async throws -> Bool {
        try await unit.query("""
            SELECT 1 FROM enquiries WHERE la_code = \(unit.actor.laCode) AND case_id = \(caseID) AND addressed_client_id = \(client) LIMIT 1
            """).count == 1
    }

    /// A page by due date then id.
    public func list(for audience: EnquiryAudience, status: EnquiryStatus?, overdue: Bool?, today: CalendarDate, after: DueKey?,
                     limit: Int) async throws -> (rows: [EnquiryRecord], more: Bool) {
        var filter: PostgresQuery
        switch audience {
        case .agency(let client): filter = "addressed_client_id = \(client) AND la_code = \(unit.actor.laCode)"
        case .council(let la): filter = "(la_code = \(la) OR addressed_la_code = \(la))"
        }
        if let status { filter = "\(sql: filter) AND status = \(status.rawValue)" }
        if let overdue {
            filter = overdue ? "\(sql: filter) AND status = 'open' AND due_on < \(StoreCoding.date(today))"
                             : "\(sql: filter) AND NOT (status = 'open' AND due_on < \(StoreCoding.date(today)))"
        }
        if let after { filter = "\(sql: filter) AND (due_on, id) > (\(StoreCoding.date(after.dueOn)), \(after.id))" }
        let rows = try await unit.query("""
            SELECT \(sql: Self.columns) FROM enquiries WHERE \(sql: filter) ORDER BY due_on, id LIMIT \(Int64(limit + 1))
            """).map(Self.decode)
        return (Array(rows.prefix(limit)), rows.count > limit)
    }
}

extension UnitOfWork {
    public var enquiries: EnquiryStore { EnquiryStore(unit: self) }
}

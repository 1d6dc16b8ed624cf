import CMEDomain
import CMEStore
import Foundation

/// The audit trail of one subject (`GET /v1/audit?subject=type:id`), for admins.
public struct AuditService: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Subject types the trail records.
    public static let subjectTypes = ["case", "child", "referral", "enquiry", "visit", "task", "roll_notification", "expected_arrival",
                                        "deregistration_authorisation", "client", "school", "policy", "calendar", "sweep", "report",
                                        "ehe_record", "census_dates"]

    /// Parses `type:id`; nil when it is not one.
    public static func parseSubject(_ text: String) -> (type: String, id: String)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let type = String(text[..<colon]), id = String(text[text.index(after: colon)...])
        guard subjectTypes.contains(where: { Array($0.utf8) == Array(type.utf8) }), !id.isEmpty, id.utf8.count <= 100,
              id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return (type, id)
    }

    public func events(subject: (type: String, id: String), as actor: Actor, after cursor: Int?, limit: Int) async throws -> [AuditRow] {
        try await database.read(as: actor) { unit in
            try await unit.auditTrail.events(subjectType: subject.type, subjectID: subject.id, after: cursor, limit: limit)
        }
    }
}

import CMEService
import CMEStore
import Foundation
import HTTP

/// `GET /v1/audit?subject=type:id` (admin): who did what to a subject, oldest first.
enum AuditRoutes {
    struct EventDTO: Encodable {
        var at: Date
        var clientID: String?
        var role, action, subjectType, subjectID, requestID: String
        enum CodingKeys: String, CodingKey {
            case at, role, action
            case clientID = "client_id", subjectType = "subject_type", subjectID = "subject_id", requestID = "request_id"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(at, forKey: .at)
            try c.encode(clientID, forKey: .clientID)
            try c.encode(role, forKey: .role)
            try c.encode(action, forKey: .action)
            try c.encode(subjectType, forKey: .subjectType)
            try c.encode(subjectID, forKey: .subjectID)
            try c.encode(requestID, forKey: .requestID)
        }
    }

    static func register(on api: inout RouteBuilder) {
        let audit = api.services.audit
        api.add("GET", "/audit", in: RouteBuilder.Group(prefix: "/v1", roles: [.admin])) { request, context in
            guard let text = request.query["subject"] else {
                throw ServiceError.malformed("subject is required: case:<id>, child:<id>, client:<id>, school:<urn>, policy:<la_code>.")
            }
            guard let subject = AuditService.parseSubject(text) else {
                throw ServiceError.malformed("subject must be one of \(AuditService.subjectTypes.joined(separator: ", ")) then a colon and an id.")
            }
            let limit = try API.limit(request)
            var after: Int?
            if let cursor = try API.cursor(request) {
                guard let n = Int(cursor), n >= 0 else { throw ServiceError.malformed("cursor is not a cursor this service gave.") }
                after = n
            }
            let rows = try await audit.events(subject: subject, as: context.actor, after: after, limit: limit + 1)
            let page = Array(rows.prefix(limit))
            let next = rows.count > limit ? page.last.map { API.makeCursor(String($0.id)) } : nil
            let items = page.map {
                EventDTO(at: $0.at, clientID: $0.clientID?.lowercasedString, role: $0.role, action: $0.action,
                         subjectType: $0.subjectType, subjectID: $0.subjectID, requestID: $0.requestID)
            }
            return try API.json(API.Page(items: items, nextCursor: next))
        }
    }
}

import CMEStore
import Foundation
import HTTP
import Runtime

extension API {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(API.timestamp(date))
        }
        return e
    }()

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String { Timestamp.rfc3339(date) }

    static func json(_ value: some Encodable, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) throws -> Response {
        var h = headers
        h.add(name: "Content-Type", value: "application/json")
        return Response(status: status, headers: h, body: Array(try encoder.encode(value)))
    }

    /// A stored reply as a response (an idempotent replay says so).
    static func response(_ reply: StoredReply) -> Response {
        let body = reply.bodyToSend
        var headers: HTTPHeaders = body.isEmpty ? [:] : ["Content-Type": "application/json"]
        if reply.replayed { headers.add(name: "Idempotent-Replayed", value: "true") }
        return Response(status: reply.status, headers: headers, body: body)
    }

    /// The `{items, next_cursor}` envelope of every list (openapi.yaml).
    struct Page<Item: Encodable>: Encodable {
        var items: [Item]
        var nextCursor: String?
        enum CodingKeys: String, CodingKey {
            case items
            case nextCursor = "next_cursor"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(items, forKey: .items)
            try c.encode(nextCursor, forKey: .nextCursor)   // null, not absent, on the last page
        }
    }
}

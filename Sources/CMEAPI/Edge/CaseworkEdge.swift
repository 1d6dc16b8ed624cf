import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP

/// What the casework routes share: the body handed to the use case unparsed (so that `If-Match` is
/// checked first), the precondition, query enums and flags, path ids, and replies with an `ETag`.
extension API {
    static func body(_ request: Request) -> RequestBody {
        RequestBody(bytes: request.body, contentType: request.headers["Content-Type"])
    }

    static func precondition(_ request: Request) throws(ServiceError) -> Precondition {
        try Precondition(ifMatch: request.headers["If-Match"])
    }

    /// A path id; anything but a UUID names nothing here (404).
    static func id(_ request: Request, _ name: String = "id") throws(ServiceError) -> UUID {
        guard let text = request.pathParameters[name], text.utf8.count == 36, let id = UUID(uuidString: text) else { throw .notFound }
        return id
    }

    /// A query parameter that must be one of an enumeration's values (400 otherwise).
    static func queryEnum<E: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, _ type: E.Type) throws(ServiceError) -> E?
    where E.RawValue == String {
        guard let text = request.query[name] else { return nil }
        guard let value = E.allCases.first(where: { Array($0.rawValue.utf8) == Array(text.utf8) }) else {
            throw .malformed("\(name) must be one of \(E.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return value
    }

    /// `true` or `false` (400 otherwise).
    static func queryFlag(_ request: Request, _ name: String) throws(ServiceError) -> Bool? {
        guard let text = request.query[name] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .malformed("\(name) must be true or false.")
        }
    }

    static func queryUUID(_ request: Request, _ name: String) throws(ServiceError) -> UUID? {
        guard let text = request.query[name] else { return nil }
        guard text.utf8.count == 36, let id = UUID(uuidString: text) else { throw .malformed("\(name) must be a UUID.") }
        return id
    }

    static func page<T>(_ page: ListPage<T>, _ dto: (T) -> JSONTree) throws -> Response {
        json(JSONTree(.object(["items": .array(page.items.map { dto($0).value }),
                                "next_cursor": page.nextCursor.map { .string(makeCursor($0)) } ?? .null])))
    }

    /// A JSON tree as a response, written by the tree's own writer.
    static func json(_ tree: JSONTree, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> Response {
        var h = headers
        h.add(name: "Content-Type", value: "application/json")
        return Response(status: status, headers: h, body: tree.value.serialized)
    }

    static func stored(_ status: Int, _ tree: JSONTree) -> StoredReply {
        StoredReply(status: status, body: tree.value.serialized)
    }

    /// A stored reply, with the `ETag` of the resource's version when it carries one.
    static func versioned(_ reply: StoredReply) -> Response {
        var response = response(reply)
        if reply.status < 300, case .number(let v)? = JSONValue.parse(reply.body)?["version"] {
            response.headers.add(name: "ETag", value: "\"\(Int(v))\"")
        }
        return response
    }

    static func etag(_ version: Int) -> HTTPHeaders { ["ETag": "\"\(version)\""] }
}

/// JSON trees are written as they are.
struct JSONTree: Encodable {
    var value: JSONValue
    init(_ value: JSONValue) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

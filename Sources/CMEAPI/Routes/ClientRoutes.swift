import CMEService
import CMEStore
import Foundation
import HTTP

/// `POST|GET /v1/admin/clients`, `DELETE /v1/admin/clients/{id}` (admin).
enum ClientRoutes {
    struct ClientDTO: Encodable {
        var id: String
        var token: String?
        var role: String
        var name: String
        var laCode: String
        var schoolURN: String?
        var agencyType: String?
        var agencyName: String?
        var createdAt: Date

        /// Whether `token` is written (as null when there is none): on creation answers only.
        var showsToken = false

        init(_ c: ClientRow, token: String? = nil, replay: Bool = false) {
            id = c.id.lowercasedString
            self.token = token
            showsToken = token != nil || replay
            role = c.role
            name = c.name
            laCode = c.laCode
            schoolURN = c.schoolURN
            agencyType = c.agencyType
            agencyName = c.agencyName
            createdAt = c.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case id, token, role, name
            case laCode = "la_code", schoolURN = "school_urn", agencyType = "agency_type", agencyName = "agency_name", createdAt = "created_at"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            if showsToken { try c.encode(token, forKey: .token) }
            try c.encode(role, forKey: .role)
            try c.encode(name, forKey: .name)
            try c.encode(laCode, forKey: .laCode)
            try c.encode(schoolURN, forKey: .schoolURN)
            try c.encode(agencyType, forKey: .agencyType)
            try c.encode(agencyName, forKey: .agencyName)
            try c.encode(createdAt, forKey: .createdAt)
        }
    }

    static func register(on api: inout RouteBuilder) {
        let admin = RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin])
        let clients = api.services.clients

        api.add("POST", "/clients", in: admin) { request, context in
            var body = try JSONBody(request)
            let input = NewClient(role: body.string("role"), name: body.string("name"), schoolURN: body.string("school_urn"),
                                  agencyType: body.string("agency_type"), agencyName: body.string("agency_name"))
            try body.finish(adding: ClientService.validate(input).0)
            let reply = try await clients.create(input, as: context.actor, idempotency: try API.idempotency(request)) { created in
                // The token is shown this once; what is kept for a replay has `"token": null`.
                StoredReply(status: 201, body: Array(try API.encoder.encode(ClientDTO(created.client, token: nil, replay: true))),
                            firstBody: Array(try API.encoder.encode(ClientDTO(created.client, token: created.token))))
            }
            return API.response(reply)
        }

        api.add("GET", "/clients", in: admin) { request, context in
            let limit = try API.limit(request)
            var after: (Date, UUID)?
            if let cursor = try API.cursor(request) {
                let parts = cursor.split(separator: "|")
                guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
                    throw ServiceError.malformed("cursor is not a cursor this service gave.")
                }
                after = (Date(timeIntervalSince1970: Double(micros) / 1e6), id)
            }
            let rows = try await clients.list(as: context.actor, after: after, limit: limit + 1)
            let page = Array(rows.prefix(limit))
            let next = rows.count > limit ? page.last.map {
                API.makeCursor("\(Int64(($0.createdAt.timeIntervalSince1970 * 1e6).rounded()))|\($0.id.uuidString)")
            } : nil
            return try API.json(API.Page(items: page.map { ClientDTO($0) }, nextCursor: next))
        }

        api.add("DELETE", "/clients/{id}", in: admin) { request, context in
            guard let id = UUID(uuidString: request.pathParameters["id"] ?? "") else { throw ServiceError.notFound }
            try await clients.delete(id, as: context.actor)
            return Response(status: 204)
        }
    }
}

import CMEService
import CMEStore
import Foundation
import HTTP

/// `POST /v1/admin/schools` (admin): upsert one school by URN, 201 when new, 200 when updated.
enum SchoolRoutes {
    struct SchoolDTO: Encodable {
        var urn, laestab, name: String
        var phase, type, status, postcode: String?
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(urn, forKey: .urn)
            try c.encode(laestab, forKey: .laestab)
            try c.encode(name, forKey: .name)
            try c.encode(phase, forKey: .phase)
            try c.encode(type, forKey: .type)
            try c.encode(status, forKey: .status)
            try c.encode(postcode, forKey: .postcode)
        }
        enum CodingKeys: String, CodingKey { case urn, laestab, name, phase, type, status, postcode }
    }

    struct ImportDTO: Encodable {
        struct Rejection: Encodable { var line: Int; var reason: String }
        var imported: Int
        var updated: Int
        var rejected: [Rejection]
        var skippedOtherCouncils: Int
        enum CodingKeys: String, CodingKey { case imported, updated, rejected, skippedOtherCouncils = "skipped_other_councils" }
    }

    /// A whole national GIAS extract is about 60-90 MB; a council's own is far smaller.
    static let importBodyLimit = 128 * 1024 * 1024

    static func register(on api: inout RouteBuilder) {
        let admin = RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin])
        let schools = api.services.schools
        api.add("POST", "/schools", in: admin) { request, context in
            var body = try JSONBody(request)
            let input = SchoolService.NewSchool(urn: body.string("urn"), laestab: body.string("laestab"),
                                                name: body.string("name"), phase: body.string("phase"),
                                                type: body.string("type"), status: body.string("status"),
                                                postcode: body.string("postcode", maxLength: 10))
            try body.finish(adding: SchoolService.validate(input, laCode: context.actor.laCode).0)
            let reply = try await schools.upsert(input, as: context.actor, idempotency: try API.idempotency(request)) { row, created in
                StoredReply(status: created ? 201 : 200, body: Array(try API.encoder.encode(
                    SchoolDTO(urn: row.urn, laestab: row.laestab, name: row.name, phase: row.phase, type: row.type,
                              status: row.status, postcode: row.postcode))))
            }
            return API.response(reply)
        }
    

        // The DfE "Get Information about Schools" CSV extract, as exported (UTF-8 or Windows-1252).
        api.add("POST", "/schools/import", in: RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin], bodyLimit: importBodyLimit)) { request, context in
            let type = (request.headers["Content-Type"] ?? "").split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
            guard type == "text/csv" else { throw ServiceError.unsupportedMediaType("The body must be text/csv: the GIAS extract.") }
            guard !request.body.isEmpty else { throw ServiceError.malformed("The body is empty: send the GIAS CSV extract.") }
            let reply = try await schools.importExtract(request.body, as: context.actor, idempotency: try API.idempotency(request)) { summary in
                StoredReply(status: 200, body: Array(try API.encoder.encode(ImportDTO(
                    imported: summary.imported, updated: summary.updated,
                    rejected: summary.rejected.map { .init(line: $0.line, reason: $0.reason) },
                    skippedOtherCouncils: summary.skippedOtherCouncils))))
            }
            return API.response(reply)
        }
    }
}

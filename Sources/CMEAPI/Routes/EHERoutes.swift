import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP

/// `/v1/ehe-records`: spells of elective home education, their statutory steps and their ends
/// (officers and admins).
enum EHERoutes {
    static func register(on api: inout RouteBuilder) {
        let group = RouteBuilder.Group(prefix: "/v1/ehe-records", roles: [.officer, .admin])
        let ehe = api.services.ehe

        api.add("GET", "", in: group) { request, context in
            let status = try API.queryEnum(request, "status", SpellStatus.self)
            let page = try await ehe.list(current: status.map { $0 == .current }, cursor: try API.cursor(request), limit: try API.limit(request),
                                          as: context.caller)
            return try API.page(page, json)
        }

        api.add("POST", "", in: group) { request, context in
            API.response(try await ehe.create(body: API.body(request), as: context.caller, idempotency: try API.idempotency(request)) {
                API.stored(201, json($0))
            })
        }

        api.add("GET", "/{id}", in: group) { request, context in
            API.json(json(try await ehe.record(try API.id(request), as: context.caller)))
        }

        typealias Change = @Sendable (EHEService, UUID, RequestBody, Caller, IdempotencyClaim?, (EHERecord) throws -> StoredReply)
            async throws -> StoredReply
        let changes: [(String, Change)] = [
            ("events", { try await $0.addEvent($1, body: $2, as: $3, idempotency: $4, render: $5) }),
            ("reason", { try await $0.setReason($1, body: $2, as: $3, idempotency: $4, render: $5) }),
            ("end", { try await $0.end($1, body: $2, as: $3, idempotency: $4, render: $5) }),
        ]
        for (action, change) in changes {
            api.add("POST", "/{id}/" + action, in: group) { request, context in
                let id = try API.id(request)
                return API.response(try await change(ehe, id, API.body(request), context.caller, try API.idempotency(request)) {
                    API.stored(200, json($0))
                })
            }
        }
    }

    enum SpellStatus: String, CaseIterable { case current, ended }

    static func json(_ e: EHERecord) -> JSONTree {
        let text = CaseworkJSON.s, date = CaseworkJSON.date
        let child: JSONValue = .object([
            "id": .string(e.childID.lowercasedString), "first_name": text(e.child?.firstName), "last_name": text(e.child?.lastName),
            "date_of_birth": date(e.child?.dateOfBirth),
        ])
        let events: [JSONValue] = e.events.map {
            .object(["id": .string($0.id.lowercasedString), "kind": .string($0.kind.rawValue), "date": .string($0.onDate.iso8601),
                     "school_urn": text($0.schoolURN), "notes": text($0.notes), "recorded_at": CaseworkJSON.instant($0.createdAt)])
        }
        return JSONTree(.object([
            "id": .string(e.id.lowercasedString), "child": child, "status": .string(e.endedOn == nil ? "current" : "ended"),
            "reason": .string(e.reason.rawValue), "starts_on": .string(e.startsOn.iso8601),
            "from_school_urn": text(e.schoolURN), "ground": text(e.ground), "notification_id": CaseworkJSON.id(e.notificationID),
            "ended_on": date(e.endedOn), "end_reason": text(e.endReason?.rawValue), "end_school_urn": text(e.endSchoolURN),
            "school_attendance_order_in_force": .bool(e.orderInForce != nil), "events": .array(events),
            "created_at": CaseworkJSON.instant(e.createdAt),
        ]))
    }
}

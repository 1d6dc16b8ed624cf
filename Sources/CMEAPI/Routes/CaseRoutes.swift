import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP

/// `/v1/cases`: the CME register, its changes, state changes, timeline and partner status view.
enum CaseRoutes {
    static func register(on api: inout RouteBuilder) {
        let group = RouteBuilder.Group(prefix: "/v1/cases", roles: [.officer, .admin])
        let cases = api.services.cases

        api.add("GET", "", in: group) { request, context in
            let status = try API.queryEnum(request, "status", CaseStatus.self)
            let flag = try API.queryEnum(request, "risk_flag", RiskFlag.self)
            let overdue = try API.queryFlag(request, "overdue")
            let officer = request.query["assigned_officer"]
            if let officer, officer.isEmpty || officer.count > 254 {
                throw ServiceError.malformed("assigned_officer must be an officer's email or name.")
            }
            let page = try await cases.list((status, flag, officer, overdue), cursor: try API.cursor(request), limit: try API.limit(request),
                                            as: context.caller)
            return try API.page(page, CaseworkJSON.caseJSON)
        }

        api.add("GET", "/{id}", in: group) { request, context in
            let view = try await cases.caseView(try API.id(request), as: context.caller)
            return API.json(CaseworkJSON.caseJSON(view), headers: API.etag(view.record.version))
        }

        api.add("PATCH", "/{id}", in: group) { request, context in
            let id = try API.id(request)
            let precondition = try API.precondition(request)
            let view = try await cases.patch(id, precondition: precondition, body: API.body(request), as: context.caller)
            return API.json(CaseworkJSON.caseJSON(view), headers: API.etag(view.record.version))
        }

        api.add("GET", "/{id}/timeline", in: group) { request, context in
            let page = try await cases.timeline(try API.id(request), cursor: try API.cursor(request), limit: try API.limit(request),
                                                as: context.caller)
            return try API.page(page, CaseworkJSON.event)
        }

        typealias Change = @Sendable (CaseService, UUID, Precondition, RequestBody, Caller, IdempotencyClaim?,
                                      (CaseView) throws -> StoredReply) async throws -> StoredReply
        let changes: [(String, Change)] = [
            ("locate", { try await $0.locate($1, precondition: $2, body: $3, as: $4, idempotency: $5, render: $6) }),
            ("transfer", { try await $0.transfer($1, precondition: $2, body: $3, as: $4, idempotency: $5, render: $6) }),
            ("close", { try await $0.close($1, precondition: $2, body: $3, as: $4, idempotency: $5, render: $6) }),
            ("reopen", { try await $0.reopen($1, precondition: $2, body: $3, as: $4, idempotency: $5, render: $6) }),
        ]
        for (action, change) in changes {
            api.add("POST", "/{id}/" + action, in: group) { request, context in
                let id = try API.id(request)
                let precondition = try API.precondition(request)
                let reply = try await change(cases, id, precondition, API.body(request), context.caller, try API.idempotency(request)) {
                    API.stored(200, CaseworkJSON.caseJSON($0))
                }
                return API.versioned(reply)
            }
        }

        api.add("GET", "/{id}/status", in: group, roles: [.agency, .officer, .admin]) { request, context in
            API.json(CaseworkJSON.partnerStatus(try await cases.partnerStatus(try API.id(request), as: context.caller)))
        }

        let enquiries = api.services.enquiries, visits = api.services.visits, clock = api.services.clock
        api.add("POST", "/{id}/enquiries", in: group) { request, context in
            API.response(try await enquiries.create(caseID: try API.id(request), body: API.body(request), as: context.caller,
                                                    idempotency: try API.idempotency(request)) {
                API.stored(201, CaseworkJSON.enquiry($0, today: clock.today))
            })
        }

        api.add("POST", "/{id}/visits", in: group) { request, context in
            API.response(try await visits.create(caseID: try API.id(request), body: API.body(request), as: context.caller,
                                                 idempotency: try API.idempotency(request)) {
                API.stored(201, CaseworkJSON.visit($0))
            })
        }
    }
}

/// `/v1/enquiries`, `/v1/visits/{id}/outcome`, `/v1/tasks` and the on-demand sweep.
enum FollowUpRoutes {
    static func register(on api: inout RouteBuilder) {
        let enquiries = api.services.enquiries, visits = api.services.visits, tasks = api.services.tasks
        let cases = api.services.cases, clock = api.services.clock, roll = api.services.rollNotifications
        let enquiryGroup = RouteBuilder.Group(prefix: "/v1/enquiries", roles: [.officer, .admin, .agency])

        api.add("GET", "", in: enquiryGroup) { request, context in
            let status = try API.queryEnum(request, "status", EnquiryStatus.self)
            let overdue = try API.queryFlag(request, "overdue")
            let page = try await enquiries.list(status: status, overdue: overdue, cursor: try API.cursor(request), limit: try API.limit(request),
                                                as: context.caller)
            let today = clock.today
            return try API.page(page) { CaseworkJSON.enquiry($0, today: today) }
        }

        api.add("GET", "/{id}", in: enquiryGroup) { request, context in
            API.json(CaseworkJSON.enquiry(try await enquiries.enquiry(try API.id(request), as: context.caller), today: clock.today))
        }

        api.add("POST", "/{id}/response", in: enquiryGroup) { request, context in
            API.response(try await enquiries.respond(try API.id(request), body: API.body(request), as: context.caller,
                                                     idempotency: try API.idempotency(request)) {
                API.stored(200, CaseworkJSON.enquiry($0, today: clock.today))
            })
        }

        api.add("POST", "/{id}/outcome", in: RouteBuilder.Group(prefix: "/v1/visits", roles: [.officer, .admin])) { request, context in
            API.response(try await visits.recordOutcome(try API.id(request), body: API.body(request), as: context.caller,
                                                        idempotency: try API.idempotency(request)) {
                API.stored(200, CaseworkJSON.visit($0))
            })
        }

        let taskGroup = RouteBuilder.Group(prefix: "/v1/tasks", roles: [.officer, .admin])
        api.add("GET", "", in: taskGroup) { request, context in
            let page = try await tasks.list(status: try API.queryEnum(request, "status", TaskStatus.self),
                                            kind: try API.queryEnum(request, "kind", TaskKind.self),
                                            overdue: try API.queryFlag(request, "overdue"), caseID: try API.queryUUID(request, "case_id"),
                                            cursor: try API.cursor(request), limit: try API.limit(request), as: context.caller)
            let today = tasks.today
            return try API.page(page) { CaseworkJSON.task($0, today: today) }
        }

        api.add("POST", "/{id}/complete", in: taskGroup) { request, context in
            API.response(try await tasks.complete(try API.id(request), body: API.body(request), as: context.caller,
                                                  idempotency: try API.idempotency(request)) {
                API.stored(200, CaseworkJSON.task($0, today: clock.today))
            })
        }

        api.add("POST", "/sweeps/run", in: RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin])) { _, context in
            let arrivals = try await roll.sweepArrivals(as: context.actor)
            let flagged = try await cases.sweepUntraceable(as: context.actor)
            return try API.json(["expected_arrivals_overdue": arrivals, "untraceable_flagged": flagged])
        }
    }
}

import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP

/// `/v1/referrals`: intake from every kind of source, lists, one referral, and triage.
enum ReferralRoutes {
    static func register(on api: inout RouteBuilder) {
        let group = RouteBuilder.Group(prefix: "/v1/referrals", roles: [.officer, .admin])
        let referrals = api.services.referrals

        api.add("POST", "", in: group, roles: [.officer, .admin, .school, .agency, .intake]) { request, context in
            let show = ReferralService.seesMatches.contains(context.caller.role)
            let reply = try await referrals.submit(API.body(request), as: context.caller, idempotency: try API.idempotency(request)) {
                API.stored(201, CaseworkJSON.referral($0, showMatches: show))
            }
            return API.versioned(reply)
        }

        api.add("GET", "", in: group, roles: [.officer, .admin, .school, .agency]) { request, context in
            let status = try API.queryEnum(request, "status", ReferralStatus.self)
            let kind = try API.queryEnum(request, "source_kind", ReferralSourceKind.self)
            let page = try await referrals.list(status: status, sourceKind: kind, cursor: try API.cursor(request), limit: try API.limit(request),
                                                as: context.caller)
            let show = ReferralService.seesMatches.contains(context.caller.role)
            return try API.page(page) { CaseworkJSON.referral($0, showMatches: show) }
        }

        api.add("GET", "/{id}", in: group, roles: [.officer, .admin, .school, .agency]) { request, context in
            let r = try await referrals.referral(try API.id(request), as: context.caller)
            return API.json(CaseworkJSON.referral(r, showMatches: ReferralService.seesMatches.contains(context.caller.role)),
                                headers: API.etag(r.version))
        }

        api.add("POST", "/{id}/decision", in: group) { request, context in
            let id = try API.id(request)
            let precondition = try API.precondition(request)
            let reply = try await referrals.decide(id, precondition: precondition, body: API.body(request), as: context.caller,
                                                   idempotency: try API.idempotency(request)) {
                API.stored(200, CaseworkJSON.referral($0, showMatches: true))
            }
            return API.versioned(reply)
        }
    }
}

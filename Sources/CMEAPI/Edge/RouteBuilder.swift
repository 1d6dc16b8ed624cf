import CMEService
import Foundation
import HTTP
import Runtime

/// A handler of an authenticated route: the request, and who is calling.
typealias AuthenticatedHandler = @Sendable (Request, RequestContext) async throws -> Response

/// Where the v1 routes are registered. Every authenticated route goes through `add`, which wraps its
/// handler in the same stairs, in this order: routing (the router; an unknown path is 404 before any
/// of this), no token in the URL, authentication (401), the client's rate limit (429), the access
/// table (403), then the handler, whose errors become problem+json in one place.
struct RouteBuilder {
    var router: Router
    var rules = AccessRules()
    let services: CMEServices
    let logger: Logger?

    /// A prefix, the roles allowed on it, and the body limit of its routes.
    struct Group {
        var prefix: String
        var roles: Set<Role>
        var bodyLimit: Int? = nil
    }

    mutating func add(_ method: String, _ path: String, in group: Group, roles: Set<Role>? = nil,
                      _ handler: @escaping AuthenticatedHandler) {
        let pattern = group.prefix + path
        let allowed = roles ?? group.roles
        rules.allow(allowed, method: method, pattern: pattern)
        let services = self.services, logger = self.logger
        // A large body (a batch, an import: routes whose limit is over 1 MiB) has a working set of tens
        // of MiB; once it has been answered, the pages it freed go back to the system
        // (`MemoryTrimmer`). Small requests to those routes, refused ones included, do not ask.
        let takesLargeBodies = (group.bodyLimit ?? 0) > 1 << 20
        router.add(method, pattern, bodyLimit: group.bodyLimit) { request in
            defer { if takesLargeBodies && request.body.count > 256 << 10 { MemoryTrimmer.shared.request() } }
            return await API.respond(to: request, logger: logger) {
                if request.query.names.contains(where: { $0 == "access_token" || $0 == "token" }) {
                    throw ServiceError.unauthenticated("Tokens go in the Authorization header, never in the URL.")
                }
                let caller = try await services.authenticator.authenticate(authorization: request.headers["Authorization"],
                                                                           requestID: request.requestID)
                if let limiter = services.rateLimiter, let wait = limiter.take(for: caller.clientID) {
                    throw ServiceError.rateLimited(retryAfterSeconds: wait)
                }
                guard allowed.contains(caller.role) else {
                    throw ServiceError.forbidden("A client with the \(caller.role.rawValue) role may not \(method) \(pattern).")
                }
                return try await handler(request, RequestContext(caller: caller, logger: logger))
            }
        }
    }
}

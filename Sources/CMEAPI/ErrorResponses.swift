import CMEService
import HTTP
import Runtime

extension API {
    /// Seconds a client is asked to wait before retrying while the database is unavailable.
    static let retryAfterSeconds = 2

    /// Runs a handler body that may throw and turns what it throws into problem+json (DESIGN.md 3.1):
    /// the database unavailable → 503 with `Retry-After`; anything else → 500 with no detail of the
    /// error (it could carry data), which is logged by kind only.
    static func respond(to request: Request, logger: Logger?, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            switch ServiceFailure(classifying: error) {
            case .unavailable:
                return Problem(slug: "unavailable", title: "Service Unavailable", status: 503,
                               detail: "The database is unavailable; retry shortly.", instance: request.requestID)
                    .response(headers: ["Retry-After": String(retryAfterSeconds)])
            case .internalFailure:
                logger?.error("request failed", ["route": .string(request.route), "request_id": .string(request.requestID),
                                                 "error_type": .string(String(describing: type(of: error)))])
                return Problem(slug: "internal", title: "Internal Server Error", status: 500,
                               detail: "The request failed on the server; it has been logged.", instance: request.requestID).response()
            }
        }
    }
}

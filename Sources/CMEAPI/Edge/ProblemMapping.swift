import CMEDomain
import CMEService
import HTTP
import Runtime

extension API {
    /// Seconds a client is asked to wait before retrying while the database is unavailable.
    static let retryAfterSeconds = 2

    /// The one mapping from `ServiceError` to problem+json (openapi.yaml). Exhaustive: a new error
    /// case does not compile until it has its status here. Details never carry personal data.
    static func problem(for error: ServiceError, requestID: String, route: String, logger: Logger?) -> Response {
        switch error {
        case .unauthenticated(let why):
            return Problem(slug: "unauthenticated", title: "Unauthorized", status: 401, detail: why, instance: requestID)
                .response(headers: ["WWW-Authenticate": "Bearer realm=\"cme-tracker\""])
        case .forbidden(let why):
            return Problem(slug: "forbidden", title: "Forbidden", status: 403, detail: why, instance: requestID).response()
        case .notFound:
            return Problem(slug: "not-found", title: "Not Found", status: 404, detail: "No resource lives at this path.",
                           instance: requestID).response()
        case .malformed(let why):
            return Problem(slug: "malformed", title: "Bad Request", status: 400, detail: why, instance: requestID).response()
        case .unsupportedMediaType(let why):
            return Problem(slug: "unsupported-media-type", title: "Unsupported Media Type", status: 415, detail: why,
                           instance: requestID).response()
        case .invalid(let errors):
            return Problem(slug: "invalid", title: "Unprocessable Content", status: 422,
                           detail: errors.count == 1 ? "One field is invalid." : "\(errors.count) fields are invalid.",
                           instance: requestID,
                           errors: errors.map { Problem.FieldError(pointer: $0.pointer, detail: $0.message) }).response()
        case .conflict(let why):
            return Problem(slug: "conflict", title: "Conflict", status: 409, detail: why, instance: requestID).response()
        case .preconditionRequired:
            return Problem(slug: "precondition-required", title: "Precondition Required", status: 428,
                           detail: "This change needs If-Match with the resource's ETag.", instance: requestID).response()
        case .preconditionFailed:
            return Problem(slug: "precondition-failed", title: "Precondition Failed", status: 412,
                           detail: "The resource changed since the ETag given in If-Match.", instance: requestID).response()
        case .idempotencyMismatch:
            return Problem(slug: "idempotency-key-reused", title: "Unprocessable Content", status: 422,
                           detail: "This Idempotency-Key was used with a different request.", instance: requestID,
                           errors: [Problem.FieldError(pointer: "", detail: "the Idempotency-Key header names another request")]).response()
        case .rateLimited(let seconds):
            return Problem(slug: "rate-limited", title: "Too Many Requests", status: 429,
                           detail: "This client is over its request rate; retry after \(seconds) s.", instance: requestID)
                .response(headers: ["Retry-After": String(seconds)])
        case .unavailable:
            return Problem(slug: "unavailable", title: "Service Unavailable", status: 503,
                           detail: "The database is unavailable; retry shortly.", instance: requestID)
                .response(headers: ["Retry-After": String(retryAfterSeconds)])
        case .internalFailure(let kind):
            logger?.error("request failed", ["route": .string(route), "request_id": .string(requestID), "error_type": .string(kind)])
            return Problem(slug: "internal", title: "Internal Server Error", status: 500,
                           detail: "The request failed on the server; it has been logged.", instance: requestID).response()
        }
    }

    /// Runs a handler body and turns what it throws into problem+json.
    static func respond(to request: Request, logger: Logger?, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return problem(for: ServiceError(classifying: error), requestID: request.requestID, route: request.route, logger: logger)
        }
    }
}

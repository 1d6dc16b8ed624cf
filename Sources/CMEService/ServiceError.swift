import CMEDomain
import CMEStore

/// Every way a use case refuses or fails, as the HTTP edge must tell it apart. CMEAPI maps each case
/// to one status and problem type in one exhaustive switch, so a new case cannot ship without one.
public enum ServiceError: Error, Sendable, Equatable {
    /// No credentials, or credentials that name no live client (401).
    case unauthenticated(String)
    /// A known client asking for something its role or binding does not allow (403).
    case forbidden(String)
    /// Absent, or in another council, or not the caller's to see (404: existence is never revealed).
    case notFound
    /// The request is not well-formed JSON or parameters (400).
    case malformed(String)
    /// The body's media type is not one the route takes (415).
    case unsupportedMediaType(String)
    /// Well-formed but breaking the rules: every bad field with its pointer (422).
    case invalid(FieldErrors)
    /// The request conflicts with the current state (409).
    case conflict(String)
    /// `If-Match` missing where it is required (428), or not matching (412).
    case preconditionRequired
    case preconditionFailed
    /// The same `Idempotency-Key` with a different request (422).
    case idempotencyMismatch
    /// The client is over its rate limit; retry after the given seconds (429).
    case rateLimited(retryAfterSeconds: Int)
    /// The database cannot serve for now (503 with `Retry-After`).
    case unavailable
    /// Anything else: the server's fault, logged by kind, named to nobody (500).
    case internalFailure(kind: String)

    /// Classifies an error thrown below the service layer.
    public init(classifying error: any Error) {
        switch error {
        case let e as ServiceError: self = e
        case let e as FieldErrors: self = .invalid(e)
        case is IdempotencyMismatch: self = .idempotencyMismatch
        case let e where Database.isUniqueViolation(e):
            // A concurrent request made the same row first (a second live case for a child, say).
            self = .conflict("A concurrent change conflicts with this one; read the resource again.")
        default:
            self = Database.isUnavailable(error) ? .unavailable : .internalFailure(kind: String(describing: type(of: error)))
        }
    }
}

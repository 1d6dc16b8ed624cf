import CMEStore

/// How a use case failed, as far as the HTTP edge needs to know: the database is unavailable for
/// now (→ 503 with `Retry-After`), or something failed that the caller cannot fix (→ 500).
/// Validation and domain refusals come as their own errors with the domain issues.
public enum ServiceFailure: Sendable, Equatable {
    case unavailable
    case internalFailure

    public init(classifying error: any Error) {
        self = Database.isUnavailable(error) ? .unavailable : .internalFailure
    }
}

/// Every error the Postgres target throws.
///
/// `kind` is what callers switch on; SQLSTATE codes from the server are mapped to it (PostgreSQL
/// docs, Appendix A). `description` is safe to log: it never contains parameter values, and it
/// leaves out the server's `detail` (which for a unique violation spells out the duplicate key) and
/// the message of data exceptions (class 22, which quote the rejected input). Both stay available
/// as properties for code that decides to show them.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// 23505. `constraint` names the violated unique index or constraint.
        case uniqueViolation(constraint: String?)
        /// 23503.
        case foreignKeyViolation(constraint: String?)
        /// 23502. `column` names the column.
        case notNullViolation(column: String?)
        /// 23514.
        case checkViolation(constraint: String?)
        /// 40001: retry the whole transaction.
        case serializationFailure
        /// 40P01: retry the whole transaction.
        case deadlockDetected
        /// The connection broke while in use (57P01/57P02, class 08, or libpq reporting the socket
        /// gone). The statement in flight may or may not have taken effect (a lost COMMIT is
        /// ambiguous); it is never retried silently.
        case connectionLost
        /// No connection could be established (refused, timed out, authentication, 57P03, 53300).
        case connectionUnavailable
        /// No pooled connection became free within `acquireTimeout`.
        case poolTimeout
        /// The pool was shut down.
        case poolShutDown
        /// A result value could not be decoded as the requested Swift type.
        case decoding
        /// Any other error reported by the server; see `sqlState`.
        case server
        /// Misuse of the client (e.g. an unsupported statement such as COPY, a closed connection).
        case client
    }

    public let kind: Kind
    /// The five-character SQLSTATE from the server, when there is one.
    public let sqlState: String?
    /// The server's (or libpq's, or our) primary message.
    public let message: String
    /// The server's detail; may quote data (for 23505 the duplicate key). Not in `description`.
    public let detail: String?
    public let hint: String?
    public let table: String?
    public let column: String?
    public let constraint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
                table: String? = nil, column: String? = nil, constraint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.table = table
        self.column = column
        self.constraint = constraint
    }

    /// True for failures worth retrying later: the HTTP edge answers them 503 + Retry-After.
    /// Shutting down counts: the instance is going away, another one will serve.
    public var isTransient: Bool {
        switch kind {
        case .connectionLost, .connectionUnavailable, .poolTimeout, .poolShutDown, .serializationFailure, .deadlockDetected:
            true
        default:
            sqlState == "55P03" || sqlState == "57014" // lock_not_available, query_canceled (statement_timeout)
        }
    }

    public var description: String {
        var parts = ["\(kind.name)"]
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        if let constraint { parts.append("constraint \(constraint)") }
        if let table { parts.append("table \(table)") }
        if let column { parts.append("column \(column)") }
        if !(sqlState?.hasPrefix("22") ?? false) { parts.append(message) }
        return "PostgresError(" + parts.joined(separator: ", ") + ")"
    }

    /// Builds the error for a server error response, mapping SQLSTATE to `kind`.
    static func server(sqlState: String?, message: String, detail: String?, hint: String?,
                       table: String?, column: String?, constraint: String?) -> PostgresError {
        PostgresError(kind: kind(forSQLState: sqlState, constraint: constraint, column: column), sqlState: sqlState,
                      message: message, detail: detail, hint: hint, table: table, column: column, constraint: constraint)
    }

    static func kind(forSQLState state: String?, constraint: String? = nil, column: String? = nil) -> Kind {
        guard let state else { return .server }
        switch state {
        case "23505": return .uniqueViolation(constraint: constraint)
        case "23503": return .foreignKeyViolation(constraint: constraint)
        case "23502": return .notNullViolation(column: column)
        case "23514": return .checkViolation(constraint: constraint)
        case "40001": return .serializationFailure
        case "40P01": return .deadlockDetected
        case "57P01", "57P02": return .connectionLost
        case "57P03", "53300": return .connectionUnavailable
        default: return state.hasPrefix("08") ? .connectionLost : .server
        }
    }

    static func decoding(_ what: String, cell: PostgresCell) -> PostgresError {
        PostgresError(kind: .decoding, message: "column \"\(cell.columnName)\" (index \(cell.columnIndex)): \(what)")
    }

    static func connectionLost(_ message: String) -> PostgresError {
        PostgresError(kind: .connectionLost, message: message)
    }

    static func connectionUnavailable(_ message: String) -> PostgresError {
        PostgresError(kind: .connectionUnavailable, message: message)
    }

    static func client(_ message: String) -> PostgresError {
        PostgresError(kind: .client, message: message)
    }

    /// The same error with another kind (used when libpq reports the connection gone after an error).
    func with(kind: Kind) -> PostgresError {
        PostgresError(kind: kind, sqlState: sqlState, message: message, detail: detail, hint: hint,
                      table: table, column: column, constraint: constraint)
    }
}

extension PostgresError.Kind {
    /// A stable name for logs and metrics labels.
    public var name: String {
        switch self {
        case .uniqueViolation: "uniqueViolation"
        case .foreignKeyViolation: "foreignKeyViolation"
        case .notNullViolation: "notNullViolation"
        case .checkViolation: "checkViolation"
        case .serializationFailure: "serializationFailure"
        case .deadlockDetected: "deadlockDetected"
        case .connectionLost: "connectionLost"
        case .connectionUnavailable: "connectionUnavailable"
        case .poolTimeout: "poolTimeout"
        case .poolShutDown: "poolShutDown"
        case .decoding: "decoding"
        case .server: "server"
        case .client: "client"
        }
    }
}

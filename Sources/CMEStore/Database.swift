import Postgres
import Synchronization

/// The store's handle on PostgreSQL: the connection pool every store shares.
public final class Database: Sendable {
    /// Internal: services reach SQL only through `write`/`read` (UnitOfWork.swift).
    let pool: PostgresPool
    /// Whether the pool's role bypasses row security (a superuser, or `BYPASSRLS`): -1 not known yet,
    /// 0 no, 1 yes. Every connection of the pool logs in as the same role, so the first unit of work
    /// asks once for all.
    private let bypass = Atomic<Int8>(-1)

    /// Whether units of work must take the `cme_tenant` role for row security to bind them.
    func bypassesRowSecurity(_ connection: PostgresConnection) async throws -> Bool {
        switch bypass.load(ordering: .relaxed) {
        case 0: return false
        case 1: return true
        default:
            let rows = try await connection.query("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
            let bypasses = try rows.first?.decode(Bool?.self, at: 0) ?? false
            bypass.store(bypasses ? 1 : 0, ordering: .relaxed)
            return bypasses
        }
    }

    public init(url: String, poolSize: Int, acquireTimeout: Duration = .seconds(5)) {
        pool = PostgresPool(PostgresConfiguration(url: url, poolSize: poolSize, acquireTimeout: acquireTimeout))
    }

    /// True when a trivial query succeeds within the pool's bounds.
    public func ping() async -> Bool {
        do {
            let rows = try await pool.query("SELECT 1")
            return rows.count == 1
        } catch {
            return false
        }
    }

    /// Connections of the pool by state, for /metrics.
    public var usage: (size: Int, inUse: Int, idle: Int, waiting: Int) {
        let s = pool.statistics
        return (s.size, s.inUse, s.idle, s.waiting)
    }

    /// The councils that have a live client: those whose background work (sweeps) runs. Read from
    /// the token table, the one table outside row security, which holds no personal data.
    public func activeCouncils() async throws -> [String] {
        try await pool.query("SELECT DISTINCT la_code FROM client_tokens ORDER BY la_code").map { try $0.decode(String.self, at: 0) }
    }

    public func shutdown() async {
        await pool.shutdown()
    }
}

extension Database {
    /// True when `error` means the database cannot serve right now (no connection within the bound,
    /// the server unreachable, the session lost): worth retrying later, and never the caller's fault.
    public static func isUnavailable(_ error: any Error) -> Bool {
        (error as? PostgresError)?.isTransient ?? false
    }

    /// True when `error` is a unique constraint refusing a second row (SQLSTATE 23505).
    public static func isUniqueViolation(_ error: any Error) -> Bool {
        (error as? PostgresError)?.sqlState == "23505"
    }
}

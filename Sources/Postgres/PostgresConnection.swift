import Synchronization

/// One database session, carried by its own thread (see `ConnectionThread`).
///
/// From a pool (`withConnection`, `transaction`) it is lent for the closure only and must not
/// escape it. `PostgresConnection.connect` opens a standalone one (for migrations, admin tasks,
/// tests); close it with `close()` (dropping the last reference closes it too).
///
/// Statements run one at a time per connection, in call order. Parameters are always bound
/// (`$1`, `$2`, ...), never spliced into SQL. Task cancellation does not interrupt a running
/// statement; use `statement_timeout` for a server-side bound.
public final class PostgresConnection: Sendable {
    let thread: ConnectionThread
    /// The pool's identifier for this connection (-1 when standalone).
    let poolSlot: Int
    /// Whether the session was idle and healthy after its last statement (set on the connection's
    /// thread before the statement's caller resumes), so that returning it to the pool needs no
    /// further trip to that thread in the usual case.
    private let idleAndHealthy = Atomic<Bool>(true)

    private init(thread: ConnectionThread, poolSlot: Int) {
        self.thread = thread
        self.poolSlot = poolSlot
    }

    deinit { thread.stop() }

    /// Opens a standalone connection. Throws `.connectionUnavailable` when it cannot.
    public static func connect(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
        try await connect(configuration, poolSlot: -1)
    }

    static func connect(_ configuration: PostgresConfiguration, poolSlot: Int) async throws -> PostgresConnection {
        let thread = try ConnectionThread(name: "postgres-\(poolSlot)")
        do {
            try await thread.run { try $0.connect(configuration) }
        } catch {
            thread.stop()
            throw error
        }
        return PostgresConnection(thread: thread, poolSlot: poolSlot)
    }

    /// Runs one statement and returns its rows: `try await conn.query("SELECT $1::int", 42)`.
    public func query(_ sql: StaticString, _ parameters: any PostgresEncodable...) async throws -> PostgresRows {
        try await query(sql.description, parameters: parameters)
    }

    public func query(_ sql: String, parameters: [any PostgresEncodable]) async throws -> PostgresRows {
        let bindings = parameters.map(PostgresBinding.init)
        return try await run { session in try Self.statement(sql, bindings, on: session) }
    }

    /// Runs a script of several statements with no parameters (a migration file). Never pass values
    /// in it: only `query`/`execute` bind them.
    public func executeScript(_ sql: String) async throws {
        _ = try await run { session in
            try session.sendScript(sql)
            return try session.receive()
        }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: StaticString, _ parameters: any PostgresEncodable...) async throws -> Int {
        try await query(sql.description, parameters: parameters).affectedRows
    }

    @discardableResult
    public func execute(_ sql: String, parameters: [any PostgresEncodable]) async throws -> Int {
        try await query(sql, parameters: parameters).affectedRows
    }

    /// `BEGIN`, the body, `COMMIT`; `ROLLBACK` when the body throws (the body's error is rethrown).
    /// A failing `COMMIT` throws its own error (the server has then rolled back); `.connectionLost`
    /// from `COMMIT` means the outcome is unknown. Not reentrant: do not nest.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await execute("BEGIN")
        let value: T
        do {
            value = try await body(self)
        } catch {
            _ = try? await execute("ROLLBACK")
            throw error
        }
        try await execute("COMMIT")
        return value
    }

    /// Closes the session (after any statement already running).
    public func close() async {
        _ = try? await thread.run { $0.finish() }
        thread.stop()
    }

    /// One parameterised statement, on the connection's thread.
    private static func statement(_ sql: String, _ bindings: [PostgresBinding], on session: LibpqSession) throws -> PostgresRows {
        try session.send(sql, bindings)
        return try session.receive()
    }

    /// Runs a statement job on the connection's thread, noting afterwards whether the session is
    /// still idle and healthy.
    private func run<T: Sendable>(_ work: @escaping @Sendable (LibpqSession) throws -> T) async throws -> T {
        try await thread.run { [self] session in
            defer { noteState(of: session) }
            return try work(session)
        }
    }

    private func noteState(of session: LibpqSession) {
        idleAndHealthy.store(session.isIdleAndHealthy, ordering: .releasing)
    }

    /// For the pool: runs one statement on this connection's thread and, still on that thread, reports
    /// the rows and whether the connection can be lent again (a transaction the statement left open
    /// is rolled back first). `done` runs exactly once, on that thread, or not at all when this returns
    /// false (the connection is closing).
    func submitPooledStatement(_ sql: String, _ bindings: [PostgresBinding],
                               done: @escaping @Sendable (Result<PostgresRows, any Error>, _ reusable: Bool) -> Void) -> Bool {
        thread.submit { [self] session in
            let result = Result { try Self.statement(sql, bindings, on: session) }
            let reusable = session.isIdleAndHealthy || session.prepareForReuse()
            noteState(of: session)
            done(result, reusable)
        }
    }

    /// Rolls back a transaction left open; false when the connection must be discarded. Immediate
    /// when the last statement left the session idle and healthy.
    func prepareForReuse() async -> Bool {
        if idleAndHealthy.load(ordering: .acquiring) { return true }
        return (try? await thread.run { $0.prepareForReuse() }) ?? false
    }

    /// Closes without waiting.
    func closeSoon() {
        thread.stop()
    }
}

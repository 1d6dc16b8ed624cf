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
    private let outgrownFlag = Atomic<Bool>(false)
    /// Whether a statement it sent was large enough to grow libpq's buffers (`LibpqSession.outgrown`).
    var isOutgrown: Bool { outgrownFlag.load(ordering: .acquiring) }
    /// Statements that go with the next one, in its round trip (`sendWithNext`).
    private let ahead = Mutex(Ahead())

    private struct Ahead {
        var statements: [PostgresStatement] = []
        /// Whether a `transaction`'s `BEGIN` is among them (not sent yet).
        var holdsBegin = false
    }

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

    /// `plansEachRun`: plan it with its values each time instead of preparing it once (`PostgresQuery`).
    /// Statements queued with `sendWithNext` go first, in the same round trip.
    public func query(_ sql: String, parameters: [any PostgresEncodable], plansEachRun: Bool = false) async throws -> PostgresRows {
        let statement = PostgresStatement(sql: sql, bindings: parameters.map(PostgresBinding.init), prepare: !plansEachRun)
        let before = takeAhead()
        return try await run { session in try session.run(before + [statement]) }
    }

    /// Queues a statement to go ahead of the next one, in the same round trip (libpq's pipeline
    /// mode): for statements whose answer is not needed, such as a transaction's opening settings or
    /// the audit insert before a commit. Should it fail, the next statement throws its error and
    /// does not run. Such a statement must answer little (see `LibpqSession.pipeline`).
    public func sendWithNext(_ query: PostgresQuery) {
        let statement = PostgresStatement(sql: query.sql, bindings: query.parameters.map(PostgresBinding.init), prepare: !query.plansEachRun)
        ahead.withLock { $0.statements.append(statement) }
    }

    private func takeAhead() -> [PostgresStatement] {
        ahead.withLock { ahead in
            defer { ahead = Ahead() }
            return ahead.statements
        }
    }

    /// Runs a script of several statements with no parameters (a migration file). Never pass values
    /// in it: only `query`/`execute` bind them.
    public func executeScript(_ sql: String) async throws {
        let before = takeAhead()
        if !before.isEmpty { _ = try await run { session in try session.run(before) } }
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

    /// `BEGIN`, the body, `COMMIT`; `ROLLBACK` when the body or the commit throws (the error is
    /// rethrown). `BEGIN` goes with the body's first statement and the statements the body queued
    /// last (`sendWithNext`) with `COMMIT`, so a transaction of one statement takes two round trips.
    /// `.connectionLost` from `COMMIT` means the outcome is unknown. Not reentrant: do not nest.
    ///
    /// The body runs with the connection's thread as its preferred executor: its code and its
    /// statements run there, one after another, with no thread hop per statement.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(thread) { try await transactionHere(body) }
    }

    private func transactionHere<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        ahead.withLock {
            $0.statements.append(PostgresStatement(sql: "BEGIN", bindings: [], prepare: true))
            $0.holdsBegin = true
        }
        let value: T
        do {
            value = try await body(self)
            try await execute("COMMIT")
        } catch {
            // Nothing to roll back when BEGIN was never sent.
            let begun = ahead.withLock { ahead in
                defer { ahead = Ahead() }
                return !ahead.holdsBegin
            }
            if begun { _ = try? await execute("ROLLBACK") }
            throw error
        }
        return value
    }

    /// Closes the session (after any statement already running).
    public func close() async {
        _ = try? await thread.run { $0.finish() }
        thread.stop()
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
        outgrownFlag.store(session.outgrown, ordering: .releasing)
    }

    /// For the pool: runs one statement on this connection's thread and, still on that thread, reports
    /// the rows and whether the connection can be lent again (a transaction the statement left open
    /// is rolled back first). `done` runs exactly once, on that thread, or not at all when this returns
    /// false (the connection is closing).
    func submitPooledStatement(_ statement: PostgresStatement,
                               done: @escaping @Sendable (Result<PostgresRows, any Error>, _ reusable: Bool) -> Void) -> Bool {
        thread.submit { [self] session in
            let result = Result { try session.run([statement]) }
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

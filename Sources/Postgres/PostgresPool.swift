import Runtime
import Synchronization

/// Pool occupancy, for `/metrics` and `/readyz`.
public struct PoolStatistics: Sendable, Hashable {
    /// Configured maximum number of connections.
    public let size: Int
    /// Connections open (in use + idle).
    public let open: Int
    public let inUse: Int
    public let idle: Int
    /// Connections being opened, or waiting to retry after a failed attempt.
    public let connecting: Int
    /// Callers waiting for a connection.
    public let waiting: Int

    public init(size: Int, open: Int, inUse: Int, idle: Int, connecting: Int, waiting: Int) {
        self.size = size
        self.open = open
        self.inUse = inUse
        self.idle = idle
        self.connecting = connecting
        self.waiting = waiting
    }
}

/// A bounded pool of `PostgresConnection`s.
///
/// - Connects lazily: `init` never touches the network and never throws.
/// - An acquisition waits at most `acquireTimeout`, then fails with `.poolTimeout`, or with
///   `.connectionUnavailable` when the server cannot be reached; both are `isTransient` (→ 503).
/// - A connection that breaks is discarded; the statement in flight fails with `.connectionLost`
///   and is not retried. New connections are opened with exponential back-off (see
///   `PoolStateMachine`), so the pool recovers by itself when the server is back.
/// - A connection whose server session ended while it was idle is reopened transparently before
///   the next statement (nothing was in flight, so nothing can be duplicated).
/// - `query` and `execute` run their one statement outside any transaction: a statement that leaves
///   one open (a lone `BEGIN`) has it rolled back before the connection serves anyone else. Use
///   `transaction { }` for several statements that must commit together.
///
/// The decisions live in `PoolStateMachine`; this class only carries out its actions.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration

    private typealias Machine = PoolStateMachine

    /// What a waiter gets once a connection is free for it.
    private enum Claim: Sendable {
        /// The connection itself, for `withConnection` and `transaction`.
        case connection(CheckedContinuation<PostgresConnection, any Error>)
        /// One statement, for `query` and `execute`: run on the connection's thread as soon as the
        /// connection is free, and the connection handed on from that thread when it is done, so a
        /// busy connection goes from one caller's statement to the next without waiting for either
        /// caller's task to be scheduled.
        case statement(PostgresStatement, CheckedContinuation<PostgresRows, any Error>)

        func fail(_ error: any Error) {
            switch self {
            case .connection(let c): c.resume(throwing: error)
            case .statement(_, let c): c.resume(throwing: error)
            }
        }
    }

    private struct Waiter {
        let claim: Claim
        /// When it fails with `.poolTimeout` unless a connection was granted first.
        let deadline: ContinuousClock.Instant
    }

    private struct State {
        var machine: Machine
        var waiters: [Machine.WaiterID: Waiter] = [:]
        var connections: [Machine.ConnectionID: PostgresConnection] = [:]
        var nextWaiterID = 0
        var lastConnectError: PostgresError?
        /// Whether the one task that fails overdue waiters is running (`watchDeadlines`). It runs
        /// while anyone waits, so a busy pool keeps one timer, not one per waiter: each per-waiter
        /// timer outlived its waiter until it fired, and under load they held tens of MiB.
        var watching = false
        /// Releases so far of each outgrown connection: a retirement scheduled at one release is
        /// carried out only if no later release happened (the connection sat idle all along).
        var releases: [Machine.ConnectionID: Int] = [:]
    }

    /// What to do once the lock is released.
    private enum Effect {
        case grant(Claim, PostgresConnection)
        case fail(Claim, any Error)
        case watchDeadlines
        case connect(Machine.ConnectionID)
        case connectAfter(Machine.ConnectionID, Duration)
        case close(PostgresConnection)
    }

    private let state: Mutex<State>

    public init(_ configuration: PostgresConfiguration) {
        self.configuration = configuration
        let backoff = Machine.Backoff(initial: configuration.reconnectInitialDelay, maximum: configuration.reconnectMaximumDelay)
        self.state = Mutex(State(machine: Machine(maximumConnections: configuration.poolSize, backoff: backoff)))
    }

    deinit {
        state.withLock { state in
            for connection in state.connections.values { connection.closeSoon() }
        }
    }

    // MARK: Statements

    /// Runs one statement on a pooled connection.
    public func query(_ sql: StaticString, _ parameters: any PostgresEncodable...) async throws -> PostgresRows {
        try await query(sql.description, parameters: parameters)
    }

    /// `plansEachRun`: plan it with its values each time instead of preparing it once (`PostgresQuery`).
    public func query(_ sql: String, parameters: [any PostgresEncodable], plansEachRun: Bool = false) async throws -> PostgresRows {
        let statement = PostgresStatement(sql: sql, bindings: parameters.map(PostgresBinding.init), prepare: !plansEachRun)
        return try await claim { continuation in .statement(statement, continuation) }
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

    /// `BEGIN` ... `COMMIT` on one connection; `ROLLBACK` and rethrow when the body throws.
    public func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in try await connection.transaction(body) }
    }

    /// Lends a connection for the body. It goes back to the pool afterwards; a transaction the
    /// body left open is rolled back first, and a broken connection is discarded.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            await release(connection)
            throw error
        }
        await release(connection)
        return value
    }

    public var statistics: PoolStatistics {
        let s = state.withLock { $0.machine.statistics }
        return PoolStatistics(size: configuration.poolSize, open: s.open, inUse: s.inUse, idle: s.idle,
                              connecting: s.connecting, waiting: s.waiting)
    }

    /// Fails all waiters and further acquisitions with `.poolShutDown` and closes idle
    /// connections (awaiting them); connections in use close when they are returned.
    public func shutdown() async {
        let effects = state.withLock { state in Self.translate(state.machine.shutdown(), in: &state) }
        for connection in perform(effects) { await connection.close() }
    }

    // MARK: Acquire and release

    private func acquire() async throws -> PostgresConnection {
        try await claim { continuation in .connection(continuation) }
    }

    /// Waits (at most `acquireTimeout`) for a connection and hands it over as `makeClaim` says.
    private func claim<T: Sendable>(_ makeClaim: @escaping (CheckedContinuation<T, any Error>) -> Claim) async throws -> T {
        let waiterID = state.withLock { state in
            state.nextWaiterID += 1
            return Machine.WaiterID(rawValue: state.nextWaiterID)
        }
        let timeout = configuration.acquireTimeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let claim = makeClaim(continuation)
                let effects = state.withLock { state -> [Effect] in
                    if Task.isCancelled { return [.fail(claim, CancellationError())] }
                    switch state.machine.acquire(waiterID) {
                    case .leased(let id):
                        guard let connection = state.connections[id] else { preconditionFailure("leased \(id) without a connection") }
                        return [.grant(claim, connection)]
                    case .rejected:
                        return [.fail(claim, Self.shutDownError)]
                    case .queued(let actions):
                        state.waiters[waiterID] = Waiter(claim: claim, deadline: .now + timeout)
                        var effects = Self.translate(actions, in: &state)
                        if !state.watching {
                            state.watching = true
                            effects.append(.watchDeadlines)
                        }
                        return effects
                    }
                }
                _ = perform(effects)
            }
        } onCancel: {
            let effects = state.withLock { state -> [Effect] in
                guard state.machine.waiterCancelled(waiterID), let waiter = state.waiters.removeValue(forKey: waiterID) else { return [] }
                return [.fail(waiter.claim, CancellationError())]
            }
            _ = perform(effects)
        }
    }

    private func release(_ connection: PostgresConnection) async {
        released(connection, reusable: await connection.prepareForReuse())
    }

    private func released(_ connection: PostgresConnection, reusable: Bool) {
        let id = Machine.ConnectionID(rawValue: connection.poolSlot)
        let outgrown = reusable && connection.isOutgrown
        let (effects, release) = state.withLock { state -> ([Effect], Int) in
            var release = 0
            if !reusable { state.releases[id] = nil }
            if outgrown {
                release = state.releases[id, default: 0] + 1
                state.releases[id] = release
            }
            return (Self.translate(state.machine.release(id, reusable: reusable), in: &state), release)
        }
        _ = perform(effects)
        if outgrown {
            let wait = configuration.outgrownIdleLimit
            Task { [weak self] in
                try? await Task.sleep(for: wait)
                self?.retire(id, ifStillAtRelease: release)
            }
        }
    }

    /// Closes an outgrown connection that has been idle since its release number `release`.
    private func retire(_ id: Machine.ConnectionID, ifStillAtRelease release: Int) {
        let effects = state.withLock { state -> [Effect] in
            guard state.releases[id] == release else { return [] }
            let actions = state.machine.retire(id)
            if !actions.isEmpty { state.releases[id] = nil }
            return Self.translate(actions, in: &state)
        }
        // Once libpq has freed its buffers, their pages go back to the system.
        for connection in perform(effects) {
            Task {
                await connection.close()
                MemoryTrimmer.shared.request()
            }
        }
    }

    /// The earliest deadline of anyone waiting, or nil, when no one waits, after which the watcher
    /// ends (and the next waiter starts another). Every waiter waits the same `acquireTimeout`, so one
    /// queued later never has an earlier deadline than the one the watcher sleeps towards.
    private func nextDeadline() -> ContinuousClock.Instant? {
        state.withLock { state in
            let earliest = state.waiters.values.lazy.map(\.deadline).min()
            if earliest == nil { state.watching = false }
            return earliest
        }
    }

    /// Fails every waiter whose deadline has passed.
    private func failOverdueWaiters() {
        let now = ContinuousClock.now
        let effects = state.withLock { state -> [Effect] in
            let overdue = state.waiters.filter { $0.value.deadline <= now }.map(\.key)
            var effects: [Effect] = []
            for waiterID in overdue {
                guard state.machine.waiterTimedOut(waiterID), let waiter = state.waiters.removeValue(forKey: waiterID) else { continue }
                effects.append(.fail(waiter.claim, timeoutError(lastConnectError: state.lastConnectError)))
            }
            return effects
        }
        _ = perform(effects)
    }

    private func timeoutError(lastConnectError: PostgresError?) -> PostgresError {
        let waited = configuration.acquireTimeout
        if let lastConnectError {
            return PostgresError(kind: .connectionUnavailable,
                                 message: "no database connection within \(waited): \(lastConnectError.message)")
        }
        return PostgresError(kind: .poolTimeout,
                             message: "no database connection became free within \(waited) (pool size \(configuration.poolSize))")
    }

    private static let shutDownError = PostgresError(kind: .poolShutDown, message: "the connection pool is shut down")

    // MARK: Carrying out the machine's actions

    private func openConnection(_ id: Machine.ConnectionID) async {
        let effects: [Effect]
        do {
            let connection = try await PostgresConnection.connect(configuration, poolSlot: id.rawValue)
            effects = state.withLock { state in
                state.connections[id] = connection
                state.lastConnectError = nil
                return Self.translate(state.machine.connected(id), in: &state)
            }
        } catch {
            effects = state.withLock { state in
                state.lastConnectError = error as? PostgresError ?? PostgresError.connectionUnavailable("\(error)")
                return Self.translate(state.machine.connectFailed(id), in: &state)
            }
        }
        _ = perform(effects)
    }

    private func backoffElapsed(_ id: Machine.ConnectionID) {
        let effects = state.withLock { state in Self.translate(state.machine.backoffElapsed(id), in: &state) }
        _ = perform(effects)
    }

    /// Turns machine actions into effects, resolving ids to continuations and connections.
    private static func translate(_ actions: [Machine.Action], in state: inout State) -> [Effect] {
        var effects: [Effect] = []
        for action in actions {
            switch action {
            case .lease(let id, let waiterID):
                guard let waiter = state.waiters.removeValue(forKey: waiterID), let connection = state.connections[id] else {
                    preconditionFailure("lease of \(id) to \(waiterID) without both")
                }
                effects.append(.grant(waiter.claim, connection))
            case .connect(let id):
                effects.append(.connect(id))
            case .connectAfter(let id, let delay):
                effects.append(.connectAfter(id, delay))
            case .close(let id):
                if let connection = state.connections.removeValue(forKey: id) { effects.append(.close(connection)) }
            case .fail(let waiterID, .shutDown):
                if let waiter = state.waiters.removeValue(forKey: waiterID) {
                    effects.append(.fail(waiter.claim, shutDownError))
                }
            }
        }
        return effects
    }

    /// Carries out effects outside the lock; returns the connections to close (the caller may
    /// await them, as `shutdown` does; others close in the background).
    private func perform(_ effects: [Effect]) -> [PostgresConnection] {
        var closing: [PostgresConnection] = []
        for effect in effects {
            switch effect {
            case .grant(.connection(let continuation), let connection):
                continuation.resume(returning: connection)
            case .grant(.statement(let statement, let continuation), let connection):
                let submitted = connection.submitPooledStatement(statement) { [self] result, reusable in
                    // On the connection's thread: hand the connection on first, so the next
                    // statement is queued behind this one before its caller even resumes.
                    self.released(connection, reusable: reusable)
                    continuation.resume(with: result)
                }
                if !submitted {
                    released(connection, reusable: false)
                    continuation.resume(throwing: PostgresError.connectionLost("the connection closed before the statement was sent"))
                }
            case .fail(let claim, let error):
                claim.fail(error)
            case .watchDeadlines:
                Task { [weak self] in
                    while let deadline = self?.nextDeadline() {
                        try? await Task.sleep(until: deadline, clock: .continuous)
                        self?.failOverdueWaiters()
                    }
                }
            case .connect(let id):
                Task { await self.openConnection(id) }
            case .connectAfter(let id, let delay):
                Task { [weak self] in
                    try? await Task.sleep(for: delay)
                    self?.backoffElapsed(id)
                }
            case .close(let connection):
                closing.append(connection)
            }
        }
        return closing
    }
}

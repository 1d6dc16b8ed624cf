/// The pool's decisions, as a pure value with no I/O, clocks or tasks (after postgres-nio's
/// `PoolStateMachine`), so every rule is unit-tested without sockets. `PostgresPool` feeds it events
/// (an acquisition, a release, a connect result, a timer) and carries out the actions it returns.
///
/// Rules:
/// - Connections open lazily, when a waiter has no idle connection and fewer than
///   `maximumConnections` exist; at most one connect is started per unserved waiter.
/// - Waiters are served first come, first served. An idle connection is reused most recently
///   used first (keeps a warm working set; the rest can be dropped by the server's idle timeout).
/// - A failed connect is retried after a back-off that doubles per consecutive failure up to a cap.
///   During an outage only one connection probes the server; the others wait for it to succeed.
///   A probe whose back-off elapses with nobody waiting is dropped: the next acquisition starts afresh.
/// - A connection returned broken is discarded and, if someone waits, replaced.
/// - Waiters time out (or are cancelled) by an external timer reporting it; the machine only
///   removes them. After `shutdown`, everything fails or closes and nothing new opens.
struct PoolStateMachine: Sendable {
    struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
        let rawValue: Int
        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
        var description: String { "c\(rawValue)" }
    }

    struct WaiterID: Hashable, Sendable, CustomStringConvertible {
        let rawValue: Int
        var description: String { "w\(rawValue)" }
    }

    enum ConnectionState: Hashable, Sendable {
        case connecting, backingOff, idle, leased
    }

    enum Failure: Hashable, Sendable {
        case shutDown
    }

    enum Action: Hashable, Sendable {
        /// Hand the connection to the waiter.
        case lease(ConnectionID, to: WaiterID)
        /// Open a connection for this slot now.
        case connect(ConnectionID)
        /// Wait, then report `backoffElapsed`.
        case connectAfter(ConnectionID, Duration)
        /// Close (and forget) the connection.
        case close(ConnectionID)
        /// Fail the waiter.
        case fail(WaiterID, Failure)
    }

    enum AcquireResult: Hashable, Sendable {
        case leased(ConnectionID)
        case queued([Action])
        case rejected(Failure)
    }

    struct Statistics: Hashable, Sendable {
        var open = 0, inUse = 0, idle = 0, connecting = 0, waiting = 0
    }

    struct Backoff: Hashable, Sendable {
        var initial: Duration = .milliseconds(50)
        var maximum: Duration = .seconds(2)

        /// `initial * 2^(failures-1)`, capped at `maximum`.
        func delay(afterFailures failures: Int) -> Duration {
            var delay = initial
            for _ in 1..<max(1, failures) where delay < maximum { delay *= 2 }
            return min(delay, maximum)
        }
    }

    let maximumConnections: Int
    let backoff: Backoff
    private(set) var connections: [ConnectionID: ConnectionState] = [:]
    private var idle: [ConnectionID] = []
    private(set) var waiters: [WaiterID] = []
    private(set) var consecutiveConnectFailures = 0
    private(set) var isShutDown = false
    private var nextConnectionID = 0

    init(maximumConnections: Int, backoff: Backoff = Backoff()) {
        precondition(maximumConnections > 0)
        self.maximumConnections = maximumConnections
        self.backoff = backoff
    }

    var statistics: Statistics {
        var s = Statistics(waiting: waiters.count)
        for state in connections.values {
            switch state {
            case .idle: s.idle += 1; s.open += 1
            case .leased: s.inUse += 1; s.open += 1
            case .connecting, .backingOff: s.connecting += 1
            }
        }
        return s
    }

    mutating func acquire(_ waiter: WaiterID) -> AcquireResult {
        if isShutDown { return .rejected(.shutDown) }
        if let id = idle.popLast() {
            connections[id] = .leased
            return .leased(id)
        }
        waiters.append(waiter)
        return .queued(startConnectionsIfNeeded())
    }

    mutating func release(_ id: ConnectionID, reusable: Bool) -> [Action] {
        guard connections[id] == .leased else { return [] }
        if isShutDown || !reusable {
            connections[id] = nil
            return [.close(id)] + (isShutDown ? [] : startConnectionsIfNeeded())
        }
        return handOver(id)
    }

    /// Closes `id` if it is idle (a connection the pool retires); nothing when it is lent or gone.
    mutating func retire(_ id: ConnectionID) -> [Action] {
        guard connections[id] == .idle else { return [] }
        connections[id] = nil
        idle.removeAll { $0 == id }
        return [.close(id)]
    }

    mutating func connected(_ id: ConnectionID) -> [Action] {
        guard connections[id] == .connecting else { return [.close(id)] }
        consecutiveConnectFailures = 0
        if isShutDown {
            connections[id] = nil
            return [.close(id)]
        }
        return handOver(id) + startConnectionsIfNeeded()
    }

    mutating func connectFailed(_ id: ConnectionID) -> [Action] {
        guard connections[id] == .connecting else { return [] }
        consecutiveConnectFailures += 1
        let anotherIsTrying = connections.contains { $0.key != id && ($0.value == .connecting || $0.value == .backingOff) }
        if isShutDown || anotherIsTrying {
            connections[id] = nil
            return []
        }
        connections[id] = .backingOff
        return [.connectAfter(id, backoff.delay(afterFailures: consecutiveConnectFailures))]
    }

    mutating func backoffElapsed(_ id: ConnectionID) -> [Action] {
        guard connections[id] == .backingOff else { return [] }
        if isShutDown || waiters.isEmpty {
            connections[id] = nil
            return []
        }
        connections[id] = .connecting
        return [.connect(id)]
    }

    /// True when the waiter was still waiting (the caller then fails it); false when it was
    /// already served, which wins the race.
    mutating func waiterTimedOut(_ waiter: WaiterID) -> Bool {
        guard let index = waiters.firstIndex(of: waiter) else { return false }
        waiters.remove(at: index)
        return true
    }

    mutating func waiterCancelled(_ waiter: WaiterID) -> Bool {
        waiterTimedOut(waiter)
    }

    mutating func shutdown() -> [Action] {
        guard !isShutDown else { return [] }
        isShutDown = true
        var actions = waiters.map { Action.fail($0, .shutDown) }
        waiters.removeAll()
        for id in idle.sorted() { actions.append(.close(id)) }
        for id in idle { connections[id] = nil }
        idle.removeAll()
        for (id, state) in connections where state == .backingOff { connections[id] = nil }
        // Leased connections close on release, connecting ones when they connect.
        return actions
    }

    private mutating func handOver(_ id: ConnectionID) -> [Action] {
        if waiters.isEmpty {
            connections[id] = .idle
            idle.append(id)
            return []
        }
        connections[id] = .leased
        return [.lease(id, to: waiters.removeFirst())]
    }

    private mutating func startConnectionsIfNeeded() -> [Action] {
        // While a probe backs off, the server is failing: let the probe go first.
        if connections.values.contains(.backingOff) { return [] }
        var pending = connections.values.filter { $0 == .connecting }.count
        var actions: [Action] = []
        while waiters.count > pending && connections.count < maximumConnections {
            let id = ConnectionID(rawValue: nextConnectionID)
            nextConnectionID += 1
            connections[id] = .connecting
            actions.append(.connect(id))
            pending += 1
        }
        return actions
    }
}

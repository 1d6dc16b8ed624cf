import CSystem
import Glibc
import Synchronization

/// The event-loop HTTP/1.1 server (DESIGN.md 2.1): `eventLoops` threads, each with its own epoll
/// instance and `SO_REUSEPORT` listener; complete requests run as tasks and their responses come back
/// to the owning loop.
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    let router: Router
    let logger: Logger

    private struct State {
        var loops: [EventLoop] = []
        var threads: [pthread_t] = []
        var port: Int?
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var joined = false
    }
    private let state = Mutex(State())

    public init(configuration: ServerConfiguration = ServerConfiguration(), router: Router, logger: Logger,
                metrics: ServerMetrics? = nil) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.metrics = metrics ?? ServerMetrics(shards: configuration.eventLoops)
    }

    /// The port bound by `start()`.
    public var port: Int? { state.withLock { $0.port } }

    /// Binds the listeners and starts the loops; returns the bound port.
    @discardableResult
    public func start() throws(SystemError) -> Int {
        let config = configuration
        let count = max(1, config.eventLoops)
        var loops: [EventLoop] = []
        var port = config.port
        do {
            for index in 0..<count {
                // With port 0 the first listener picks the port and the others join it.
                let listener = try Socket.listen(host: config.host, port: port, reusePort: true)
                port = listener.port
                loops.append(try EventLoop(index: index, listenFD: listener.fd, server: self))
            }
        } catch {
            for loop in loops { loop.closeDescriptors() }
            throw error
        }
        var threads: [pthread_t] = []
        state.withLock { $0.loops = loops; $0.port = port; $0.running = loops.count }
        for loop in loops {
            let thread = try startThread(name: "cme-http-\(loop.index)") { [self] in
                loop.run()
                self.loopExited()
            }
            threads.append(thread)
        }
        state.withLock { $0.threads = threads }
        logger.info("listening", ["host": .string(config.host), "port": .int(port), "event_loops": .int(count)])
        return port
    }

    /// Stops accepting, lets in-flight requests finish within the grace period, closes idle
    /// connections. Returns at once; `waitUntilStopped()` or `stop()` waits for the end.
    public func beginShutdown() {
        for loop in state.withLock({ $0.loops }) { loop.requestShutdown() }
    }

    /// Blocks the calling OS thread until every loop has exited. Not for the cooperative pool.
    public func waitUntilStopped() {
        let threads: [pthread_t] = state.withLock { s in
            if s.joined { return [] }
            s.joined = true
            return s.threads
        }
        for t in threads { pthread_join(t, nil) }
    }

    /// Graceful shutdown, awaited.
    public func stop() async {
        beginShutdown()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.running == 0 { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    private func loopExited() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.running -= 1
            guard s.running == 0 else { return [] }
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in waiters { w.resume() }
    }
}

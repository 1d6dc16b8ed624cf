import CSystem
import Dispatch
import Glibc
import Synchronization
import Runtime

/// The event-loop HTTP/1.1 server (docs/http-server.md): `eventLoops` threads, each with its own epoll
/// instance and `SO_REUSEPORT` listener; complete requests run as tasks and their responses come back
/// to the owning loop.
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    public let metrics: ServerMetrics
    let router: Router
    let logger: Logger

    private struct State {
        var loops: [EventLoop] = []
        var port: Int?
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var blockedWaiters: [DispatchSemaphore] = []
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
        state.withLock { $0.loops = loops; $0.port = port; $0.running = loops.count }
        for (started, loop) in loops.enumerated() {
            do {
                try startThread(name: "cme-http-\(loop.index)") { [self] in
                    loop.run()
                    self.loopExited()
                }
            } catch {
                // The loops already running stop; the rest never ran and only need their descriptors closed.
                for running in loops[..<started] { running.requestShutdown() }
                for unstarted in loops[started...] {
                    unstarted.closeDescriptors()
                    loopExited()
                }
                throw error
            }
        }
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
        let semaphore = DispatchSemaphore(value: 0)
        let done = state.withLock { s -> Bool in
            if s.running == 0 { return true }
            s.blockedWaiters.append(semaphore)
            return false
        }
        if !done { semaphore.wait() }
    }

    /// Suspends until every loop has exited (without starting a shutdown).
    public func stopped() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.running == 0 { return true }
                s.waiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    /// Graceful shutdown, awaited.
    public func stop() async {
        beginShutdown()
        await stopped()
    }

    private func loopExited() {
        let (waiters, blocked) = state.withLock { s -> ([CheckedContinuation<Void, Never>], [DispatchSemaphore]) in
            s.running -= 1
            guard s.running == 0 else { return ([], []) }
            defer { s.waiters = []; s.blockedWaiters = [] }
            return (s.waiters, s.blockedWaiters)
        }
        for w in waiters { w.resume() }
        for b in blocked { b.signal() }
    }
}

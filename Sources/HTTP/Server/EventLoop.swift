import CSystem
import Glibc
import Synchronization
import Runtime

/// One event-loop thread: an epoll instance watching its listener, its connections, an eventfd that
/// other threads write to when a response is ready, and a timerfd ticking while deadlines exist.
///
/// Lock discipline: every stored property except `inbox` is read and written only on the loop's own
/// thread (inside `run()`); `inbox` is guarded by its `Mutex` and is how other threads reach the loop.
final class EventLoop: @unchecked Sendable {
    let index: Int
    unowned let server: HTTPServer
    let config: ServerConfiguration
    let router: Router
    let logger: Logger
    let metrics: ServerMetrics

    private let epfd: Int32
    private let wakeFD: Int32
    private let timerFD: Int32
    private var listenFD: Int32
    private var listenerPaused = false

    private var connections: [Connection?] = []
    private var connectionCount = 0
    /// Connections that can be closed without losing anything, longest idle first (for the cap).
    private var idle = IdleConnections()
    private var nextGeneration: UInt32 = 1
    private var timerArmed = false
    private var shuttingDown = false
    private var shutdownDeadline: UInt64 = 0
    private var exitRequested = false

    private let readScratch: UnsafeMutableRawBufferPointer
    var dateCache = HTTPDateCache()
    private var requestCounter: UInt64 = 0
    private let requestIDPrefix: String

    struct Completion {
        var fd: Int32
        var generation: UInt32
        var response: Response
    }

    private struct Inbox {
        var completions: [Completion] = []
        var shutdownRequested = false
        /// Set when the loop has exited; late completions are dropped and the eventfd is not touched.
        var closed = false
    }
    private let inbox = Mutex(Inbox())

    // epoll user data: kind in the top byte, a generation in the next three, the fd in the low four,
    // so that an event for a closed fd is never delivered to a new connection that reused the number.
    private static let kindListener: UInt64 = 1 << 56
    private static let kindWake: UInt64 = 2 << 56
    private static let kindTimer: UInt64 = 3 << 56

    static let IN: UInt32 = 0x001, OUT: UInt32 = 0x004, ERR: UInt32 = 0x008, HUP: UInt32 = 0x010, RDHUP: UInt32 = 0x2000

    private static let tick: UInt64 = 250_000_000

    init(index: Int, listenFD: Int32, server: HTTPServer) throws(SystemError) {
        self.index = index
        self.server = server
        self.config = server.configuration
        self.router = server.router
        self.logger = server.logger
        self.metrics = server.metrics
        self.listenFD = listenFD
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { close(listenFD); throw SystemError("epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        timerFD = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        readScratch = .allocate(byteCount: 64 * 1024, alignment: 16)
        var random: UInt32 = 0
        withUnsafeMutableBytes(of: &random) { _ = getrandom($0.baseAddress, 4, 0) }
        requestIDPrefix = String(random, radix: 16) + "-" + String(index) + "-"
        guard wakeFD >= 0, timerFD >= 0 else { closeDescriptors(); throw SystemError("eventfd/timerfd") }
        guard register(listenFD, token: EventLoop.kindListener | UInt64(UInt32(bitPattern: listenFD)), events: EventLoop.IN),
              register(wakeFD, token: EventLoop.kindWake, events: EventLoop.IN),
              register(timerFD, token: EventLoop.kindTimer, events: EventLoop.IN) else {
            let error = SystemError("epoll_ctl")
            closeDescriptors()
            throw error
        }
    }

    deinit { readScratch.deallocate() }

    func closeDescriptors() {
        // Nothing may signal the eventfd once it is closed (its number could belong to someone else by then).
        inbox.withLock { $0.closed = true }
        if listenFD >= 0 { close(listenFD); listenFD = -1 }
        if wakeFD >= 0 { close(wakeFD) }
        if timerFD >= 0 { close(timerFD) }
        if epfd >= 0 { close(epfd) }
    }

    // MARK: - Cross-thread entry points

    /// Called from a handler task: hands the response to this loop.
    /// The eventfd is written while the inbox lock is held: the loop marks the inbox closed under the
    /// same lock before closing the eventfd, so a late write can never land on a reused descriptor.
    func complete(fd: Int32, generation: UInt32, response: Response) {
        inbox.withLock { box in
            guard !box.closed else { return }
            box.completions.append(Completion(fd: fd, generation: generation, response: response))
            if box.completions.count == 1 { signal() }
        }
    }

    func requestShutdown() {
        inbox.withLock { box in
            guard !box.closed else { return }
            box.shutdownRequested = true
            signal()
        }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    // MARK: - The loop

    func run() {
        let capacity: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(capacity))
        defer { events.deallocate() }
        while !exitRequested {
            let n = epoll_wait(epfd, events, capacity, -1)
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("epoll_wait failed; event loop stopping", ["loop": .int(index), "errno": .int(Int(errno))])
                break
            }
            for i in 0..<Int(n) {
                let token = events[i].data.u64
                let flags = events[i].events
                switch token & (0xFF << 56) {
                case EventLoop.kindListener: acceptConnections()
                case EventLoop.kindWake: drainInbox()
                case EventLoop.kindTimer: onTick()
                default: connectionEvent(token: token, flags: flags)
                }
            }
        }
        // Exit: refuse late completions, close everything.
        inbox.withLock { $0.closed = true; $0.completions = [] }
        for case let c? in connections { closeConnection(c) }
        closeDescriptors()
    }

    // MARK: - epoll registration

    /// False when the kernel refuses (out of memory, or past `max_user_watches`).
    @discardableResult
    private func register(_ fd: Int32, token: UInt64, events: UInt32) -> Bool {
        var ev = epoll_event()
        ev.events = events
        ev.data.u64 = token
        return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0
    }

    private func token(for c: Connection) -> UInt64 {
        UInt64(c.generation & 0xFF_FFFF) << 32 | UInt64(UInt32(bitPattern: c.fd))
    }

    /// Watches for reading and/or writing; changes the registration only when it differs.
    func setInterest(_ c: Connection, read: Bool, write: Bool) {
        let wanted = (read ? EventLoop.IN | EventLoop.RDHUP : 0) | (write ? EventLoop.OUT : 0)
        guard wanted != c.interest else { return }
        var ev = epoll_event()
        ev.events = wanted
        ev.data.u64 = token(for: c)
        guard epoll_ctl(epfd, EPOLL_CTL_MOD, c.fd, &ev) == 0 else { return closeUnwatchable(c) }
        c.interest = wanted
    }

    /// Unwatched, a connection would hang: close it (drive stops once it is closed).
    private func closeUnwatchable(_ c: Connection) {
        logger.warning("closing a connection epoll cannot watch", ["loop": .int(index), "errno": .int(Int(errno))])
        closeConnection(c)
    }

    // MARK: - Accepting

    private func acceptConnections() {
        guard !shuttingDown else { return }
        for _ in 0..<config.acceptBudget {
            let fd = accept4(listenFD, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop watching the listener for a tick instead of spinning on it.
                    logger.warning("accept paused: out of file descriptors", ["loop": .int(index)])
                    epoll_ctl(epfd, EPOLL_CTL_DEL, listenFD, nil)
                    listenerPaused = true
                    armTimer()
                    return
                default:
                    logger.error("accept failed", ["loop": .int(index), "errno": .int(Int(errno))])
                    return
                }
            }
            let open = metrics.openConnections.add(1, ordering: .relaxed).newValue
            if open > config.maxConnections {
                if let victim = idle.longestIdle {
                    // At the cap: the longest-idle connection makes room, so a new client (a health
                    // probe, say) is never shut out by connections that are doing nothing.
                    closeConnection(victim)
                    metrics.evictedConnections.add(1, ordering: .relaxed)
                } else {
                    metrics.openConnections.subtract(1, ordering: .relaxed)
                    metrics.rejectedConnections.add(1, ordering: .relaxed)
                    close(fd)
                    continue
                }
            }
            metrics.acceptedConnections.add(1, ordering: .relaxed)
            Socket.setNoDelay(fd)
            addConnection(fd)
        }
    }

    private func addConnection(_ fd: Int32) {
        let index = Int(fd)
        if index >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: max(index + 1 - connections.count, connections.count)))
        }
        nextGeneration &+= 1
        let c = Connection(fd: fd, generation: nextGeneration & 0xFF_FFFF, limits: config.parserLimits)
        c.deadline = monotonicNanoseconds() &+ config.headTimeout.nanoseconds
        connections[index] = c
        connectionCount += 1
        c.interest = EventLoop.IN | EventLoop.RDHUP
        guard register(fd, token: token(for: c), events: c.interest) else { return closeUnwatchable(c) }
        noteIdleness(c)
        armTimer()
    }

    func closeConnection(_ c: Connection) {
        guard !c.isClosed else { return }
        c.transition(to: .closed)
        idle.remove(c)
        c.output.removeAll()
        c.discardInput()
        epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nil)
        close(c.fd)
        if Int(c.fd) < connections.count, connections[Int(c.fd)] === c { connections[Int(c.fd)] = nil }
        connectionCount -= 1
        metrics.openConnections.subtract(1, ordering: .relaxed)
        if shuttingDown && connectionCount == 0 { exitRequested = true }
    }

    /// Files a connection among the idle ones (closable at the cap without losing anything) or takes
    /// it out of them; called whenever it may have changed, at the end of every `drive`.
    func noteIdleness(_ c: Connection) {
        if !c.isClosed && (c.isIdleBetweenRequests || c.state == .closing) {
            idle.insert(c)
        } else {
            idle.remove(c)
        }
    }

    // MARK: - Events

    private func connectionEvent(token: UInt64, flags: UInt32) {
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: token))
        let generation = UInt32(truncatingIfNeeded: token >> 32) & 0xFF_FFFF
        guard Int(fd) < connections.count, let c = connections[Int(fd)], c.generation == generation else { return }
        if flags & EventLoop.ERR != 0 {
            closeConnection(c)
            return
        }
        if flags & EventLoop.OUT != 0 {
            drive(c)
            if c.isClosed { return }
        }
        if flags & (EventLoop.IN | EventLoop.RDHUP | EventLoop.HUP) != 0 {
            readAvailable(c)
        }
    }

    /// Reads what the socket has (a bounded amount per event, for fairness) and processes it.
    private func readAvailable(_ c: Connection) {
        var rounds = 0
        while !c.isClosed && rounds < 4 {
            rounds += 1
            let n = read(c.fd, readScratch.baseAddress, readScratch.count)
            if n > 0 {
                if c.state == .closing { continue }   // lingering before close: discard
                c.bodyArrival?.bytes += n
                c.appendInput(UnsafeRawBufferPointer(rebasing: readScratch[0..<n]))
                drive(c)
                if !c.state.readsRequest { return }   // a handler runs or a response waits for the socket
            } else if n == 0 {
                c.peerClosed = true
                if c.state == .closing { closeConnection(c); return }
                drive(c)
                return
            } else {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return
                default: closeConnection(c); return
                }
            }
        }
    }

    private func drainInbox() {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { read(wakeFD, $0.baseAddress, 8) }
        let (completions, shutdown) = inbox.withLock { box -> ([Completion], Bool) in
            let c = box.completions
            box.completions.removeAll(keepingCapacity: true)
            return (c, box.shutdownRequested)
        }
        for completion in completions {
            guard Int(completion.fd) < connections.count, let c = connections[Int(completion.fd)],
                  c.generation == completion.generation, c.state == .awaitingHandler else { continue }
            respond(c, with: completion.response)
            drive(c)
        }
        if shutdown && !shuttingDown { startShutdown() }
    }

    // MARK: - Timers

    private func armTimer() {
        guard !timerArmed else { return }
        timerArmed = true
        var spec = itimerspec()
        spec.it_value.tv_nsec = Int(EventLoop.tick)
        spec.it_interval.tv_nsec = Int(EventLoop.tick)
        timerfd_settime(timerFD, 0, &spec, nil)
    }

    private func disarmTimer() {
        guard timerArmed else { return }
        timerArmed = false
        var spec = itimerspec()
        timerfd_settime(timerFD, 0, &spec, nil)
    }

    /// Every tick: expire connections past their deadline, resume a paused listener, end a shutdown.
    private func onTick() {
        var expirations: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &expirations) { read(timerFD, $0.baseAddress, 8) }
        let now = monotonicNanoseconds()
        if listenerPaused && !shuttingDown {
            listenerPaused = false
            register(listenFD, token: EventLoop.kindListener | UInt64(UInt32(bitPattern: listenFD)), events: EventLoop.IN)
        }
        if shuttingDown && now >= shutdownDeadline {
            logger.warning("shutdown grace period over; closing connections", ["loop": .int(index), "open": .int(connectionCount)])
            for case let c? in connections { closeConnection(c) }
            exitRequested = true
            return
        }
        let rate = config.minimumBodyRate
        for case let c? in connections {
            if c.deadline != 0 && c.deadline <= now {
                expire(c)
            } else if let rate, c.state.receivesBody, let body = c.bodyArrival,
                      rate.isTooSlow(bytes: body.bytes, elapsedNanoseconds: now &- body.start) {
                tooSlow(c)
            }
        }
        if connectionCount == 0 && !listenerPaused && !shuttingDown { disarmTimer() }
    }

    // MARK: - Shutdown

    private func startShutdown() {
        shuttingDown = true
        shutdownDeadline = monotonicNanoseconds() &+ config.shutdownGracePeriod.nanoseconds
        if listenFD >= 0 {
            epoll_ctl(epfd, EPOLL_CTL_DEL, listenFD, nil)
            close(listenFD)
            listenFD = -1
        }
        for case let c? in connections where c.isIdleBetweenRequests {
            closeConnection(c)
        }
        if connectionCount == 0 { exitRequested = true } else { armTimer() }
    }

    var isShuttingDown: Bool { shuttingDown }

    // MARK: - Request ids

    func nextRequestID() -> String {
        requestCounter &+= 1
        return requestIDPrefix + String(requestCounter, radix: 16)
    }
}

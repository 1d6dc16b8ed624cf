import Glibc
import Runtime

/// Everything the server can be told, with the defaults of docs/http-server.md.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests); `HTTPServer.start()` returns the one bound.
    public var port: Int = 8080
    public var eventLoops: Int = ServerConfiguration.coreCount
    /// Most open connections. At the cap a new connection is admitted by closing this loop's
    /// longest-idle connection (one waiting for its next request, or lingering after its last); only
    /// when the loop has none is the new connection closed at once.
    public var maxConnections: Int = 10_000
    /// Time allowed for a whole request head, from its first byte (or from accepting the connection).
    public var headTimeout: Duration = .seconds(10)
    /// Longest pause while a body is being received, or while a response waits for the client to read.
    public var bodyIdleTimeout: Duration = .seconds(30)
    /// Slowest a body may arrive, averaged from its first byte once the grace period is over; slower is
    /// answered 408 and closed (so a drip of bytes cannot hold a connection by resetting the idle
    /// timer). nil turns the check off.
    public var minimumBodyRate: BodyRate? = BodyRate()
    /// A request answered from its head alone (404, 405, 501) keeps its connection only when at most
    /// this much of its body is still to come; the server then reads and drops it. A larger or
    /// chunked remainder is not worth reading: the answer says `Connection: close` instead.
    public var maxDiscardedBodyBytes: Int = 64 * 1024
    /// Longest idle time between requests on a kept-alive connection.
    public var keepAliveTimeout: Duration = .seconds(60)
    /// How long in-flight requests may run after a shutdown is asked for.
    public var shutdownGracePeriod: Duration = .seconds(30)
    /// How long a closing connection keeps draining what the client still sends, so that our last
    /// response is not destroyed by a TCP reset (RFC 9112 9.6).
    public var lingerTimeout: Duration = .seconds(2)
    public var parserLimits = HTTPParserLimits()
    /// New connections accepted per wake-up of a loop, so that accepting never starves serving.
    public var acceptBudget: Int = 64

    public init() {}

    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// A minimum data rate with a grace period (the figures are Kestrel's `MinRequestBodyDataRate` defaults).
public struct BodyRate: Sendable, Equatable {
    public var bytesPerSecond: Int
    public var grace: Duration

    public init(bytesPerSecond: Int = 240, grace: Duration = .seconds(5)) {
        self.bytesPerSecond = bytesPerSecond
        self.grace = grace
    }

    /// Whether `bytes` received over `elapsed` nanoseconds since the body began is too slow.
    /// Never during the grace period.
    public func isTooSlow(bytes: Int, elapsedNanoseconds elapsed: UInt64) -> Bool {
        guard elapsed > grace.nanoseconds else { return false }
        // bytes / seconds < rate, in integers: bytes * 1e9 < rate * elapsed (no overflow below ~290 years at 64 KiB/s).
        return UInt64(max(0, bytes)).multipliedFullWidth(by: 1_000_000_000) < UInt64(max(0, bytesPerSecond)).multipliedFullWidth(by: elapsed)
    }
}

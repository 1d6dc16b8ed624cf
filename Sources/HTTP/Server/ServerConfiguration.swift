import Glibc

/// Everything the server can be told, with the defaults of DESIGN.md 2.1.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests); `HTTPServer.start()` returns the one bound.
    public var port: Int = 8080
    public var eventLoops: Int = ServerConfiguration.coreCount
    /// Connections beyond this are closed as soon as they are accepted.
    public var maxConnections: Int = 10_000
    /// Time allowed for a whole request head, from its first byte (or from accepting the connection).
    public var headTimeout: Duration = .seconds(10)
    /// Longest pause while a body is being received, or while a response waits for the client to read.
    public var bodyIdleTimeout: Duration = .seconds(30)
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

extension Duration {
    var nanoseconds: UInt64 {
        let c = components
        return UInt64(max(0, c.seconds)) &* 1_000_000_000 &+ UInt64(max(0, c.attoseconds / 1_000_000_000))
    }
}

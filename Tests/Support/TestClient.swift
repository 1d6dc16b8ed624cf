import Glibc
import HTTP
import Runtime

/// Runs blocking work on its own OS thread, so that tests waiting on sockets never occupy the
/// cooperative pool the server's handlers need.
public func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
        do {
            try startThread(name: "test-client") { c.resume(returning: body()) }
        } catch {
            fatalError("the test client needs a thread: \(error)")   // never a silent hang
        }
    }
}

/// A response as read off the wire by the test client.
public struct WireResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking TCP client with a receive timeout, speaking raw bytes.
public final class TestClient: @unchecked Sendable {
    // Used by one thread at a time (each test drives its client from one place).
    public let fd: Int32
    private var buffer: [UInt8] = []

    public init?(port: Int, timeoutSeconds: Int = 5) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if !ok { close(fd); return nil }
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into the buffer; false on EOF, error or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response; `isHead` for responses to HEAD (no body whatever Content-Length says).
    public func readResponse(isHead: Bool = false) -> WireResponse? {
        while true {
            if let end = findHeadEnd() {
                let headText = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
                let statusLine = lines.removeFirst()
                let parts = statusLine.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
                var headers = HTTPHeaders()
                for line in lines where !line.isEmpty {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingHTTPWhitespace())
                }
                let length = (isHead || status == 204 || status == 304 || status / 100 == 1) ? 0 : Int(headers["Content-Length"] ?? "0") ?? 0
                let total = end + 4 + length
                while buffer.count < total { if !fill() { return nil } }
                let body = Array(buffer[(end + 4)..<total])
                buffer.removeFirst(total)
                return WireResponse(status: status, headers: headers, body: body)
            }
            if !fill() { return nil }
        }
    }

    /// True when the server closes the connection (EOF or reset) within the receive timeout.
    public func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    public var unreadBytes: Int { buffer.count }

    /// Whether something (bytes or the end of the stream) can be read within the time given.
    public func waitForData(milliseconds: Int32) -> Bool {
        if !buffer.isEmpty { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, milliseconds) > 0
    }

    /// Everything the server sends until it closes (or the receive timeout passes; then nil).
    public func readToEnd() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno == ECONNRESET) { break }
            if n < 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
        defer { buffer.removeAll() }
        return buffer
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}

/// Sends `raw` on a fresh connection and reads one response (on a thread of its own).
public func exchangeOnce(port: Int, _ raw: String = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n") async -> WireResponse? {
    await onThread { () -> WireResponse? in
        guard let c = TestClient(port: port) else { return nil }
        c.send(raw)
        return c.readResponse()
    }
}

/// Lets a test open many sockets (the server and its clients share this process's descriptor limit).
public func raiseDescriptorLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// A server on a free port with a few test routes.
public func startTestServer(_ adjust: (inout ServerConfiguration) -> Void = { _ in }, routes: (inout Router) -> Void = { _ in }) throws -> HTTPServer {
    var config = ServerConfiguration()
    config.port = 0
    config.eventLoops = 2
    adjust(&config)
    var router = Router()
    router.get("/hello") { _ in .text("hello") }
    router.get("/echo/{value}") { req in .text(req.pathParameters["value"] ?? "") }
    router.post("/echo") { req in Response(status: 200, headers: ["Content-Type": "application/octet-stream"], body: req.body) }
    router.post("/small", bodyLimit: 10) { req in .text("\(req.body.count)") }
    router.get("/slow") { _ in
        try? await Task.sleep(for: .milliseconds(800))
        return .text("slow done")
    }
    router.get("/request-id") { req in .text(req.requestID) }
    routes(&router)
    let server = HTTPServer(configuration: config, router: router, logger: Logger(level: .error, output: .discard))
    try server.start()
    return server
}

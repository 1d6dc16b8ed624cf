import CSystem
import Glibc

/// One client connection's state. Owned by one event loop and touched only on its thread.
final class Connection {
    let fd: Int32
    let generation: UInt32
    var parser: RequestParser
    var interest: UInt32 = 0
    var closed = false

    /// Received bytes not yet given to the parser (a pipelined request waiting behind the current one).
    private var input: [UInt8] = []
    private var inputStart = 0
    /// Serialised responses not yet written.
    var output: [UInt8] = []
    var outputStart = 0

    /// A request is being handled; nothing more is parsed or read until its response is queued.
    var inFlight = false
    /// The parser returned `.head` and must be called again even if no new bytes arrive.
    var parseAgain = false
    /// Close once `output` is written (the response said `Connection: close`).
    var closeAfterWrite = false
    /// Half-closed by us, draining the client's remaining bytes before the final close.
    var lingering = false
    /// The client closed its sending side.
    var peerClosed = false
    /// Monotonic nanoseconds at which the current wait times out; 0 for none.
    var deadline: UInt64 = 0
    var lastPhase: RequestParser.Phase = .idle

    // The request being handled, from its head.
    var match: RouteMatch = .notFound
    var methodKnown = true
    var requestStart: UInt64 = 0
    var requestMethod = ""
    var requestRoute = ""
    var requestID = ""
    var requestIsHead = false
    var requestKeepAlive = true
    var requestVersion = HTTPVersion.http1_1

    init(fd: Int32, generation: UInt32, limits: HTTPParserLimits) {
        self.fd = fd
        self.generation = generation
        self.parser = RequestParser(limits: limits)
    }

    var hasOutput: Bool { outputStart < output.count }
    var pendingIsEmpty: Bool { inputStart >= input.count }
    var pendingCount: Int { input.count - inputStart }
    /// While a request is handled, input that follows it (pipelined requests, or the end of the
    /// stream) is still read, up to this much; beyond it, reading pauses until the response is out.
    static let inFlightInputLimit = 64 * 1024
    var isIdle: Bool { !inFlight && !hasOutput && pendingIsEmpty && parser.phase == .idle }

    func appendInput(_ bytes: UnsafeRawBufferPointer) {
        if inputStart > 0 && inputStart == input.count {
            input.removeAll(keepingCapacity: true)
            inputStart = 0
        } else if inputStart > 0 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
        input.append(contentsOf: bytes)
    }

    func discardInput() {
        input.removeAll(keepingCapacity: true)
        inputStart = 0
        parseAgain = false
    }

    /// Runs the parser over the pending input; returns the next event, consuming what it used.
    func parseNext() -> Result<RequestParser.Event, HTTPParseError> {
        let start = inputStart
        let result: Result<(consumed: Int, event: RequestParser.Event), HTTPParseError> = input.withUnsafeBytes { all in
            let slice = UnsafeRawBufferPointer(rebasing: all[start...])
            do throws(HTTPParseError) {
                return .success(try parser.parse(slice))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let (consumed, event)):
            inputStart += consumed
            if inputStart >= input.count {
                input.removeAll(keepingCapacity: input.capacity <= 64 * 1024)
                inputStart = 0
            }
            return .success(event)
        case .failure(let e):
            return .failure(e)
        }
    }

}

extension EventLoop {
    /// Methods routed to 404/405; any other token (CONNECT included: we tunnel nothing) is 501 (RFC 9110 9.1).
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]
    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Moves a connection as far forward as it can go without waiting: write what is queued, parse
    /// what was received, start the next request. Iterative, so a burst of pipelined requests answered
    /// without a handler (404s, say) never deepens the stack.
    func drive(_ c: Connection) {
        while !c.closed {
            if c.hasOutput {
                guard flush(c) else { return }   // the socket is full: wait for EPOLLOUT
                if c.closeAfterWrite {
                    lingeringClose(c)
                    return
                }
                if !c.inFlight && c.parser.phase == .idle {
                    // A response went out: the connection is now idle between requests.
                    c.deadline = monotonicNanoseconds() &+ config.keepAliveTimeout.nanoseconds
                    c.lastPhase = .idle
                }
            }
            if c.inFlight {
                // Keep reading (usually no epoll change at all): the next request may already be on
                // its way, and a client that goes away is noticed, so its response says `close`.
                setInterest(c, read: !c.peerClosed && c.pendingCount < Connection.inFlightInputLimit, write: false)
                return
            }
            if isShuttingDown && c.isIdle {
                closeConnection(c)
                return
            }
            if c.pendingIsEmpty && !c.parseAgain {
                if c.peerClosed {
                    // Nothing more can arrive: a partial request is abandoned, an idle connection is done.
                    closeConnection(c)
                    return
                }
                setInterest(c, read: true, write: false)
                updateReadDeadline(c)
                return
            }
            c.parseAgain = false
            switch c.parseNext() {
            case .failure(let error):
                c.discardInput()
                respondDirectly(c, problem: Problem.forStatus(error.status, detail: error.reason),
                                route: "invalid", method: "", requestID: nextRequestID(), close: true)
            case .success(.needMoreData):
                if c.peerClosed {
                    // The client stopped sending in the middle of a request: nothing to answer.
                    closeConnection(c)
                    return
                }
                setInterest(c, read: true, write: false)
                updateReadDeadline(c)
                return
            case .success(.head(let head)):
                onHead(c, head)
                c.parseAgain = true   // the parser continues with the body (or ends a bodiless message) on the next call
            case .success(.message(let message)):
                dispatch(c, message)
            }
        }
    }

    /// Picks the timeout for the phase the parser is in (DESIGN.md 2.1).
    private func updateReadDeadline(_ c: Connection) {
        let phase = c.parser.phase
        let now = monotonicNanoseconds()
        switch phase {
        case .idle:
            if c.deadline == 0 { c.deadline = now &+ config.keepAliveTimeout.nanoseconds }
        case .head:
            // The head timeout runs from the first byte of the head; more bytes do not extend it.
            if c.lastPhase != .head { c.deadline = now &+ config.headTimeout.nanoseconds }
        case .body:
            c.deadline = now &+ config.bodyIdleTimeout.nanoseconds
        }
        c.lastPhase = phase
    }

    private func onHead(_ c: Connection, _ head: RequestHead) {
        c.requestStart = monotonicNanoseconds()
        c.requestMethod = head.method
        c.requestIsHead = head.method == "HEAD"
        c.requestVersion = head.version
        c.methodKnown = EventLoop.knownMethods.contains(head.method)
        if c.methodKnown, let pathAndQuery = head.pathAndQuery {
            c.match = router.match(method: head.method, path: RequestTarget.split(pathAndQuery).path)
        } else {
            c.match = .notFound
        }
        if case .found(let route, _) = c.match {
            if let limit = route.bodyLimit { c.parser.bodyLimit = limit }
        } else {
            // Answered from the head (404/405/501): the body is still framed and read, but dropped.
            c.parser.discardsBody = true
        }
        // 100 Continue only when the client is actually waiting for it (RFC 9110 10.1.1): a body is
        // announced, none of it has arrived, and it is within the limit (else the 413 comes instead).
        var routed = false
        if case .found = c.match { routed = true }
        // A request that will get 404/405/501 is answered without inviting the upload; its body, if the
        // client sends it anyway, is read and dropped.
        if head.expectsContinue && c.pendingIsEmpty && routed {
            var wantsBody = false
            switch head.framing {
            case .none: wantsBody = false
            case .length(let n): wantsBody = n > 0 && n <= c.parser.bodyLimit
            case .chunked: wantsBody = true
            }
            if wantsBody { c.output.append(contentsOf: EventLoop.continueLine) }
        }
    }

    private func dispatch(_ c: Connection, _ message: ParsedRequest) {
        let head = message.head
        c.inFlight = true
        c.deadline = 0
        c.lastPhase = .idle
        c.requestKeepAlive = head.keepAlive
        c.requestID = EventLoop.acceptableRequestID(head.headers["X-Request-ID"]) ?? nextRequestID()
        if c.requestStart == 0 { c.requestStart = monotonicNanoseconds() }

        guard c.methodKnown else {
            c.requestRoute = "unmatched"
            finishRequest(c, response: Problem.forStatus(501, detail: "The method is not implemented by this server.",
                                                          instance: c.requestID).response())
            return
        }
        switch c.match {
        case .found(let route, let parameters):
            c.requestRoute = route.pattern
            let (path, query) = RequestTarget.split(head.pathAndQuery ?? Substring(head.target))
            let request = Request(method: head.method, target: head.target, path: String(path),
                                  query: RequestTarget.parseQuery(query), version: head.version, headers: head.headers,
                                  body: message.body, trailers: message.trailers, pathParameters: parameters,
                                  route: route.pattern, requestID: c.requestID)
            let handler = route.handler
            let fd = c.fd, generation = c.generation
            Task { [self] in
                let response = await handler(request)
                self.complete(fd: fd, generation: generation, response: response)
            }
        case .methodNotAllowed(let allow):
            c.requestRoute = "unmatched"
            let allowValue = (allow.contains("OPTIONS") ? allow : allow + ["OPTIONS"]).joined(separator: ", ")
            if head.method == "OPTIONS" {
                finishRequest(c, response: Response(status: 204, headers: ["Allow": allowValue]))
            } else {
                finishRequest(c, response: Problem.forStatus(405, detail: "\(head.method) is not allowed here; see Allow.",
                                                              instance: c.requestID).response(headers: ["Allow": allowValue]))
            }
        case .notFound:
            c.requestRoute = "unmatched"
            if head.method == "OPTIONS" && head.target == "*" {
                finishRequest(c, response: Response(status: 204, headers: ["Allow": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"]))
            } else {
                finishRequest(c, response: Problem.forStatus(404, detail: "No resource lives at this path.",
                                                              instance: c.requestID).response())
            }
        }
    }

    /// Queues the response for the current request, records it, and moves the connection on.
    func finishRequest(_ c: Connection, response handlerResponse: Response) {
        c.inFlight = false
        var response = handlerResponse
        if !(200...599).contains(response.status) {
            // 1xx is never a final response and anything else is not HTTP: a handler bug, not the client's.
            logger.error("handler returned an invalid status", ["route": .string(c.requestRoute), "status": .int(response.status)])
            response = Problem.forStatus(500, detail: "The server failed to produce a valid response.", instance: c.requestID).response()
        }
        let close = !c.requestKeepAlive || isShuttingDown || c.peerClosed
            || response.headers.listElements(for: "Connection").contains { $0.lowercased() == "close" }
        let seconds = Double(monotonicNanoseconds() &- c.requestStart) / 1e9
        // Only known methods become labels: a client inventing method names must not grow the metrics.
        let method = EventLoop.knownMethods.contains(c.requestMethod) ? c.requestMethod : "OTHER"
        metrics.record(shard: index, route: c.requestRoute, method: method, status: response.status, seconds: seconds)
        if logger.isEnabled(.info) {
            logger.log(.info, "request", fields: [
                ("method", .string(method)), ("route", .string(c.requestRoute)), ("status", .int(response.status)),
                ("duration_ms", .double((seconds * 1e6).rounded() / 1e3)), ("request_id", .string(c.requestID)),
            ])
        }
        serialize(response, into: c, close: close)
        c.requestStart = 0
        if close { c.closeAfterWrite = true }
        // No drive(c) here: inside drive's loop the caller moves on by itself, and callers outside it
        // (completions, timeouts) call drive afterwards. Calling it here would recurse once per
        // pipelined request answered by the loop, and a burst of them would overflow the stack.
    }

    /// A response the server makes itself before or instead of a request (parse errors, timeouts).
    func respondDirectly(_ c: Connection, problem: Problem, route: String, method: String, requestID: String, close: Bool) {
        var p = problem
        p.instance = requestID
        c.requestRoute = route
        c.requestMethod = method
        c.requestID = requestID
        c.requestIsHead = false
        c.requestKeepAlive = !close
        if c.requestStart == 0 { c.requestStart = monotonicNanoseconds() }
        c.inFlight = true
        finishRequest(c, response: p.response())
    }

    private func serialize(_ response: Response, into c: Connection, close: Bool) {
        var out = c.output
        c.output = []
        if c.outputStart > 0 && c.outputStart == out.count {
            out.removeAll(keepingCapacity: true)
            c.outputStart = 0
        }
        let status = response.status
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPStatus.reasonPhrase(status))\r\n".utf8)
        var sawRequestID = false
        for field in response.headers {
            let name = field.name
            if HTTPHeaders.namesEqual(name, "Content-Length") || HTTPHeaders.namesEqual(name, "Transfer-Encoding")
                || HTTPHeaders.namesEqual(name, "Connection") || HTTPHeaders.namesEqual(name, "Date") {
                continue   // framing and connection management are the server's
            }
            // A name that is not a token, or a value with CR, LF, NUL or another control character,
            // would corrupt or split the response (header injection): drop the field (RFC 9110 5.1, 5.5).
            if name.isEmpty || !name.utf8.allSatisfy(HTTPSyntax.isTokenChar) || !field.value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte) {
                continue
            }
            if HTTPHeaders.namesEqual(name, "X-Request-ID") { sawRequestID = true }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: [58, 32])
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: [13, 10])
        }
        out.append(contentsOf: "Date: ".utf8)
        out.append(contentsOf: dateCache.current())
        out.append(contentsOf: [13, 10])
        let noContent = HTTPStatus.forbidsContent(status)
        if !noContent {
            out.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
        }
        if close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if c.requestVersion.minor == 0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        if !sawRequestID && !c.requestID.isEmpty {
            out.append(contentsOf: "X-Request-ID: ".utf8)
            out.append(contentsOf: c.requestID.utf8)
            out.append(contentsOf: [13, 10])
        }
        out.append(contentsOf: [13, 10])
        if !noContent && !c.requestIsHead {
            out.append(contentsOf: response.body)
        }
        c.output = out
    }

    /// Writes queued output; false when the socket would block (EPOLLOUT is then watched).
    private func flush(_ c: Connection) -> Bool {
        while c.outputStart < c.output.count {
            let n = c.output.withUnsafeBytes { raw in
                send(c.fd, raw.baseAddress! + c.outputStart, raw.count - c.outputStart, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                c.outputStart += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                setInterest(c, read: false, write: true)
                c.deadline = monotonicNanoseconds() &+ config.bodyIdleTimeout.nanoseconds
                return false
            } else {
                closeConnection(c)
                return false
            }
        }
        c.output.removeAll(keepingCapacity: c.output.capacity <= 256 * 1024)
        c.outputStart = 0
        return true
    }

    /// Half-closes and drains briefly before closing, so the client reads our last response rather
    /// than a reset caused by bytes it had already sent (RFC 9112 9.6).
    private func lingeringClose(_ c: Connection) {
        if c.peerClosed {
            closeConnection(c)
            return
        }
        shutdown(c.fd, Int32(SHUT_WR))
        c.lingering = true
        c.discardInput()
        c.deadline = monotonicNanoseconds() &+ config.lingerTimeout.nanoseconds
        setInterest(c, read: true, write: false)
    }

    /// An `X-Request-ID` we are willing to echo: 1-128 characters of letters, digits and `-_.:`.
    static func acceptableRequestID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                continue
            default:
                return nil
            }
        }
        return value
    }
}

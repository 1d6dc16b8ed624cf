import Glibc
import Runtime

/// How a loop moves one connection through its states (`ConnectionState`): parse what arrived, answer
/// from the head when the route already decides it, hand complete requests to their handlers, write
/// responses, drain or close. Runs only on the loop's thread.
extension EventLoop {
    /// Methods routed to 404/405; any other token (CONNECT included: we tunnel nothing) is 501 (RFC 9110 9.1).
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]

    /// Moves a connection as far forward as it can go without waiting, then files it among the idle
    /// connections or takes it out of them. Iterative, so a burst of pipelined requests answered
    /// without a handler (404s, say) never deepens the stack.
    func drive(_ c: Connection) {
        advance(c)
        noteIdleness(c)
    }

    private func advance(_ c: Connection) {
        while true {
            switch c.state {
            case .closed, .closing:
                return   // a lingering connection is drained by readAvailable until EOF or its deadline
            case .awaitingHandler:
                // Keep reading (usually no epoll change at all): the next request may already be on its
                // way, and a client that goes away is noticed, so its response says `close`.
                setInterest(c, read: !c.peerClosed && c.pendingCount < Connection.inFlightInputLimit, write: false)
                return
            case .writing(let then):
                switch c.output.write(to: c.fd) {
                case .wouldBlock:
                    // The client is not reading: it gets the body-idle time to make room.
                    setInterest(c, read: false, write: true)
                    c.deadline = monotonicNanoseconds() &+ config.bodyIdleTimeout.nanoseconds
                    return
                case .failed:
                    closeConnection(c)
                    return
                case .done:
                    afterWrite(c, then)
                }
            case .readingHead, .readingBody, .draining:
                guard readAndParse(c) else { return }
            }
        }
    }

    private func afterWrite(_ c: Connection, _ then: ConnectionState.AfterWrite) {
        switch then {
        case .readingHead:
            c.transition(to: .readingHead)
            // The connection is now idle between requests: the keep-alive time starts.
            c.deadline = monotonicNanoseconds() &+ config.keepAliveTimeout.nanoseconds
            c.deadlinePhase = .idle
        case .readingBody:
            c.transition(to: .readingBody)
        case .draining:
            c.transition(to: .draining)
            c.deadline = monotonicNanoseconds() &+ config.bodyIdleTimeout.nanoseconds
        case .closing:
            c.transition(to: .closing)
            beginLingering(c)
        }
    }

    /// One parser event; false when the connection must wait for the socket.
    private func readAndParse(_ c: Connection) -> Bool {
        if isShuttingDown && c.isIdleBetweenRequests {
            closeConnection(c)
            return false
        }
        if c.pendingIsEmpty && !c.parser.awaitsBodyStart {
            return waitForInput(c)
        }
        switch c.parseNext() {
        case .failure(let error):
            reject(c, error)
        case .success(.needMoreData):
            if c.state == .readingBody, let answer = c.answerFromHead {
                // The answer is known and the body is still coming: answer now, not after the body.
                answerEarly(c, answer)
                return true
            }
            return waitForInput(c)
        case .success(.head(let head)):
            onHead(c, head)
        case .success(.message(let message)):
            onMessage(c, message)
        }
        return true
    }

    /// Nothing to parse: wait for bytes, unless none can come.
    private func waitForInput(_ c: Connection) -> Bool {
        if c.peerClosed {
            // The client stopped sending: a partial request is abandoned, an idle connection is done.
            closeConnection(c)
            return false
        }
        setInterest(c, read: true, write: false)
        updateReadDeadline(c)
        return false
    }

    /// Picks the timeout for what is being read (docs/http-server.md).
    private func updateReadDeadline(_ c: Connection) {
        let phase = c.parser.phase
        let now = monotonicNanoseconds()
        switch c.state {
        case .readingHead where phase == .idle:
            if c.deadline == 0 { c.deadline = now &+ config.keepAliveTimeout.nanoseconds }
        case .readingHead:
            // The head timeout runs from the head's first byte; more bytes do not extend it.
            if c.deadlinePhase != .head { c.deadline = now &+ config.headTimeout.nanoseconds }
        default:
            c.deadline = now &+ config.bodyIdleTimeout.nanoseconds
        }
        c.deadlinePhase = c.state == .readingHead ? phase : .body
    }

    // MARK: - A request's head

    private func onHead(_ c: Connection, _ head: RequestHead) {
        let now = monotonicNanoseconds()
        c.transition(to: .readingBody)
        c.request = RequestRecord(method: EventLoop.methodLabel(head.method), route: "unmatched",
                                  requestID: EventLoop.acceptableRequestID(head.headers["X-Request-ID"]) ?? nextRequestID(),
                                  isHead: head.method == "HEAD", keepAlive: head.keepAlive, version: head.version,
                                  expectsContinue: head.expectsContinue, start: now)
        c.bodyArrival = BodyArrival(start: now, bytes: c.pendingCount)
        c.deadline = now &+ config.bodyIdleTimeout.nanoseconds
        c.deadlinePhase = .body
        c.handlerRoute = nil
        c.answerFromHead = nil

        let match: RouteMatch
        if EventLoop.knownMethods.contains(head.method), let pathAndQuery = head.pathAndQuery {
            match = router.match(method: head.method, path: RequestTarget.split(pathAndQuery).path)
        } else {
            match = .notFound
        }
        switch match {
        case .found(let route, let parameters):
            c.request.route = route.pattern
            c.handlerRoute = (route, parameters)
            if let limit = route.bodyLimit { c.parser.bodyLimit = limit }
            // 100 Continue only when the client is actually waiting for it (RFC 9110 10.1.1): a body is
            // announced, none of it has arrived, and it is within the limit (else the 413 comes instead).
            if head.expectsContinue && c.pendingIsEmpty {
                let wantsBody = switch head.framing {
                case .none: false
                case .length(let n): n > 0 && n <= c.parser.bodyLimit
                case .chunked: true
                }
                if wantsBody {
                    c.output.append(ResponseEncoder.continueLine)
                    c.transition(to: .writing(then: .readingBody))
                }
            }
            return
        case .methodNotAllowed(let pattern, let allow):
            c.request.route = pattern
            let allowValue = (allow.contains("OPTIONS") ? allow : allow + ["OPTIONS"]).joined(separator: ", ")
            c.answerFromHead = head.method == "OPTIONS"
                ? Response(status: 204, headers: ["Allow": allowValue])
                : Problem.forStatus(405, detail: "\(head.method) is not allowed here; see Allow.", instance: c.request.requestID)
                    .response(headers: ["Allow": allowValue])
        case .notFound:
            if !EventLoop.knownMethods.contains(head.method) {
                c.answerFromHead = Problem.forStatus(501, detail: "The method is not implemented by this server.",
                                                     instance: c.request.requestID).response()
            } else if head.method == "OPTIONS" && head.target == "*" {
                c.answerFromHead = Response(status: 204, headers: ["Allow": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"])
            } else {
                c.answerFromHead = Problem.forStatus(404, detail: "No resource lives at this path.", instance: c.request.requestID).response()
            }
        }
        // Answered from the head: the body is still framed, so that the connection can be kept, but not
        // kept; no route limit applies, since how much of it is read is decided in `answerEarly`.
        c.parser.discardsBody = true
        c.parser.bodyLimit = Int.max
    }

    /// The answer is known from the head and the body is not all here. A small remainder of known
    /// length is read and dropped after the answer (the connection stays open); anything else (large,
    /// chunked, or a client waiting for `100 Continue` that may never send it) closes the connection
    /// after the answer, with a lingering close, instead of waiting for bytes nobody needs (RFC 9110
    /// 10.1.1, RFC 9112 9.6).
    private func answerEarly(_ c: Connection, _ answer: Response) {
        c.answerFromHead = nil
        let remaining = c.parser.remainingLengthBody
        let cheap = !c.request.expectsContinue && remaining > 0 && remaining <= config.maxDiscardedBodyBytes
        respond(c, with: answer, then: cheap ? .draining : .closing)
    }

    // MARK: - A complete request

    private func onMessage(_ c: Connection, _ message: ParsedRequest) {
        c.bodyArrival = nil
        if c.state == .draining {
            // The rest of an early-answered body is read: the connection is between requests again.
            c.transition(to: .readingHead)
            c.deadline = 0
            return
        }
        if let answer = c.answerFromHead {
            // Answered from the head, and the whole body (if any) was already here: read and dropped.
            c.answerFromHead = nil
            respond(c, with: answer)
            return
        }
        guard let (route, parameters) = c.handlerRoute else {
            respond(c, with: Problem.forStatus(500, detail: "The server lost track of the request.", instance: c.request.requestID).response())
            return
        }
        c.handlerRoute = nil
        c.deadline = 0
        let head = message.head
        let (path, query) = RequestTarget.split(head.pathAndQuery ?? Substring(head.target))
        let request = Request(method: head.method, target: head.target, path: String(path),
                              query: RequestTarget.parseQuery(query), version: head.version, headers: head.headers,
                              body: message.body, trailers: message.trailers, pathParameters: parameters,
                              route: route.pattern, requestID: c.request.requestID)
        if let immediate = route.immediate {
            // Answered here, on the loop, as an answer from the head is.
            respond(c, with: immediate(request))
            return
        }
        c.transition(to: .awaitingHandler)
        let handler = route.handler
        let fd = c.fd, generation = c.generation
        Task { [self] in
            let response = await handler(request)
            self.complete(fd: fd, generation: generation, response: response)
        }
    }

    // MARK: - Responses

    /// Queues the response to the current request, records it, and moves the connection to writing;
    /// `then` is where it goes once the response is out (closing, whatever is asked, when the
    /// response or the request says the connection ends).
    func respond(_ c: Connection, with handlerResponse: Response, then: ConnectionState.AfterWrite = .readingHead) {
        var response = handlerResponse
        if !(200...599).contains(response.status) {
            // 1xx is never a final response and anything else is not HTTP: a handler bug, not the client's.
            logger.error("handler returned an invalid status", ["route": .string(c.request.route), "status": .int(response.status)])
            response = Problem.forStatus(500, detail: "The server failed to produce a valid response.", instance: c.request.requestID).response()
        }
        // A client that half-closed still gets an answer to every request it sent before; the last
        // one (nothing more buffered) says the connection ends.
        let close = then == .closing || !c.request.keepAlive || isShuttingDown || (c.peerClosed && c.pendingIsEmpty)
            || response.headers.listElements(for: "Connection").contains { $0.lowercased() == "close" }
        let seconds = Double(monotonicNanoseconds() &- c.request.start) / 1e9
        metrics.record(shard: index, route: c.request.route, method: c.request.method, status: response.status, seconds: seconds)
        if logger.isEnabled(.info) {
            logger.log(.info, "request", fields: [
                ("method", .string(c.request.method)), ("route", .string(c.request.route)), ("status", .int(response.status)),
                ("duration_ms", .double((seconds * 1e6).rounded() / 1e3)), ("request_id", .string(c.request.requestID)),
            ])
        }
        let context = ResponseEncoder.Context(isHead: c.request.isHead, version: c.request.version,
                                              requestID: c.request.requestID, close: close)
        let (head, sendsBody) = ResponseEncoder.head(of: response, context: context, date: dateCache.current())
        c.output.append(head)
        if sendsBody { c.output.append(response.body) }
        c.transition(to: .writing(then: close ? .closing : then))
        // No drive(c) here: inside drive's loop the caller moves on by itself, and callers outside it
        // (completions, timeouts) call drive afterwards. Calling it here would recurse once per
        // pipelined request answered by the loop, and a burst of them would overflow the stack.
    }

    /// A request the parser rejected: its status, as problem+json, then close. Labelled with what was
    /// understood of it (the method once its token ended, the route once the request line was valid),
    /// and answered without content when it was a HEAD.
    private func reject(_ c: Connection, _ error: HTTPParseError) {
        c.discardInput()
        c.bodyArrival = nil
        if c.state == .draining {
            // The request was already answered; there is nothing more to say to this client.
            closeConnection(c)
            return
        }
        if c.state == .readingHead { c.request = recordForIncompleteHead(c, route: nil) }
        c.answerFromHead = nil
        c.handlerRoute = nil
        respond(c, with: Problem.forStatus(error.status, detail: error.sentence, instance: c.request.requestID).response(),
                then: .closing)
    }

    /// The record of a request whose head is not complete (rejected, or timed out): what the parser
    /// has seen of its request line. `route` overrides the label when given.
    private func recordForIncompleteHead(_ c: Connection, route: String?) -> RequestRecord {
        var record = RequestRecord(requestID: nextRequestID(), keepAlive: false, start: monotonicNanoseconds())
        guard let method = c.parser.method else { return record }
        record.method = EventLoop.methodLabel(method)
        record.isHead = method == "HEAD"
        if let route {
            record.route = route
        } else if let target = c.parser.target, EventLoop.knownMethods.contains(method),
                  let pathAndQuery = RequestHead.pathAndQuery(of: target, form: c.parser.form) {
            switch router.match(method: method, path: RequestTarget.split(pathAndQuery).path) {
            case .found(let r, _): record.route = r.pattern
            case .methodNotAllowed(let pattern, _): record.route = pattern
            case .notFound: record.route = "unmatched"
            }
        }
        return record
    }

    /// A connection whose deadline passed (`onTick`).
    func expire(_ c: Connection) {
        switch c.state {
        case .readingHead where c.parser.phase == .idle && c.pendingIsEmpty:
            closeConnection(c)   // keep-alive idle, or never said anything
        case .readingHead, .readingBody:
            // A request head or body stalled: answer 408 and close (RFC 9110 15.5.9).
            timeOut(c, detail: "The request was not completed in time.")
        case .awaitingHandler:
            c.deadline = 0
        case .draining, .writing, .closing:
            closeConnection(c)   // already answered, not reading our answer, or done lingering
        case .closed:
            break
        }
    }

    /// A body arriving below the minimum rate (`onTick`): 408 and close, or just close when the
    /// request was already answered.
    func tooSlow(_ c: Connection) {
        if c.state == .readingBody {
            timeOut(c, detail: "The request body arrived too slowly.")
        } else {
            closeConnection(c)
        }
    }

    private func timeOut(_ c: Connection, detail: String) {
        c.discardInput()
        c.bodyArrival = nil
        if c.state == .readingHead { c.request = recordForIncompleteHead(c, route: "timeout") }
        c.request.keepAlive = false
        c.answerFromHead = nil
        c.handlerRoute = nil
        respond(c, with: Problem.forStatus(408, detail: detail, instance: c.request.requestID).response(), then: .closing)
        drive(c)
    }

    /// Half-closes and drains briefly before closing, so the client reads our last response rather
    /// than a reset caused by bytes it had already sent (RFC 9112 9.6).
    private func beginLingering(_ c: Connection) {
        if c.peerClosed {
            closeConnection(c)
            return
        }
        shutdown(c.fd, Int32(SHUT_WR))
        c.discardInput()
        c.deadline = monotonicNanoseconds() &+ config.lingerTimeout.nanoseconds
        setInterest(c, read: true, write: false)
    }

    // MARK: - Labels

    /// Only known methods become labels: a client inventing method names must not grow the metrics.
    static func methodLabel(_ method: String) -> String {
        knownMethods.contains(method) ? method : "OTHER"
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

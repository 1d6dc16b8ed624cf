/// One client connection: its state, its buffers, and the request being answered. Owned by one event
/// loop and touched only on that loop's thread; the loop's driving code (`EventLoop+Driving.swift`)
/// decides what happens, and `transition(to:)` is the only way its `state` changes.
final class Connection {
    let fd: Int32
    let generation: UInt32
    var parser: RequestParser
    /// The epoll events currently registered.
    var interest: UInt32 = 0

    private(set) var state: ConnectionState = .readingHead
    /// The client closed its sending side (read returned 0). Independent of `state`: a client may
    /// half-close and still wait for its response.
    var peerClosed = false

    /// Received bytes not yet given to the parser (a pipelined request waiting behind the current one).
    private var input: [UInt8] = []
    private var inputStart = 0
    /// Serialised responses not yet written.
    var output = OutputQueue()

    /// Monotonic nanoseconds at which the current wait times out; 0 for none.
    var deadline: UInt64 = 0
    /// The parser phase the deadline was set for (a head's deadline runs from its first byte).
    var deadlinePhase: RequestParser.Phase = .idle

    /// The request being answered, for its response, log line and metrics.
    var request = RequestRecord()
    /// The answer known from the head alone (404, 405, 501), sent once the body is read or, when it
    /// is still arriving, at once.
    var answerFromHead: Response?
    /// The route and path parameters of a request that goes to a handler once its body is read.
    var handlerRoute: (route: Route, parameters: [String: String])?
    /// The current request's body so far, for the minimum rate; nil between bodies.
    var bodyArrival: BodyArrival?

    // Membership of the loop's `IdleConnections` list.
    var isListedIdle = false
    var idlePrevious: Connection?
    var idleNext: Connection?

    init(fd: Int32, generation: UInt32, limits: HTTPParserLimits) {
        self.fd = fd
        self.generation = generation
        self.parser = RequestParser(limits: limits)
    }

    /// Moves to `next`. A move the state diagram does not allow is a bug in the driving code: debug
    /// builds (every test run, the fuzzer included) stop on it; a release build carries on rather than
    /// let one connection's bug take down every connection of the process.
    func transition(to next: ConnectionState) {
        assert(state.canMove(to: next), "connection state \(state) cannot move to \(next)")
        state = next
    }

    var isClosed: Bool { state == .closed }

    // MARK: Input

    var pendingIsEmpty: Bool { inputStart >= input.count }
    var pendingCount: Int { input.count - inputStart }
    /// While a handler runs, input that follows its request (pipelined requests, or the end of the
    /// stream) is still read, up to this much; beyond it, reading pauses until the response is out.
    static let inFlightInputLimit = 64 * 1024

    /// Between requests with nothing of the next one received: closing it loses nothing.
    var isIdleBetweenRequests: Bool {
        state == .readingHead && parser.phase == .idle && pendingIsEmpty && !parser.awaitsBodyStart
    }

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
        input.removeAll(keepingCapacity: false)
        inputStart = 0
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

/// When a body began arriving (monotonic nanoseconds, from its head) and how many bytes have come since.
struct BodyArrival {
    var start: UInt64
    var bytes: Int
}

/// What the server knows of the request it is answering: enough to frame the response and to label
/// its log line and metrics, even when the request was rejected before its head was complete.
struct RequestRecord {
    /// The method as a label: a known method, or `OTHER` (so invented methods cannot grow the metrics).
    var method = "OTHER"
    /// The route pattern, or `unmatched` (no route), `invalid` (no usable request line), `timeout`.
    var route = "invalid"
    var requestID = ""
    var isHead = false
    var keepAlive = true
    var version = HTTPVersion.http1_1
    var expectsContinue = false
    /// Monotonic nanoseconds when the head was complete (or when the server decided to answer).
    var start: UInt64 = 0
}

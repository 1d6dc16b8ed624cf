/// Where a connection is in its life. `Connection.transition(to:)` is the only way to change it, and
/// it refuses any move not listed in `canMove(to:)`, so a connection can never be, say, writing a
/// response for a request it is still reading.
///
///     readingHead ──► readingBody ──► awaitingHandler ──► writing ──► readingHead (keep-alive)
///          │               │                                 │  ├──► readingBody (after 100 Continue)
///          └───────────────┴── answered from the head ──────►│  ├──► draining ──► readingHead
///                                                            │  └──► closing ──► closed
///     any state ──► closed (peer gone, timeout, eviction, shutdown)
enum ConnectionState: Equatable, Sendable {
    /// Waiting for the next request, or reading its request line and header section. Keep-alive idle
    /// while no byte of the next request has arrived.
    case readingHead
    /// Reading the body of a request, either for its handler or, when the answer is already known from
    /// the head (404, 405, 501), to see whether the whole body is already here.
    case readingBody
    /// Answered from its head; the rest of its body (small: `maxDiscardedBodyBytes`) is read and dropped,
    /// so the bytes that follow it are the next request's.
    case draining
    /// A handler is running; its response comes back through the loop's inbox. Input is still read (up
    /// to a limit), so pipelined requests wait in the buffer and a client that leaves is noticed.
    case awaitingHandler
    /// Response bytes are queued; `then` is what the connection does once they are all written.
    case writing(then: AfterWrite)
    /// Our last response is written and our side shut; what the client still sends is dropped until it
    /// closes or the linger time ends, so it reads our response rather than a reset (RFC 9112 9.6).
    case closing
    /// The descriptor is closed; nothing more happens.
    case closed

    /// What follows a completed write.
    enum AfterWrite: Equatable, Sendable {
        case readingHead
        /// An interim `100 Continue` went out; the body it invited comes next.
        case readingBody
        case draining
        case closing
    }

    func canMove(to next: ConnectionState) -> Bool {
        if next == .closed { return self != .closed }
        switch (self, next) {
        case (.readingHead, .readingBody), (.readingHead, .awaitingHandler), (.readingHead, .writing):
            return true
        case (.readingBody, .awaitingHandler), (.readingBody, .writing):
            return true
        case (.draining, .readingHead):
            return true
        case (.awaitingHandler, .writing):
            return true
        case (.writing(let then), let to):
            switch (then, to) {
            case (.readingHead, .readingHead), (.readingBody, .readingBody), (.draining, .draining), (.closing, .closing):
                return true
            default:
                return false
            }
        default:
            return false
        }
    }

    /// States in which the connection's socket is read for a request's bytes (head or body).
    var readsRequest: Bool {
        switch self {
        case .readingHead, .readingBody, .draining: return true
        default: return false
        }
    }

    /// States in which body bytes are arriving, and so the minimum body rate applies.
    var receivesBody: Bool { self == .readingBody || self == .draining }
}

/// Incremental, strict HTTP/1.1 request parser (RFC 9112).
///
/// Contract (the server's connection depends on it):
/// - Call `parse(_:)` with all bytes received and not yet consumed. It consumes up to the next event
///   and returns how many bytes it took; unconsumed bytes (a pipelined next request) stay with the caller.
/// - `.head` is returned once per message, when the header section is complete and valid. The caller
///   may then set `bodyLimit` for the route and send `100 Continue`; it must call `parse` again (even with
///   no new bytes) to continue. A bodiless message then yields `.message` at once.
/// - `.message` is returned once the body (and trailers) are complete; the parser is then ready for the
///   next message.
/// - Any violation throws `HTTPParseError` with the status to answer; the caller closes afterwards.
public struct RequestParser: Sendable {
    public enum Event: Sendable, Equatable {
        case needMoreData
        case head(RequestHead)
        case message(ParsedRequest)
    }

    /// Where the parser is within a message; the server picks its timeout from this.
    public enum Phase: Sendable, Equatable {
        /// No byte of the next message has been seen (keep-alive idle).
        case idle
        /// Reading the request line and header section.
        case head
        /// Reading the body or trailers.
        case body
    }

    public let limits: HTTPParserLimits
    /// Body limit for the current message; reset to `limits.defaultBodyLimit` for each message.
    public var bodyLimit: Int

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
        self.bodyLimit = limits.defaultBodyLimit
    }

    public var phase: Phase { .idle }

    public mutating func parse(_ input: UnsafeRawBufferPointer) throws(HTTPParseError) -> (consumed: Int, event: Event) {
        throw HTTPParseError(status: 501, reason: "parser not implemented yet")
    }
}

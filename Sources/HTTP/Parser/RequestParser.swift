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
///
/// Details the server can rely on:
/// - Bytes are copied into the parser as they are consumed, so `consumed` is everything it looked at:
///   the caller drops them and never passes them again. Each byte is examined once (linear cost, even
///   one byte per call).
/// - `.needMoreData` always consumes the whole input.
/// - The check of a `Content-Length` against `bodyLimit` happens in the first `parse` call after `.head`
///   (so the route's limit applies), before any body byte is read. So: on `.head`, set `bodyLimit`, call
///   `parse` again with the bytes still buffered (possibly none); if it throws 413, answer 413 without
///   `100 Continue`; if it returns `.message`, the body was already there and no 100 is needed; otherwise
///   send `100 Continue` when `expectsContinue` is true and the framing is not `.none`/`.length(0)`.
///   A chunked body's 413 comes when the offending chunk-size line arrives.
/// - After a throw the parser stays failed: every later call throws the same error.
/// - `phase` is `.idle` until the first byte of a message (an empty line before the request line
///   counts), `.head` until the header section ends, `.body` from `.head` until `.message` (trailers
///   included, and also for a bodiless request until the call that yields its `.message`), then `.idle`.
///
/// Choices where RFC 9112 / 9110 leave room (the strict side unless noted):
/// - Bare LF or bare CR anywhere in the head, the chunk framing or the trailers: 400 (RFC 9112 2.2 allows
///   rejecting). Up to `maxLeadingEmptyLines` CRLFs before a request line are skipped (2.2).
/// - Exactly one SP between request-line parts (3); method longer than `maxMethodBytes`: 400.
///   `HTTP/x.y` with major 1 and any minor is accepted with 1.1 semantics; other majors (0.9, 2.0, the
///   HTTP/2 preface) 505; anything not `HTTP/` DIGIT `.` DIGIT is 400. The version is judged before the
///   target's form, so `PRI * HTTP/2.0` is 505.
/// - Field values: only VCHAR, obs-text, SP, HTAB (RFC 9110 5.5); obs-text is decoded as UTF-8 with
///   replacement. obs-fold and whitespace before the first field line: 400 (RFC 9112 5.2, 2.2).
/// - Host: empty only when the target carries its own authority; `host:` (empty port) is accepted as
///   RFC 3986 allows; userinfo, paths, commas with spaces, ports > 65535: 400.
/// - Content-Length lists of one repeated value are merged (RFC 9110 8.6); "007" equals "7". A number
///   beyond `Int` is 413, like one beyond `bodyLimit`.
/// - Transfer-Encoding: empty list members ignored (RFC 9110 5.6.1); `chunked` with parameters 400;
///   a coding before `chunked` 501; chunked not last, repeated, or absent 400; any TE in HTTP/1.0 400.
/// - Chunk lines: BWS only before ";" (so "5 \r\n" is 400); at most 16 significant hex digits;
///   `maxChunkLineBytes` per line and `maxChunkExtensionBytesPerMessage` per message; extensions ignored.
/// - Trailers: own field limits (same numbers, counted afresh); the fields of `TrailerPolicy.forbidden`
///   (framing, routing, auth, controls, content metadata) are dropped, the rest returned in order.
/// - Expect: only `100-continue` (any case); anything else, or anything alongside it, 417; in HTTP/1.0
///   a 100-continue is ignored (RFC 9110 10.1.1) but other expectations are still 417.
/// - Connection tokens other than close / keep-alive are ignored.
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

    /// Longest method token; longer is refused with 400 as a malformed request line (RFC 9112 3 lets a
    /// server answer 501 to "a method longer than any that it implements"; we cannot tell an unknown
    /// method from garbage at this point, and the request line is where a flood of bytes is cut short).
    public static let maxMethodBytes = 32
    /// Empty lines tolerated before a request line (RFC 9112 2.2 asks for at least one).
    public static let maxLeadingEmptyLines = 8
    /// Longest chunk-size line, chunk extensions included; longer is 400 (RFC 9112 7.1.1 lets a server
    /// limit extension length).
    public static let maxChunkLineBytes = 4 * 1024
    /// Most chunk-extension bytes in one message, over all its chunks; more is 400. RFC 9112 7.1.1: a
    /// server "ought to limit the total length of chunk extensions received in a request"; without this a
    /// 1 MiB body in one-byte chunks could carry 4 GiB of extensions.
    public static let maxChunkExtensionBytesPerMessage = 64 * 1024
    /// Most significant hex digits in a chunk-size (64 bits).
    public static let maxChunkSizeDigits = 16
    /// Never reserve more than this for a body up front, whatever the client declares.
    static let initialBodyCapacityCap = 64 * 1024

    public let limits: HTTPParserLimits
    /// Body limit for the current message; reset to `limits.defaultBodyLimit` for each message.
    public var bodyLimit: Int
    /// When set (after `.head`), body bytes are framed and counted against `bodyLimit` but not kept:
    /// `.message` then carries an empty body. For a server that answers from the head alone (404, 405)
    /// and still reads the body to keep the connection (docs/http-server.md). Reset to false for each message.
    public var discardsBody = false

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
        self.bodyLimit = limits.defaultBodyLimit
    }

    public var phase: Phase {
        switch state {
        case .start: return messageStarted ? .head : .idle
        case .leadingLF, .method, .target, .version, .requestLineLF: return .head
        case .fieldLineStart, .fieldName, .fieldValue, .fieldLineLF, .sectionEndLF:
            return inTrailers ? .body : .head
        case .headComplete, .lengthBody, .chunkSizeStart, .chunkSize, .chunkExtension, .chunkSizeLF,
             .chunkData, .chunkDataCR, .chunkDataLF:
            return .body
        case .failed: return messageStarted ? .head : .idle
        }
    }

    /// The current message's method, once its token is complete; still there after a failure, so a
    /// rejection can be labelled and a rejected `HEAD` answered without content (RFC 9110 9.3.2).
    public var method: String? {
        methodComplete ? String(decoding: methodBytes, as: UTF8.self) : nil
    }

    /// The current message's request-target, once the request line is complete and valid (also after
    /// a later failure in the header section, so the rejection can name the route it was for).
    public var target: String? {
        requestLineComplete ? String(decoding: targetBytes, as: UTF8.self) : nil
    }

    /// The form of `target`, valid when `target` is not nil.
    public var form: RequestTargetForm { targetForm }

    /// Body bytes still expected for a `Content-Length` body (0 otherwise): how much a server that
    /// answered from the head would have to read to keep the connection.
    public var remainingLengthBody: Int { state == .lengthBody ? remaining : 0 }

    /// True right after `.head`: the parser must be called again, even with no new bytes.
    public var awaitsBodyStart: Bool { state == .headComplete }

    // MARK: State

    enum State: Sendable, Equatable {
        case start, leadingLF, method, target, version, requestLineLF
        case fieldLineStart, fieldName, fieldValue, fieldLineLF, sectionEndLF
        case headComplete, lengthBody
        case chunkSizeStart, chunkSize, chunkExtension, chunkSizeLF, chunkData, chunkDataCR, chunkDataLF
        case failed
    }

    var state: State = .start
    var failure: HTTPParseError? = nil
    /// The method token ended (its SP was seen); the request line was complete and valid.
    var methodComplete = false
    var requestLineComplete = false
    var messageStarted = false
    var leadingEmptyLines = 0

    // Request line, kept as bytes until it is complete.
    var methodBytes: [UInt8] = []
    var targetBytes: [UInt8] = []
    var versionBytes: [UInt8] = []
    var version = HTTPVersion.http1_1
    var targetForm = RequestTargetForm.origin

    // The field line being read: name bytes, then value bytes; `nameLength` marks the colon.
    var line: [UInt8] = []
    var nameLength = 0
    var fieldCount = 0
    var sectionBytes = 0
    var inTrailers = false
    var headers = HTTPHeaders()
    var trailers = HTTPHeaders()

    var head: RequestHead? = nil
    var body: [UInt8] = []
    /// Decoded body bytes read so far, kept or discarded.
    var bodyBytes = 0
    /// Bytes still expected: of the Content-Length body, or of the current chunk.
    var remaining = 0

    // Chunk-size line.
    var chunkSize = 0
    var chunkSizeDigits = 0
    var chunkLineBytes = 0
    var chunkExtension = ChunkExtensionScanner()
    var chunkExtensionBytes = 0

    // MARK: Parsing

    public mutating func parse(_ input: UnsafeRawBufferPointer) throws(HTTPParseError) -> (consumed: Int, event: Event) {
        if let failure { throw failure }
        do throws(HTTPParseError) {
            return try step(input)
        } catch {
            failure = error
            state = .failed
            throw error
        }
    }

    private mutating func step(_ input: UnsafeRawBufferPointer) throws(HTTPParseError) -> (consumed: Int, event: Event) {
        let count = input.count
        var i = 0
        while true {
            switch state {
            case .headComplete:
                if let event = try startBody() { return (i, event) }
            case .lengthBody, .chunkData:
                let take = min(remaining, count - i)
                if take > 0 {
                    // One block copy per call, never per byte.
                    if !discardsBody {
                        UnsafeRawBufferPointer(rebasing: input[i..<(i + take)]).withMemoryRebound(to: UInt8.self) {
                            body.append(contentsOf: $0)
                        }
                    }
                    bodyBytes += take
                    i += take
                    remaining -= take
                }
                if remaining > 0 { return (i, .needMoreData) }
                if state == .lengthBody { return (i, .message(finishMessage())) }
                state = .chunkDataCR
            default:
                guard i < count else { return (i, .needMoreData) }
                let byte = input[i]
                i += 1
                if let event = try consume(byte) { return (i, event) }
            }
        }
    }

    /// One byte of the head, of chunk framing, or of the trailer section.
    private mutating func consume(_ b: UInt8) throws(HTTPParseError) -> Event? {
        switch state {
        // Request line (RFC 9112 3): method SP request-target SP HTTP-version CRLF, one SP each.
        case .start:
            messageStarted = true
            if b == HTTPSyntax.cr {
                state = .leadingLF
            } else if HTTPSyntax.isTokenChar(b) {
                methodBytes.append(b)
                state = .method
            } else if b == HTTPSyntax.lf {
                throw .bad("bare LF; lines must end with CRLF")
            } else {
                throw .bad("the request line must start with a method token")
            }
        case .leadingLF:
            // RFC 9112 2.2: empty lines before the request line are ignored, within reason.
            guard b == HTTPSyntax.lf else { throw .bad("bare CR; lines must end with CRLF") }
            leadingEmptyLines += 1
            guard leadingEmptyLines <= Self.maxLeadingEmptyLines else { throw .bad("too many empty lines before the request") }
            state = .start
        case .method:
            if b == HTTPSyntax.sp {
                methodComplete = true
                state = .target
            } else if HTTPSyntax.isTokenChar(b) {
                methodBytes.append(b)
                guard methodBytes.count <= Self.maxMethodBytes else { throw .bad("the method is too long") }
            } else {
                throw .bad("malformed request line: the method must be a token followed by one SP")
            }
        case .target:
            if b == HTTPSyntax.sp {
                guard !targetBytes.isEmpty else { throw .bad("malformed request line: one SP between parts") }
                state = .version
            } else if HTTPSyntax.isRequestTargetByte(b) {
                targetBytes.append(b)
                // Checked as bytes arrive, so a huge line costs no more than the limit (RFC 9112 3).
                guard targetBytes.count <= limits.maxTargetBytes else {
                    throw HTTPParseError(status: 414, reason: "the request-target is too long")
                }
            } else {
                throw .bad("the request-target contains a character it may not contain")
            }
        case .version:
            if b == HTTPSyntax.cr {
                state = .requestLineLF
            } else {
                versionBytes.append(b)
                guard versionBytes.count <= 8 else { throw .bad("malformed HTTP-version") }
            }
        case .requestLineLF:
            guard b == HTTPSyntax.lf else { throw .bad("bare CR; lines must end with CRLF") }
            try finishRequestLine()
            requestLineComplete = true
            beginFieldSection(trailers: false)

        // Field lines (RFC 9112 5): field-name ":" OWS field-value OWS CRLF.
        case .fieldLineStart:
            if b == HTTPSyntax.cr {
                state = .sectionEndLF
                return nil
            }
            try countSectionByte()
            if HTTPSyntax.isWhitespace(b) {
                // obs-fold, or whitespace before the first field line (RFC 9112 5.2, 2.2): both refused.
                throw .bad("obsolete line folding or leading whitespace in a field line")
            }
            guard fieldCount < limits.maxHeaderFields else {
                throw HTTPParseError(status: 431, reason: inTrailers ? "too many trailer fields" : "too many header fields")
            }
            guard HTTPSyntax.isTokenChar(b) else {
                throw .bad(b == HTTPSyntax.lf ? "bare LF; lines must end with CRLF" : "invalid field name")
            }
            fieldCount += 1
            line.removeAll(keepingCapacity: true)
            line.append(b)
            state = .fieldName
        case .fieldName:
            try countSectionByte()
            if b == HTTPSyntax.colon {
                nameLength = line.count
                state = .fieldValue
            } else if HTTPSyntax.isTokenChar(b) {
                line.append(b)
            } else if HTTPSyntax.isWhitespace(b) {
                // RFC 9112 5.1: whitespace between name and colon MUST be rejected with 400.
                throw .bad("whitespace between a field name and the colon")
            } else {
                throw .bad("a field line without a colon, or an invalid field name")
            }
        case .fieldValue:
            try countSectionByte()
            if b == HTTPSyntax.cr {
                state = .fieldLineLF
            } else if HTTPSyntax.isFieldValueByte(b) {
                line.append(b)
            } else {
                throw .bad("a field value contains a control character")
            }
        case .fieldLineLF:
            try countSectionByte()
            guard b == HTTPSyntax.lf else { throw .bad("bare CR; lines must end with CRLF") }
            commitField()
            state = .fieldLineStart
        case .sectionEndLF:
            guard b == HTTPSyntax.lf else { throw .bad("bare CR; lines must end with CRLF") }
            if inTrailers { return .message(finishMessage()) }
            return .head(try finishHead())

        // Chunked framing (RFC 9112 7.1): chunk-size [ chunk-ext ] CRLF chunk-data CRLF.
        case .chunkSizeStart:
            guard let digit = HTTPSyntax.hexValue(b) else { throw .bad("malformed chunk size") }
            chunkSize = digit
            chunkSizeDigits = digit == 0 ? 0 : 1
            chunkLineBytes = 1
            state = .chunkSize
        case .chunkSize:
            try countChunkLineByte()
            if let digit = HTTPSyntax.hexValue(b) {
                if chunkSizeDigits > 0 || digit != 0 { chunkSizeDigits += 1 }
                guard chunkSizeDigits <= Self.maxChunkSizeDigits else { throw .bad("the chunk size is too large") }
                let (shifted, o1) = chunkSize.multipliedReportingOverflow(by: 16)
                let (sum, o2) = shifted.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw .bad("the chunk size is too large") }
                chunkSize = sum
            } else if b == HTTPSyntax.cr {
                state = .chunkSizeLF
            } else if b == HTTPSyntax.semicolon || HTTPSyntax.isWhitespace(b) {
                chunkExtension = ChunkExtensionScanner()
                try chunkExtension.consume(b)
                state = .chunkExtension
            } else {
                throw .bad("malformed chunk size")
            }
        case .chunkExtension:
            try countChunkLineByte()
            chunkExtensionBytes += 1
            guard chunkExtensionBytes <= Self.maxChunkExtensionBytesPerMessage else {
                throw .bad("too many chunk extension bytes in one message")
            }
            if b == HTTPSyntax.cr {
                // chunk-ext is accepted and ignored (RFC 9112 7.1.1), but must be well-formed.
                guard chunkExtension.canEnd else { throw .bad("malformed chunk extension") }
                state = .chunkSizeLF
            } else {
                try chunkExtension.consume(b)
            }
        case .chunkSizeLF:
            guard b == HTTPSyntax.lf else { throw .bad("bare CR in chunk framing") }
            if chunkSize == 0 {
                // last-chunk: the trailer section follows (RFC 9112 7.1.2).
                beginFieldSection(trailers: true)
            } else {
                // Refuse before buffering any of the chunk (RFC 9112 7.1, docs/http-server.md).
                // (`bodyLimit` may have been lowered below what was read: compare without overflow.)
                guard bodyBytes <= bodyLimit, chunkSize <= bodyLimit - bodyBytes else { throw .tooLarge }
                remaining = chunkSize
                state = .chunkData
            }
        case .chunkDataCR:
            guard b == HTTPSyntax.cr else { throw .bad("chunk data must be followed by CRLF") }
            state = .chunkDataLF
        case .chunkDataLF:
            guard b == HTTPSyntax.lf else { throw .bad("chunk data must be followed by CRLF") }
            state = .chunkSizeStart

        case .headComplete, .lengthBody, .chunkData, .failed:
            // Handled in `step`; unreachable here.
            throw .bad("internal parser state")
        }
        return nil
    }

    @inline(__always) private mutating func countSectionByte() throws(HTTPParseError) {
        sectionBytes += 1
        guard sectionBytes <= limits.maxHeaderSectionBytes else {
            throw HTTPParseError(status: 431, reason: inTrailers ? "the trailer section is too large" : "the header section is too large")
        }
    }

    @inline(__always) private mutating func countChunkLineByte() throws(HTTPParseError) {
        chunkLineBytes += 1
        guard chunkLineBytes <= Self.maxChunkLineBytes else { throw .bad("the chunk-size line is too long") }
    }

    private mutating func beginFieldSection(trailers: Bool) {
        inTrailers = trailers
        fieldCount = 0
        sectionBytes = 0
        line.removeAll(keepingCapacity: true)
        state = .fieldLineStart
    }

    /// Builds the field's Strings once, trimming OWS around the value (RFC 9112 5.1).
    /// Values are decoded as UTF-8; obs-text that is not valid UTF-8 is accepted but replaced by U+FFFD
    /// (RFC 9110 5.5: recipients treat obs-text as opaque data).
    private mutating func commitField() {
        var lower = nameLength, upper = line.count
        while lower < upper, HTTPSyntax.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower, HTTPSyntax.isWhitespace(line[upper - 1]) { upper -= 1 }
        let name = String(decoding: line[0..<nameLength], as: UTF8.self)
        let value = String(decoding: line[lower..<upper], as: UTF8.self)
        if inTrailers {
            if !TrailerPolicy.isAllowed(name) { return }
            trailers.add(name: name, value: value)
        } else {
            headers.add(name: name, value: value)
        }
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3); then the target's form.
    /// The version is checked first so that the HTTP/2 preface ("PRI * HTTP/2.0") gets 505, not 400.
    private mutating func finishRequestLine() throws(HTTPParseError) {
        let v = versionBytes
        guard v.count == 8, v[0..<5].elementsEqual("HTTP/".utf8), HTTPSyntax.isDigit(v[5]),
              v[6] == HTTPSyntax.dot, HTTPSyntax.isDigit(v[7]) else {
            throw .bad("malformed HTTP-version")
        }
        let major = Int(v[5] - 0x30), minor = Int(v[7] - 0x30)
        // RFC 9110 2.5 / RFC 9112 2.3: only major version 1 is spoken here; 1.x with x > 1 is
        // treated as the highest 1.x we know, 1.1 semantics.
        guard major == 1 else {
            throw HTTPParseError(status: 505, reason: "only HTTP/1.x is supported")
        }
        version = HTTPVersion(major: 1, minor: minor)
        guard let form = RequestTargetGrammar.form(of: targetBytes[...], method: methodBytes[...]) else {
            throw .bad("the request-target does not match a form allowed for this method")
        }
        targetForm = form
    }

    private mutating func finishHead() throws(HTTPParseError) -> RequestHead {
        let meaning = try RequestHeadSemantics.interpret(version: version, targetForm: targetForm, headers: headers)
        let head = RequestHead(method: String(decoding: methodBytes, as: UTF8.self),
                               target: String(decoding: targetBytes, as: UTF8.self),
                               version: version,
                               headers: headers,
                               framing: meaning.framing,
                               keepAlive: meaning.keepAlive,
                               expectsContinue: meaning.expectsContinue,
                               targetForm: targetForm)
        self.head = head
        state = .headComplete
        return head
    }

    /// The first call after `.head`: the route's `bodyLimit` is now known.
    private mutating func startBody() throws(HTTPParseError) -> Event? {
        guard let head else { throw .bad("internal parser state") }
        switch head.framing {
        case .none:
            return .message(finishMessage())
        case .length(let length):
            guard length <= bodyLimit else { throw .tooLarge }
            if length == 0 { return .message(finishMessage()) }
            if !discardsBody { body.reserveCapacity(min(length, Self.initialBodyCapacityCap)) }
            remaining = length
            state = .lengthBody
        case .chunked:
            state = .chunkSizeStart
        }
        return nil
    }

    /// Hands out the message and resets every per-message field for the next one.
    private mutating func finishMessage() -> ParsedRequest {
        let message = ParsedRequest(head: head ?? RequestHead(method: "", target: "", version: version, headers: headers,
                                                              framing: .none, keepAlive: false, expectsContinue: false),
                                    body: body, trailers: trailers)
        body = []
        headers = HTTPHeaders()
        trailers = HTTPHeaders()
        head = nil
        methodBytes.removeAll(keepingCapacity: true)
        targetBytes.removeAll(keepingCapacity: true)
        versionBytes.removeAll(keepingCapacity: true)
        line.removeAll(keepingCapacity: true)
        inTrailers = false
        fieldCount = 0
        sectionBytes = 0
        remaining = 0
        chunkExtensionBytes = 0
        leadingEmptyLines = 0
        messageStarted = false
        methodComplete = false
        requestLineComplete = false
        bodyLimit = limits.defaultBodyLimit
        discardsBody = false
        bodyBytes = 0
        state = .start
        return message
    }
}

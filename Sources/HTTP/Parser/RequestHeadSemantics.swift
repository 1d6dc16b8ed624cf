/// What the header section means for framing and connection management, decided once per message
/// after the last field line (RFC 9112 3.2, 6, 9.3; RFC 9110 8.6, 10.1.1).
struct RequestHeadSemantics: Sendable, Equatable {
    var framing: BodyFraming
    var keepAlive: Bool
    var expectsContinue: Bool

    /// Content-Length values with more digits than this cannot be an `Int` (Int64.max has 19).
    static let maxContentLengthDigits = 18

    static func interpret(version: HTTPVersion, targetForm: RequestTargetForm, headers: HTTPHeaders) throws(HTTPParseError) -> RequestHeadSemantics {
        let isHTTP10 = version.minor == 0

        // Host (RFC 9112 3.2): required in HTTP/1.1, never repeated, and a valid uri-host [":" port].
        // In absolute-form the target's authority wins (RFC 9112 3.2.2), but Host must still be valid.
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 { throw .bad("more than one Host field line") }
        if hosts.isEmpty && !isHTTP10 { throw .bad("an HTTP/1.1 request needs a Host field") }
        if let host = hosts.first, !RequestTargetGrammar.isValidHostFieldValue(ArraySlice(host.utf8), targetForm: targetForm) {
            throw .bad("the Host field value is not a valid host and port")
        }

        let contentLength = try contentLength(headers.values(for: "Content-Length"))
        let transferEncoding = headers.values(for: "Transfer-Encoding")

        let framing: BodyFraming
        if !transferEncoding.isEmpty {
            // Both headers: a classic request-smuggling vector; docs/http-server.md requires refusal
            // (RFC 9112 6.3 allows it: "ought to be handled as an error").
            if contentLength != nil { throw .bad("both Content-Length and Transfer-Encoding were sent") }
            // RFC 9112 6.1: Transfer-Encoding was added in 1.1; a 1.0 message carrying it is likely
            // mis-framed by an intermediary, so it is refused rather than trusted.
            if isHTTP10 { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
            try checkTransferCodings(transferEncoding)
            framing = .chunked
        } else if let length = contentLength {
            framing = .length(length)
        } else {
            // RFC 9112 6.3 point 7: a request with neither has no content.
            framing = .none
        }

        // Connection (RFC 9112 9.3): 1.1 persists unless "close"; 1.0 only with "keep-alive" and no "close".
        var sawClose = false, sawKeepAlive = false
        for value in headers.values(for: "Connection") {
            guard let members = FieldList.members(ArraySlice(value.utf8)) else { throw .bad("malformed Connection field") }
            for member in members {
                if RequestTargetGrammar.asciiCaseInsensitiveEqual(member, "close") { sawClose = true }
                if RequestTargetGrammar.asciiCaseInsensitiveEqual(member, "keep-alive") { sawKeepAlive = true }
            }
        }
        let keepAlive = isHTTP10 ? (sawKeepAlive && !sawClose) : !sawClose

        // Expect (RFC 9110 10.1.1): only 100-continue is known; anything else may be answered 417.
        // A 100-continue in an HTTP/1.0 request MUST be ignored.
        var expectsContinue = false
        for value in headers.values(for: "Expect") {
            guard let members = FieldList.members(ArraySlice(value.utf8)) else { throw .expectationFailed }
            for member in members {
                guard RequestTargetGrammar.asciiCaseInsensitiveEqual(member, "100-continue") else {
                    throw .expectationFailed
                }
                expectsContinue = !isHTTP10
            }
        }

        return RequestHeadSemantics(framing: framing, keepAlive: keepAlive, expectsContinue: expectsContinue)
    }

    /// Content-Length = 1*DIGIT (RFC 9110 8.6). Several lines, or a comma list, are accepted when every
    /// member is the same number (RFC 9110 8.6 allows a recipient to do so); empty members, signs,
    /// spaces inside a number and hex are refused. A number of more than 18 digits (an exabyte or more) is
    /// 400 too: no real length is that large, and refusing it as malformed keeps every recipient's view of
    /// the framing the same (Http11Probe's MAL-CL-OVERFLOW expects 400). A valid number over the route's
    /// `bodyLimit` is 413, checked later, before the body.
    static func contentLength(_ lines: [String]) throws(HTTPParseError) -> Int? {
        guard !lines.isEmpty else { return nil }
        var canonical: ArraySlice<UInt8>? = nil
        for line in lines {
            let bytes = ArraySlice(line.utf8)
            for rawMember in bytes.split(separator: HTTPSyntax.comma, omittingEmptySubsequences: false) {
                let member = FieldList.trimmed(rawMember)
                guard !member.isEmpty, member.allSatisfy(HTTPSyntax.isDigit) else {
                    throw .bad("invalid Content-Length")
                }
                // Compare without leading zeros, so that "007" and "7" agree and no overflow is possible.
                let significant = member.drop { $0 == 0x30 }
                if let previous = canonical {
                    guard previous.elementsEqual(significant) else { throw .bad("differing Content-Length values") }
                } else {
                    canonical = significant
                }
            }
        }
        guard let digits = canonical else { throw .bad("invalid Content-Length") }
        guard digits.count <= maxContentLengthDigits else {
            throw .bad("Content-Length is too large to be a real length")
        }
        var value = 0
        for b in digits { value = value * 10 + Int(b - 0x30) }
        return value
    }

    /// Transfer-Encoding (RFC 9112 6.1, 7): a list over every line of transfer-coding =
    /// token *( OWS ";" OWS token BWS "=" BWS ( token / quoted-string ) ). In a request, chunked must be
    /// the final coding, exactly once, or the length cannot be determined (400, RFC 9112 6.3 point 4).
    /// We implement no other coding, so any other one before chunked is 501 (RFC 9112 6.1).
    /// chunked defines no parameters (RFC 9112 7), so "chunked;x=y" is a syntax error (400).
    static func checkTransferCodings(_ lines: [String]) throws(HTTPParseError) {
        var codings: [(name: ArraySlice<UInt8>, hasParameters: Bool)] = []
        for line in lines {
            guard let members = FieldList.members(ArraySlice(line.utf8)) else {
                throw .bad("malformed Transfer-Encoding")
            }
            for member in members {
                guard let coding = FieldList.transferCoding(member) else { throw .bad("malformed Transfer-Encoding") }
                codings.append(coding)
            }
        }
        guard let last = codings.last else { throw .bad("empty Transfer-Encoding") }
        var chunkedCount = 0
        for coding in codings where RequestTargetGrammar.asciiCaseInsensitiveEqual(coding.name, "chunked") {
            if coding.hasParameters { throw .bad("chunked takes no parameters") }
            chunkedCount += 1
        }
        guard chunkedCount == 1, RequestTargetGrammar.asciiCaseInsensitiveEqual(last.name, "chunked") else {
            throw .bad("chunked must be the final transfer coding, applied once")
        }
        if codings.count > 1 {
            throw HTTPParseError(status: 501, reason: "a transfer coding other than chunked was applied")
        }
    }
}

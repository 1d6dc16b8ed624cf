/// How the body of a request is delimited (RFC 9112 6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No body: neither Content-Length nor Transfer-Encoding was sent.
    case none
    /// Exactly this many bytes follow the head.
    case length(Int)
    /// `Transfer-Encoding: chunked`, the only coding accepted.
    case chunked
}

/// Which of the four request-target forms a request used (RFC 9112 3.2).
public enum RequestTargetForm: Sendable, Equatable {
    /// `/path?query`, the usual form.
    case origin
    /// `http://host/path?query`, as sent to proxies; an origin server must accept it (RFC 9112 3.2.2).
    case absolute
    /// `host:port`, only with CONNECT.
    case authority
    /// `*`, only with OPTIONS.
    case asterisk
}

/// A request line and header section, validated, before any body byte is read.
public struct RequestHead: Sendable, Equatable {
    /// The method token, case-sensitive as sent (RFC 9110 9.1).
    public var method: String
    /// The request-target exactly as sent (origin-form, absolute-form, authority-form or "*").
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: BodyFraming
    /// Whether the connection may stay open after this exchange, from the version and `Connection` tokens.
    public var keepAlive: Bool
    /// `Expect: 100-continue` was sent (any other expectation is refused with 417 by the parser).
    public var expectsContinue: Bool
    /// The form of `target`; routing should use `pathAndQuery`, which is the same for origin- and absolute-form.
    public var targetForm: RequestTargetForm

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders,
                framing: BodyFraming, keepAlive: Bool, expectsContinue: Bool,
                targetForm: RequestTargetForm = .origin) {
        self.targetForm = targetForm
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }
}

extension RequestHead {
    /// The absolute-path and query to route on: the target itself in origin-form; the part after the
    /// authority in absolute-form ("/" when empty, RFC 9110 4.2.3); nil for authority- and asterisk-form.
    public var pathAndQuery: Substring? { RequestHead.pathAndQuery(of: target, form: targetForm) }

    /// `pathAndQuery` for a target the parser validated as being of `form`.
    public static func pathAndQuery(of target: String, form: RequestTargetForm) -> Substring? {
        switch form {
        case .origin:
            return target[...]
        case .absolute:
            // Validated by the parser: scheme "://" authority, then "/" or "?" or the end.
            guard let colon = target.firstIndex(of: ":") else { return nil }
            let authorityStart = target.index(colon, offsetBy: 3, limitedBy: target.endIndex) ?? target.endIndex
            let afterAuthority = target[authorityStart...].firstIndex { $0 == "/" || $0 == "?" }
            guard let start = afterAuthority else { return "/" }
            return target[start] == "?" ? Substring("/" + target[start...]) : target[start...]
        case .authority, .asterisk:
            return nil
        }
    }
}

/// A complete request message as framed on the wire: head, de-chunked body, trailer fields.
public struct ParsedRequest: Sendable, Equatable {
    public var head: RequestHead
    public var body: [UInt8]
    public var trailers: HTTPHeaders

    public init(head: RequestHead, body: [UInt8], trailers: HTTPHeaders) {
        self.head = head
        self.body = body
        self.trailers = trailers
    }
}

/// Why a request could not be parsed, with the status to answer before closing the connection.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400, 413, 414, 417, 431, 501 or 505.
    public var status: Int
    /// One sentence for the problem body's `detail` (never echoes request bytes).
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status): \(reason)" }

    /// `reason` as the sentence a problem body's `detail` carries: capitalised, with a full stop.
    public var sentence: String {
        guard let first = reason.first else { return "The request is malformed." }
        let body = first.uppercased() + reason.dropFirst()
        return body.hasSuffix(".") ? body : body + "."
    }
}

/// Limits enforced while parsing, with the defaults of docs/http-server.md.
public struct HTTPParserLimits: Sendable, Equatable {
    /// Longest request-target; longer → 414.
    public var maxTargetBytes: Int = 8 * 1024
    /// Largest header section (all field lines, excluding the request line); larger → 431.
    public var maxHeaderSectionBytes: Int = 16 * 1024
    /// Most header field lines; more → 431.
    public var maxHeaderFields: Int = 100
    /// Body limit used until the caller sets `RequestParser.bodyLimit` for the route; larger → 413.
    public var defaultBodyLimit: Int = 1024 * 1024

    public init() {}
}

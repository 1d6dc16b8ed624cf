/// Which trailer fields are handed to the application (RFC 9110 6.5.1, 6.5.2).
///
/// A recipient must not merge trailers into the header section unless the field is explicitly
/// allowed, and fields that control framing, routing, request modifiers, authentication or the
/// representation's metadata are not allowed as trailers at all. We keep trailers apart in
/// `ParsedRequest.trailers` and drop those forbidden ones there, so no handler can mistake a trailer
/// for framing or credentials.
enum TrailerPolicy {
    /// Lower-case names of fields that are never kept when received as trailers.
    static let forbidden: Set<String> = [
        // Framing (RFC 9110 6.5.1; RFC 9112 6, 7).
        "content-length", "transfer-encoding", "trailer", "te",
        // Routing and connection management (RFC 9110 7.2, 7.6).
        "host", "connection", "keep-alive", "proxy-connection", "upgrade",
        // Request modifiers: controls and conditionals (RFC 9110 7.6.2, 10.1, 13.1, 14.2).
        "expect", "max-forwards", "cache-control", "pragma", "range",
        "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
        // Authentication (RFC 9110 11.6, 11.7) and cookies (RFC 6265).
        "authorization", "proxy-authorization", "cookie",
        // Content metadata that must be known before the content is processed (RFC 9110 8).
        "content-encoding", "content-type", "content-range", "content-location",
    ]

    static func isAllowed(_ name: String) -> Bool {
        !forbidden.contains(lowercasedASCII(name))
    }

    private static func lowercasedASCII(_ s: String) -> String {
        String(decoding: s.utf8.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

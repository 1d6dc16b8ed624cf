/// A response a handler returns. The server adds `Date`, framing (`Content-Length`), `Connection`
/// when it will close, and `X-Request-ID`; a handler sets everything else.
public struct Response: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: String) {
        self.status = status
        self.headers = ["Content-Type": contentType]
        self.body = Array(body.utf8)
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ body: String, status: Int = 200) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: body)
    }

    /// A JSON response from already-encoded bytes.
    public static func json(_ body: [UInt8], status: Int = 200) -> Response {
        Response(status: status, headers: ["Content-Type": "application/json"], body: body)
    }
}

/// Turns a handler's `Response` into the bytes of its status line and header section. The body is not
/// copied: the connection queues it as its own segment after the head (`OutputQueue`).
///
/// The server owns framing and connection management: a handler's `Content-Length`,
/// `Transfer-Encoding`, `Connection` and `Date` are replaced by the server's own.
enum ResponseEncoder {
    /// What the encoder needs to know of the request being answered.
    struct Context {
        var isHead: Bool
        var version: HTTPVersion
        var requestID: String
        /// The connection closes after this response.
        var close: Bool
    }

    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The head's bytes, and whether the body follows it. A response to HEAD never has content,
    /// whatever its status (RFC 9110 9.3.2), nor do 1xx, 204 and 304 (RFC 9110 6.4.1); the others
    /// state their length, HEAD included (the length a GET would have had).
    static func head(of response: Response, context: Context, date: [UInt8]) -> (bytes: [UInt8], sendsBody: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(160 + response.headers.count * 40)
        let status = response.status
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(status, to: &out)
        out.append(0x20)
        out.append(contentsOf: HTTPStatus.reasonPhrase(status).utf8)
        out.append(contentsOf: [13, 10])
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
        out.append(contentsOf: date)
        out.append(contentsOf: [13, 10])
        let noContent = HTTPStatus.forbidsContent(status)
        if !noContent {
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &out)
            out.append(contentsOf: [13, 10])
        }
        if context.close {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if context.version.minor == 0 {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        if !sawRequestID && !context.requestID.isEmpty {
            out.append(contentsOf: "X-Request-ID: ".utf8)
            out.append(contentsOf: context.requestID.utf8)
            out.append(contentsOf: [13, 10])
        }
        out.append(contentsOf: [13, 10])
        return (out, !noContent && !context.isHead && !response.body.isEmpty)
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value > 0 else {
            out.append(value == 0 ? 0x30 : 0x2D)
            if value < 0 { out.append(contentsOf: String(-value).utf8) }
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value, n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[n] = UInt8(0x30 + v % 10); v /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}

import Testing
@testable import HTTP

/// The head the server writes for a response; the body is its own segment.
@Suite struct ResponseEncoderTests {
    static let date = Array("Thu, 03 Dec 2026 08:00:00 GMT".utf8)

    func encode(_ r: Response, isHead: Bool = false, close: Bool = false, minor: Int = 1) -> (String, Bool) {
        let context = ResponseEncoder.Context(isHead: isHead, version: HTTPVersion(major: 1, minor: minor), requestID: "r-1", close: close)
        let (bytes, sendsBody) = ResponseEncoder.head(of: r, context: context, date: Self.date)
        return (String(decoding: bytes, as: UTF8.self), sendsBody)
    }

    @Test func framingDateAndRequestIDAreTheServers() {
        let (head, sendsBody) = encode(Response(status: 201, headers: ["Content-Length": "999", "Connection": "keep-alive",
                                                                         "Date": "yesterday", "X-A": "b"], body: Array("hello".utf8)))
        #expect(head == "HTTP/1.1 201 Created\r\nX-A: b\r\nDate: Thu, 03 Dec 2026 08:00:00 GMT\r\nContent-Length: 5\r\nX-Request-ID: r-1\r\n\r\n")
        #expect(sendsBody)
    }

    @Test(arguments: [200, 400, 404, 408, 413, 417, 431, 500, 501, 505])
    func aResponseToHeadStatesItsLengthButSendsNoContent(_ status: Int) {
        let (head, sendsBody) = encode(Response(status: status, headers: [:], body: Array("{\"x\":1}".utf8)), isHead: true)
        #expect(head.contains("Content-Length: 7\r\n"))
        #expect(!sendsBody)
    }

    @Test(arguments: [204, 304])
    func statusesWithoutContentHaveNoLengthAndNoBody(_ status: Int) {
        let (head, sendsBody) = encode(Response(status: status, headers: [:], body: Array("x".utf8)))
        #expect(!head.contains("Content-Length"))
        #expect(!sendsBody)
    }

    @Test func connectionFieldFollowsTheDecisionAndTheVersion() {
        #expect(encode(.text("x"), close: true).0.contains("Connection: close\r\n"))
        #expect(encode(.text("x"), minor: 0).0.contains("Connection: keep-alive\r\n"))
        #expect(!encode(.text("x")).0.contains("Connection:"))
    }

    @Test func anEmptyBodyIsNotASegment() {
        let (head, sendsBody) = encode(Response(status: 200))
        #expect(head.contains("Content-Length: 0\r\n"))
        #expect(!sendsBody)
    }
}

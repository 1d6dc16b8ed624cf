import Testing
import TestSupport
@testable import HTTP

/// Every rejection of docs/http-server.md, end to end: the right status, problem+json, then the connection closes.
@Suite struct ServerRejectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var raw: String
        var status: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "CL and TE", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "differing CLs", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", status: 400),
        Case(name: "bad CL", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3x\r\n\r\nabc", status: 400),
        Case(name: "obs-fold", raw: "GET /hello HTTP/1.1\r\nHost: t\r\nX-A: a\r\n b\r\n\r\n", status: 400),
        Case(name: "space before colon", raw: "GET /hello HTTP/1.1\r\nHost : t\r\n\r\n", status: 400),
        Case(name: "no Host", raw: "GET /hello HTTP/1.1\r\n\r\n", status: 400),
        Case(name: "two Hosts", raw: "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        Case(name: "unknown coding", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", status: 501),
        Case(name: "chunked not last", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "TE in HTTP/1.0", raw: "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "bad chunk size", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", status: 400),
        Case(name: "chunk without CRLF", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", status: 400),
        Case(name: "overflowing chunk size", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", status: 400),
        Case(name: "HTTP/2 preface", raw: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", status: 505),
        Case(name: "HTTP/3.0", raw: "GET /hello HTTP/3.0\r\nHost: t\r\n\r\n", status: 505),
        Case(name: "URI too long", raw: "GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\nHost: t\r\n\r\n", status: 414),
        Case(name: "header section too big", raw: "GET /hello HTTP/1.1\r\nHost: t\r\n" + String(repeating: "X-Pad: " + String(repeating: "p", count: 1000) + "\r\n", count: 17) + "\r\n", status: 431),
        Case(name: "too many fields", raw: "GET /hello HTTP/1.1\r\nHost: t\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", status: 431),
        Case(name: "body over default limit", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n", status: 413),
        Case(name: "unknown expectation", raw: "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nExpect: teapot\r\n\r\nx", status: 417),
        Case(name: "bare LF", raw: "GET /hello HTTP/1.1\nHost: t\n\n", status: 400),
    ]

    @Test(arguments: cases)
    func rejectedWithStatusThenClosed(_ c: Case) async throws {
        let server = try startTestServer()
        let port = server.port!
        let raw = c.raw
        let outcome = await onThread { () -> (WireResponse?, Bool) in
            let client = TestClient(port: port)!
            client.send(raw)
            let r = client.readResponse()
            return (r, client.waitForClose())
        }
        let response = try #require(outcome.0)
        #expect(response.status == c.status)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(response.headers["Connection"] == "close")
        #expect(response.headers["Date"] != nil)
        #expect(response.bodyText.contains("\"status\":\(c.status)"))
        #expect(outcome.1, "closed after the error")
        await server.stop()
    }
}

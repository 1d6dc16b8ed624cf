import Testing
@testable import HTTP

/// Persistence (RFC 9112 9.3) and Expect (RFC 9110 10.1.1).
@Suite struct ParserConnectionTests {
    @Test(arguments: [
        ("HTTP/1.1", [String](), true),
        ("HTTP/1.1", ["Connection: close"], false),
        ("HTTP/1.1", ["Connection: CLOSE"], false),
        ("HTTP/1.1", ["Connection: keep-alive"], true),
        ("HTTP/1.1", ["Connection: upgrade, Close"], false),
        ("HTTP/1.1", ["Connection: keep-alive", "Connection: close"], false),
        ("HTTP/1.1", ["Connection: x-closed"], true),
        ("HTTP/1.0", [], false),
        ("HTTP/1.0", ["Connection: keep-alive"], true),
        ("HTTP/1.0", ["Connection: Keep-Alive"], true),
        ("HTTP/1.0", ["Connection: foo, keep-alive"], true),
        ("HTTP/1.0", ["Connection: keep-alive, close"], false),
        ("HTTP/1.0", ["Connection: keep-alive", "Connection: close"], false),
        ("HTTP/1.0", ["Connection: close"], false),
        ("HTTP/1.0", ["Keep-Alive: timeout=5"], false),
    ])
    func keepAliveMatrix(version: String, lines: [String], keepAlive: Bool) throws {
        let m = try #require(onlyMessage(request("GET / \(version)", lines)))
        #expect(m.head.keepAlive == keepAlive)
    }

    @Test(arguments: ["100-continue", "100-Continue", "100-CONTINUE", " 100-continue ", "100-continue, 100-continue"])
    func expect100ContinueIsReported(value: String) throws {
        var parser = RequestParser()
        let text = request("POST / HTTP/1.1", ["Expect:\(value)", "Content-Length: 3"])
        let first = try parseOnce(&parser, Array(text.utf8))
        guard case .head(let head) = first.event else { Issue.record("expected .head"); return }
        #expect(head.expectsContinue)
        // The server answers 100 Continue now; the body follows only after that.
        #expect(try parseOnce(&parser, []).event == .needMoreData)
        let m = try parseOnce(&parser, Array("abc".utf8))
        #expect(m.event == .message(ParsedRequest(head: head, body: Array("abc".utf8), trailers: HTTPHeaders())))
    }

    @Test func expect100ContinueIsIgnoredInHTTP10() throws {
        let m = try #require(onlyMessage(request("POST / HTTP/1.0", ["Expect: 100-continue", "Content-Length: 0"])))
        #expect(!m.head.expectsContinue)
        #expect(onlyMessage(request(["Content-Length: 0"]))?.head.expectsContinue == false)
    }

    @Test func emptyExpectIsNoExpectation() throws {
        let m = try #require(onlyMessage(request("POST / HTTP/1.1", ["Expect: ", "Expect: ,", "Content-Length: 0"])))
        #expect(!m.head.expectsContinue)
    }

    @Test(arguments: ["200-ok", "100-continue, foo", "100-continue=1", "continue", "\"100-continue\"", "100-continue;x"])
    func otherExpectationsAre417(value: String) {
        #expect(thrownStatus(request("POST / HTTP/1.1", ["Expect: \(value)", "Content-Length: 0"])) == 417)
        #expect(thrownStatus(request("POST / HTTP/1.0", ["Expect: \(value)", "Content-Length: 0"])) == 417)
    }
}

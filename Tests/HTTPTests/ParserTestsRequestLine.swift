import Testing
@testable import HTTP

/// Request line (RFC 9112 3): method, request-target forms, version, empty lines before it.
@Suite struct ParserRequestLineTests {
    @Test func originFormRequestIsParsed() throws {
        let m = try #require(onlyMessage(request("GET /v1/cases?status=open&limit=50 HTTP/1.1")))
        #expect(m.head.method == "GET")
        #expect(m.head.target == "/v1/cases?status=open&limit=50")
        #expect(m.head.version == .http1_1)
        #expect(m.head.framing == .none)
        #expect(m.body.isEmpty)
        #expect(m.head.headers["host"] == "example.com")
    }

    @Test(arguments: [
        ("GET / HTTP/1.1", "/"),
        ("GET /a/b/c HTTP/1.1", "/a/b/c"),
        ("GET /%41%7e?x=%2F HTTP/1.1", "/%41%7e?x=%2F"),
        ("GET /p;a=1/q:w@x!$&'()*+,= HTTP/1.1", "/p;a=1/q:w@x!$&'()*+,="),
        ("GET /?a?b/c HTTP/1.1", "/?a?b/c"),
        ("GET //double HTTP/1.1", "//double"),
        ("GET http://example.com/x?y HTTP/1.1", "http://example.com/x?y"),
        ("GET HTTPS://Example.COM:8443 HTTP/1.1", "HTTPS://Example.COM:8443"),
        ("GET http://[::1]:8080/ HTTP/1.1", "http://[::1]:8080/"),
        ("GET http://example.com?q HTTP/1.1", "http://example.com?q"),
        ("CONNECT example.com:443 HTTP/1.1", "example.com:443"),
        ("CONNECT [2001:db8::1]:443 HTTP/1.1", "[2001:db8::1]:443"),
        ("OPTIONS * HTTP/1.1", "*"),
        ("OPTIONS /x HTTP/1.1", "/x"),
    ])
    func everyTargetFormIsAccepted(line: String, target: String) throws {
        let m = try #require(onlyMessage(request(line)))
        #expect(m.head.target == target)
    }

    @Test(arguments: [
        "GET /a#frag HTTP/1.1",             // fragment never sent (RFC 9112 3.2)
        "GET /%zz HTTP/1.1",                // pct-encoded needs two HEXDIG
        "GET /%4 HTTP/1.1",
        "GET /% HTTP/1.1",
        "GET /a\"b HTTP/1.1",
        "GET /a<b> HTTP/1.1",
        "GET /a\\b HTTP/1.1",
        "GET /a{b} HTTP/1.1",
        "GET /a|b HTTP/1.1",
        "GET /a^b HTTP/1.1",
        "GET /a`b HTTP/1.1",
        "GET /[x] HTTP/1.1",                // brackets only inside an IP-literal
        "GET example.com:80 HTTP/1.1",      // authority-form only with CONNECT
        "GET * HTTP/1.1",                   // asterisk-form only with OPTIONS
        "OPTIONS ** HTTP/1.1",
        "CONNECT / HTTP/1.1",               // CONNECT takes only authority-form
        "CONNECT example.com HTTP/1.1",     // port required
        "CONNECT example.com: HTTP/1.1",
        "CONNECT user@example.com:443 HTTP/1.1",
        "GET ftp://example.com/ HTTP/1.1",  // only http and https
        "GET http:/example.com/ HTTP/1.1",
        "GET http:///path HTTP/1.1",        // empty host (RFC 9110 4.2.1)
        "GET http://user@example.com/ HTTP/1.1", // userinfo (RFC 9110 4.2.4)
        "GET http://exa mple.com/ HTTP/1.1",
        "GET http://example.com:99999/ HTTP/1.1",
        "GET http://[::1/ HTTP/1.1",
        "GET x HTTP/1.1",
        "GET ?x HTTP/1.1",
    ])
    func malformedTargetIs400(line: String) {
        #expect(thrownStatus(request(line)) == 400)
    }

    @Test(arguments: [UInt8(0x00), 0x01, 0x09, 0x7F, 0x80, 0xC3, 0xFF])
    func controlAndNonASCIITargetBytesAre400(byte: UInt8) {
        var bytes = Array("GET /a".utf8)
        bytes.append(byte)
        bytes += Array("b HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(thrownStatus(bytes) == 400)
    }

    @Test func targetAtTheLimitIsAcceptedAndOneMoreIs414() {
        let limits = HTTPParserLimits()
        let atLimit = "/" + String(repeating: "a", count: limits.maxTargetBytes - 1)
        #expect(onlyMessage(request("GET \(atLimit) HTTP/1.1"))?.head.target == atLimit)
        #expect(thrownStatus(request("GET \(atLimit)a HTTP/1.1")) == 414)
    }

    @Test func longTargetIs414WithoutWaitingForTheLineEnd() {
        // 8 MB of target, no CRLF ever: the parser must give up as soon as the limit is passed.
        var parser = RequestParser()
        var consumedTotal = 0
        var thrown: HTTPParseError? = nil
        let start = Array("GET /".utf8)
        let piece = [UInt8](repeating: 0x61, count: 4096)
        do throws(HTTPParseError) {
            _ = try parseOnce(&parser, start)
            for _ in 0..<(8 * 1024 * 1024 / piece.count) {
                let r = try parseOnce(&parser, piece)
                consumedTotal += r.consumed
            }
        } catch {
            thrown = error
        }
        #expect(thrown?.status == 414)
        #expect(consumedTotal <= HTTPParserLimits().maxTargetBytes)
    }

    @Test(arguments: [
        ("HTTP/1.0", HTTPVersion.http1_0),
        ("HTTP/1.1", HTTPVersion.http1_1),
        ("HTTP/1.2", HTTPVersion(major: 1, minor: 2)),
        ("HTTP/1.9", HTTPVersion(major: 1, minor: 9)),
    ])
    func oneDotXVersionsAreAccepted(version: String, expected: HTTPVersion) throws {
        let m = try #require(onlyMessage(request("GET / \(version)")))
        #expect(m.head.version == expected)
    }

    @Test func laterOneDotXVersionsHaveHTTP11Semantics() throws {
        #expect(thrownStatus(request("GET / HTTP/1.2", host: nil)) == 400) // Host required as in 1.1
        let m = try #require(onlyMessage(request("GET / HTTP/1.3")))
        #expect(m.head.keepAlive)
        #expect(onlyMessage(request("POST / HTTP/1.2", ["Transfer-Encoding: chunked"], body: "0\r\n\r\n")) != nil)
    }

    @Test(arguments: ["HTTP/0.9", "HTTP/2.0", "HTTP/3.0", "HTTP/9.9", "HTTP/0.0"])
    func otherMajorVersionsAre505(version: String) {
        #expect(thrownStatus(request("GET / \(version)")) == 505)
    }

    @Test func http2ConnectionPrefaceIs505() {
        #expect(thrownStatus("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == 505)
        // Also when it arrives a byte at a time, and with only the first line so far.
        var driver = ParserDriver()
        var status: Int? = nil
        for byte in "PRI * HTTP/2.0\r\n".utf8 {
            do throws(HTTPParseError) { try driver.feed([byte]) } catch { status = error.status; break }
        }
        #expect(status == 505)
    }

    @Test(arguments: [
        "http/1.1", "HTTP/1.10", "HTTP/11", "HTTP/1", "HTTP/1.", "HTTP/a.b", "HTTP/1.1 ", "HTTP 1.1",
        "HTTP/1,1", "HTTP/+1.1", " HTTP/1.1", "HTTPS/1.1", "", "Http/1.1", "HTTP/12.0",
        "HTTP/01.01", "HTTP/ 1.1", "HTTP/1.1\u{00}",
    ])
    func malformedVersionIs400(version: String) {
        #expect(thrownStatus("GET / \(version)\r\nHost: x\r\n\r\n") == 400)
    }

    @Test(arguments: [
        "GET  / HTTP/1.1",      // two SP
        "GET /  HTTP/1.1",
        "GET\t/ HTTP/1.1",      // HTAB is not SP
        " GET / HTTP/1.1",
        "GET /",                // no version (HTTP/0.9 style)
        "GET",
        "GET/ HTTP/1.1",
        "G(T / HTTP/1.1",       // not a token
        "GÉT / HTTP/1.1",
        "/ HTTP/1.1",
    ])
    func malformedRequestLineIs400(line: String) {
        #expect(thrownStatus(line + "\r\nHost: x\r\n\r\n") == 400)
    }

    @Test func methodIsKeptCaseSensitiveAndAnyToken() throws {
        #expect(onlyMessage(request("get / HTTP/1.1"))?.head.method == "get")
        #expect(onlyMessage(request("M-SEARCH / HTTP/1.1"))?.head.method == "M-SEARCH")
        #expect(onlyMessage(request("!#$%&'*+-.^_`|~09az / HTTP/1.1"))?.head.method == "!#$%&'*+-.^_`|~09az")
    }

    @Test func methodLongerThanTheCapIs400() {
        let atCap = String(repeating: "M", count: RequestParser.maxMethodBytes)
        #expect(onlyMessage(request("\(atCap) / HTTP/1.1"))?.head.method == atCap)
        #expect(thrownStatus(request("\(atCap)M / HTTP/1.1")) == 400)
        // Refused without waiting for the end of an endless method.
        #expect(thrownStatus(String(repeating: "M", count: 100_000)) == 400)
    }

    @Test(arguments: [
        ("GET /a?b HTTP/1.1", RequestTargetForm.origin, "/a?b" as String?),
        ("GET http://example.com/a?b HTTP/1.1", .absolute, "/a?b"),
        ("GET http://example.com HTTP/1.1", .absolute, "/"),
        ("GET HTTP://example.com?q HTTP/1.1", .absolute, "/?q"),
        ("GET https://[::1]:8443/x HTTP/1.1", .absolute, "/x"),
        ("CONNECT example.com:443 HTTP/1.1", .authority, nil),
        ("OPTIONS * HTTP/1.1", .asterisk, nil),
    ])
    func targetFormAndPathAreReported(line: String, form: RequestTargetForm, path: String?) throws {
        let m = try #require(onlyMessage(request(line)))
        #expect(m.head.targetForm == form)
        #expect(m.head.pathAndQuery.map(String.init) == path)
    }

    @Test func emptyLinesBeforeTheRequestLineAreIgnoredUpToACap() {
        let cap = RequestParser.maxLeadingEmptyLines
        #expect(onlyMessage(String(repeating: "\r\n", count: 1) + request())?.head.target == "/")
        #expect(onlyMessage(String(repeating: "\r\n", count: cap) + request())?.head.target == "/")
        #expect(thrownStatus(String(repeating: "\r\n", count: cap + 1) + request()) == 400)
    }

    @Test(arguments: ["\n", "\r", "\r\r\n", "\n\r\n"])
    func bareLineEndingsBeforeTheRequestLineAre400(prefix: String) {
        #expect(thrownStatus(prefix + request()) == 400)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\rHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\n",
        "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\r\r",
        "GET / HTTP/1.1\r\nHost: x\r\nA: b\rc\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nA: b\nc\r\n\r\n",
        "GET / HTTP/1.1\n\n",
    ])
    func bareCROrLFInTheHeadIs400(text: String) {
        #expect(thrownStatus(text) == 400)
    }
}

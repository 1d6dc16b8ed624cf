import Testing
@testable import HTTP

/// Header fields (RFC 9112 5, RFC 9110 5) and the Host field (RFC 9112 3.2).
@Suite struct ParserFieldTests {
    @Test(arguments: [
        ("A: b", "b"),
        ("A:b", "b"),
        ("A:   b  ", "b"),
        ("A:\tb\t", "b"),
        ("A: \t b c \t ", "b c"),
        ("A:", ""),
        ("A:   ", ""),
        ("A: \"quoted, value\"", "\"quoted, value\""),
        ("A: x:y:z", "x:y:z"),
    ])
    func valuesAreTrimmedOfOWS(line: String, value: String) throws {
        let m = try #require(onlyMessage(request([line])))
        #expect(m.head.headers.values(for: "A") == [value])
    }

    @Test func obsTextIsAcceptedAndValidUTF8IsKept() throws {
        let m = try #require(onlyMessage(request(["X-Name: Zoë Brontë"])))
        #expect(m.head.headers["x-name"] == "Zoë Brontë")
        var bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nX-Raw: a".utf8)
        bytes += [0x80, 0xFF, 0x62]
        bytes += Array("\r\n\r\n".utf8)
        let raw = try #require(onlyMessage(bytes))
        #expect(raw.head.headers["X-Raw"]?.hasPrefix("a") == true)
        #expect(raw.head.headers["X-Raw"]?.hasSuffix("b") == true)
    }

    @Test func repeatedFieldsAreKeptInOrderWithTheirCase() throws {
        let m = try #require(onlyMessage(request(["Accept: a", "X-One: 1", "accept: b", "ACCEPT: c"])))
        #expect(m.head.headers.values(for: "Accept") == ["a", "b", "c"])
        #expect(m.head.headers.fields.map { $0.name } == ["Host", "Accept", "X-One", "accept", "ACCEPT"])
    }

    @Test(arguments: ["A : b", "A\t: b", "Host : example.com", "Content-Length : 0"])
    func whitespaceBeforeTheColonIs400(line: String) {
        #expect(thrownStatus(request([line])) == 400)
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n\tc\r\n\r\n",
        "GET / HTTP/1.1\r\n Host: x\r\n\r\n",      // whitespace before the first field line
        "GET / HTTP/1.1\r\n\tHost: x\r\n\r\n",
    ])
    func obsFoldIs400(text: String) {
        #expect(thrownStatus(text) == 400)
    }

    @Test(arguments: ["No colon here", ": empty name", "A(b): c", "A/b: c", "Ä: b", "A\"b: c", "[x]: y", "A@b: c"])
    func malformedFieldLineIs400(line: String) {
        #expect(thrownStatus(request([line])) == 400)
    }

    @Test(arguments: [UInt8(0x00), 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F])
    func controlCharactersInValuesAre400(byte: UInt8) {
        var bytes = Array("GET / HTTP/1.1\r\nHost: x\r\nA: b".utf8)
        bytes.append(byte)
        bytes += Array("c\r\n\r\n".utf8)
        #expect(thrownStatus(bytes) == 400)
    }

    @Test func headerSectionAtTheLimitIsAcceptedAndOneByteMoreIs431() {
        // The section is the field lines with their CRLFs; the blank line ending it is not counted.
        let limit = HTTPParserLimits().maxHeaderSectionBytes
        let hostLine = "Host: x\r\n"
        let fixed = hostLine.utf8.count + "X: \r\n".utf8.count
        let filler = String(repeating: "v", count: limit - fixed)
        let atLimit = "GET / HTTP/1.1\r\n\(hostLine)X: \(filler)\r\n\r\n"
        #expect(onlyMessage(atLimit)?.head.headers["X"]?.utf8.count == filler.utf8.count)
        let over = "GET / HTTP/1.1\r\n\(hostLine)X: \(filler)v\r\n\r\n"
        #expect(thrownStatus(over) == 431)
    }

    @Test func oversizedHeaderSectionIs431BeforeTheSectionEnds() {
        var parser = RequestParser()
        var status: Int? = nil
        do throws(HTTPParseError) {
            _ = try parseOnce(&parser, Array("GET / HTTP/1.1\r\nX: ".utf8))
            for _ in 0..<100 { _ = try parseOnce(&parser, [UInt8](repeating: 0x61, count: 1024)) }
        } catch {
            status = error.status
        }
        #expect(status == 431)
    }

    @Test func headerFieldCountAtTheLimitIsAcceptedAndOneMoreIs431() {
        let max = HTTPParserLimits().maxHeaderFields
        let lines = (1..<max).map { "X-\($0): v" }         // plus Host = max lines
        #expect(onlyMessage(request(lines))?.head.headers.count == max)
        #expect(thrownStatus(request(lines + ["X-Extra: v"])) == 431)
    }

    @Test func customLimitsApply() {
        var limits = HTTPParserLimits()
        limits.maxHeaderFields = 2
        limits.maxHeaderSectionBytes = 40
        limits.maxTargetBytes = 4
        #expect(onlyMessage(request("GET /abc HTTP/1.1", ["A: b"]), limits: limits) != nil)
        #expect(thrownStatus(request("GET /abcd HTTP/1.1"), limits: limits) == 414)
        #expect(thrownStatus(request(["A: b", "C: d"]), limits: limits) == 431)
        #expect(thrownStatus(request([ "A: " + String(repeating: "b", count: 40)]), limits: limits) == 431)
    }

    // MARK: Host (RFC 9112 3.2)

    @Test func http11WithoutHostIs400() {
        #expect(thrownStatus(request(host: nil)) == 400)
    }

    @Test func http10WithoutHostIsAccepted() {
        #expect(onlyMessage(request("GET / HTTP/1.0", host: nil))?.head.version == .http1_0)
    }

    @Test func twoHostLinesAre400() {
        #expect(thrownStatus(request(["Host: example.com"])) == 400)
        #expect(thrownStatus(request("GET / HTTP/1.0", host: "a", ["host: b"])) == 400)
        #expect(thrownStatus(request("GET http://example.com/ HTTP/1.1", ["Host: example.com"])) == 400)
    }

    @Test(arguments: [
        "example.com", "EXAMPLE.com:8080", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:443",
        "[2001:db8:85a3::8a2e:370:7334]", "[::ffff:192.0.2.1]", "[1:2:3:4:5:6:7:8]", "[v1.fe80::a+en1]",
        "host:", "a-b_c~d.e", "%41bc", "sub!$&'()*+,;=",
    ])
    func validHostValuesAreAccepted(host: String) throws {
        let m = try #require(onlyMessage(request(host: host)))
        #expect(m.head.headers["Host"] == host)
    }

    @Test(arguments: [
        "a b", "user@example.com", "example.com:abc", "example.com:99999", "example.com:123456",
        ":80", "[::1", "::1", "[zz::1]", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[::1]x", "[::1]:x",
        "a/b", "a?b", "a#b", "%4", "%zz", "exa\"mple", "a:1:2", "[]", "[1:2:3:4:5:6:7]",
        "[::256.0.0.1]", "[::01.2.3.4]", "[12345::]",
        "localhost:8080, other.example.com", "localhost:8080/path", "a b:80",
    ])
    func invalidHostValuesAre400(host: String) {
        #expect(thrownStatus(request(host: host)) == 400)
    }

    @Test func emptyHostIsAcceptedOnlyWhenTheTargetCarriesTheAuthority() {
        #expect(thrownStatus(request(host: "")) == 400)
        #expect(thrownStatus(request("OPTIONS * HTTP/1.1", host: "")) == 400)
        #expect(thrownStatus(request("GET / HTTP/1.0", host: "")) == 400)
        #expect(onlyMessage(request("GET http://example.com/ HTTP/1.1", host: ""))?.head.headers["Host"] == "")
        #expect(onlyMessage(request("CONNECT example.com:443 HTTP/1.1", host: ""))?.head.target == "example.com:443")
    }

    @Test func hostIsStillRequiredWithAbsoluteForm() {
        #expect(thrownStatus(request("GET http://example.com/ HTTP/1.1", host: nil)) == 400)
        #expect(onlyMessage(request("GET http://example.com/ HTTP/1.1", host: "other.example"))?.head.target == "http://example.com/")
    }
}

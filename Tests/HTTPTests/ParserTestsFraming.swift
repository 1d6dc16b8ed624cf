import Testing
@testable import HTTP

/// Message body length (RFC 9112 6, RFC 9110 8.6) and the route's body limit.
@Suite struct ParserFramingTests {
    @Test func noContentLengthNorTransferEncodingMeansNoBody() throws {
        // RFC 9112 6.3: the bytes after the head are the next request, not a body.
        let result = outcome("POST /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        let messages = try result.get()
        #expect(messages.map { $0.head.target } == ["/a", "/b"])
        #expect(messages[0].head.framing == .none)
        #expect(messages[0].body.isEmpty)
    }

    @Test func contentLengthBodyIsRead() throws {
        let m = try #require(onlyMessage(request("POST / HTTP/1.1", ["Content-Length: 11"], body: "hello world")))
        #expect(m.head.framing == .length(11))
        #expect(m.body == Array("hello world".utf8))
    }

    @Test func lookAlikeFramingNamesAreOrdinaryFields() throws {
        // Content_Length and Transfer_Encoding are other fields (tchar allows "_"); they frame nothing.
        let text = request("POST / HTTP/1.1", ["Content_Length: 99", "Transfer_Encoding: chunked", "Content-Length: 2"], body: "ok")
        let m = try #require(onlyMessage(text))
        #expect(m.head.framing == .length(2))
        #expect(m.body == Array("ok".utf8))
        #expect(thrownStatus(request("POST / HTTP/1.1", ["Content\tLength: 99", "Content-Length: 2"], body: "ok")) == 400)
    }

    @Test func zeroContentLengthIsAnEmptyBody() throws {
        let m = try #require(onlyMessage(request("POST / HTTP/1.1", ["Content-Length: 0"])))
        #expect(m.head.framing == .length(0))
        #expect(m.body.isEmpty)
    }

    @Test(arguments: [
        (["Content-Length: 5"], 5),
        (["Content-Length: 005"], 5),
        (["Content-Length: 5, 5"], 5),
        (["Content-Length: 5,5,5"], 5),
        (["Content-Length: 5", "Content-Length: 5"], 5),
        (["Content-Length: 5", "content-length: 05, 5"], 5),
        (["Content-Length:   5   "], 5),
    ])
    func identicalContentLengthsAreOneLength(lines: [String], length: Int) throws {
        let m = try #require(onlyMessage(request("POST / HTTP/1.1", lines, body: "abcde")))
        #expect(m.head.framing == .length(length))
        #expect(m.body == Array("abcde".utf8))
    }

    @Test(arguments: [
        ["Content-Length: 5, 6"],
        ["Content-Length: 5", "Content-Length: 6"],
        ["Content-Length:"],
        ["Content-Length: "],
        ["Content-Length: ,"],
        ["Content-Length: 5,"],
        ["Content-Length: ,5"],
        ["Content-Length: 5,,5"],
        ["Content-Length: +5"],
        ["Content-Length: -5"],
        ["Content-Length: 5 5"],
        ["Content-Length: 0x5"],
        ["Content-Length: 5a"],
        ["Content-Length: a"],
        ["Content-Length: 5.0"],
        ["Content-Length: \"5\""],
        ["Content-Length: 1e3"],
        ["Content-Length: ５"],
        ["Content-Length: 0o5"],
        ["Content-Length: 1_0"],
        ["Content-Length: -0"],
    ])
    func invalidOrDifferingContentLengthIs400(lines: [String]) {
        #expect(thrownStatus(request("POST / HTTP/1.1", lines, body: "abcde")) == 400)
    }

    @Test(arguments: ["9223372036854775807", "9223372036854775808", "99999999999999999999", "99999999999999999999999999", "1000000000000000000"])
    func contentLengthOfMoreThan18DigitsIs400(value: String) {
        #expect(thrownStatus(request("POST / HTTP/1.1", ["Content-Length: \(value)"])) == 400)
    }

    @Test(arguments: ["999999999999999999", "0000000000000000000000012000000"])
    func contentLengthWithin18SignificantDigitsButOverTheLimitIs413(value: String) {
        #expect(thrownStatus(request("POST / HTTP/1.1", ["Content-Length: \(value)"])) == 413)
    }

    @Test func contentLengthAtTheLimitIsAcceptedAndOneMoreIs413() {
        var limits = HTTPParserLimits()
        limits.defaultBodyLimit = 10
        let body = String(repeating: "b", count: 10)
        #expect(onlyMessage(request("POST / HTTP/1.1", ["Content-Length: 10"], body: body), limits: limits)?.body.count == 10)
        #expect(thrownStatus(request("POST / HTTP/1.1", ["Content-Length: 11"], body: body + "b"), limits: limits) == 413)
    }

    @Test func contentLengthOverTheDefaultLimitIs413BeforeAnyBodyByte() throws {
        var parser = RequestParser()
        let head = Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n".utf8)
        let first = try parseOnce(&parser, head)
        guard case .head = first.event else { Issue.record("expected .head"); return }
        #expect(first.consumed == head.count)
        // No body byte has arrived: the refusal comes on the next call, before anything is buffered.
        #expect(throws: HTTPParseError.tooLarge) { try parseOnce(&parser, []) }
    }

    @Test func routeMayRaiseTheBodyLimitAfterTheHead() throws {
        let big = String(repeating: "z", count: 2 * 1024 * 1024)
        let text = request("POST /v1/roll-notifications/batch HTTP/1.1", ["Content-Length: \(big.utf8.count)"], body: big)
        #expect(thrownStatus(text) == 413)
        let result = outcome(text, routeBodyLimit: { $0.target.hasSuffix("/batch") ? 16 * 1024 * 1024 : nil })
        #expect(try result.get().first?.body.count == big.utf8.count)
    }

    @Test func routeMayLowerTheBodyLimitAndItResetsForTheNextMessage() throws {
        var driver = ParserDriver()
        driver.routeBodyLimit = { $0.target == "/small" ? 3 : nil }
        try driver.feed(Array(request("POST /big HTTP/1.1", ["Content-Length: 4"], body: "abcd").utf8))
        #expect(driver.messages.count == 1)
        #expect(driver.parser.bodyLimit == HTTPParserLimits().defaultBodyLimit)
        #expect(throws: HTTPParseError.tooLarge) {
            try driver.feed(Array(request("POST /small HTTP/1.1", ["Content-Length: 4"], body: "abcd").utf8))
        }
    }

    @Test func hugeContentLengthNeverReservesItsClaim() throws {
        var limits = HTTPParserLimits()
        limits.defaultBodyLimit = Int.max
        var parser = RequestParser(limits: limits)
        _ = try parseOnce(&parser, Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999999999\r\n\r\n".utf8))
        let r = try parseOnce(&parser, Array("abc".utf8))
        #expect(r.event == .needMoreData)
        #expect(r.consumed == 3)
        #expect(parser.body.capacity <= 2 * RequestParser.initialBodyCapacityCap)
    }

    @Test(arguments: [
        ["Content-Length: 5", "Transfer-Encoding: chunked"],
        ["Transfer-Encoding: chunked", "Content-Length: 5"],
        ["Transfer-Encoding: chunked", "Content-Length: 0"],
        ["Transfer-Encoding: gzip, chunked", "Content-Length: 5"],
    ])
    func contentLengthWithTransferEncodingIs400(lines: [String]) {
        #expect(thrownStatus(request("POST / HTTP/1.1", lines, body: "0\r\n\r\n")) == 400)
    }

    @Test func transferEncodingInHTTP10Is400() {
        #expect(thrownStatus(request("POST / HTTP/1.0", ["Transfer-Encoding: chunked"], body: "0\r\n\r\n")) == 400)
    }

    @Test(arguments: [
        ["Transfer-Encoding: chunked"],
        ["Transfer-Encoding: Chunked"],
        ["Transfer-Encoding: CHUNKED"],
        ["Transfer-Encoding:  chunked  "],
        ["Transfer-Encoding: , chunked"],     // empty list members are ignored (RFC 9110 5.6.1)
        ["Transfer-Encoding: chunked ,"],
    ])
    func chunkedAloneIsChunked(lines: [String]) throws {
        let m = try #require(onlyMessage(request("POST / HTTP/1.1", lines, body: "3\r\nabc\r\n0\r\n\r\n")))
        #expect(m.head.framing == .chunked)
        #expect(m.body == Array("abc".utf8))
    }

    @Test(arguments: [
        ["Transfer-Encoding: chunked, chunked"],
        ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
        ["Transfer-Encoding: chunked, gzip"],
        ["Transfer-Encoding: chunked", "Transfer-Encoding: gzip"],
        ["Transfer-Encoding: gzip"],
        ["Transfer-Encoding: identity"],
        ["Transfer-Encoding: chunked;x=1"],
        ["Transfer-Encoding: "],
        ["Transfer-Encoding: ,"],
        ["Transfer-Encoding: chu nked"],
        ["Transfer-Encoding: \"chunked\""],
        ["Transfer-Encoding: chunked;"],
        ["Transfer-Encoding: gzip;q, chunked"],
        ["Transfer-Encoding: gzip;q=\"open, chunked"],
        ["Transfer-Encoding: xchunked"],
        ["Transfer-Encoding: chunked\u{0B}"],
    ])
    func transferEncodingWithoutFinalSingleChunkedOrMalformedIs400(lines: [String]) {
        #expect(thrownStatus(request("POST / HTTP/1.1", lines, body: "0\r\n\r\n")) == 400)
    }

    @Test(arguments: [
        ["Transfer-Encoding: gzip, chunked"],
        ["Transfer-Encoding: deflate, chunked"],
        ["Transfer-Encoding: compress, chunked"],
        ["Transfer-Encoding: identity, chunked"],
        ["Transfer-Encoding: x-custom, chunked"],
        ["Transfer-Encoding: gzip", "Transfer-Encoding: chunked"],
        ["Transfer-Encoding: gzip;level=9, chunked"],
        ["Transfer-Encoding: gzip ; q = \"a, b\" , chunked"],
    ])
    func otherCodingsBeforeChunkedAre501(lines: [String]) {
        #expect(thrownStatus(request("POST / HTTP/1.1", lines, body: "0\r\n\r\n")) == 501)
    }
}

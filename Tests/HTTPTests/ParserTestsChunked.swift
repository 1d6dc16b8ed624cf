import Testing
@testable import HTTP

/// Chunked transfer coding (RFC 9112 7.1) and trailer fields (RFC 9112 7.1.2, RFC 9110 6.5).
@Suite struct ParserChunkedTests {
    func chunked(_ body: String, _ extra: [String] = []) -> String {
        request("POST /upload HTTP/1.1", ["Transfer-Encoding: chunked"] + extra, body: body)
    }

    @Test(arguments: [
        ("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        ("0\r\n\r\n", ""),                                  // zero-length last chunk only
        ("000\r\n\r\n", ""),
        ("0005\r\nhello\r\n0\r\n\r\n", "hello"),            // leading zeros
        ("A\r\n0123456789\r\n0\r\n\r\n", "0123456789"),      // uppercase hex
        ("a\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
        ("1\r\n\r\r\n1\r\n\n\r\n0\r\n\r\n", "\r\n"),          // CR and LF are data inside a chunk
        ("00000000000000000000001\r\nx\r\n0\r\n\r\n", "x"),  // leading zeros do not count as digits
    ])
    func chunkedBodiesAreDecoded(body: String, decoded: String) throws {
        let m = try #require(onlyMessage(chunked(body)))
        #expect(m.body == Array(decoded.utf8))
        #expect(m.trailers.isEmpty)
    }

    @Test(arguments: [
        "5;name\r\nhello\r\n0\r\n\r\n",
        "5;name=value\r\nhello\r\n0\r\n\r\n",
        "5;a=1;b;c=\"x y;z=\\\"q\\\"\"\r\nhello\r\n0\r\n\r\n",
        "5 ; a = 1 ; b\r\nhello\r\n0\r\n\r\n",
        "5\t;\ta\t=\t\"\"\r\nhello\r\n0\r\n\r\n",
        "5;a=\"\u{00E9}\"\r\nhello\r\n0;last=1\r\n\r\n",
        "5;a=\"\\\\\"\r\nhello\r\n0\r\n\r\n",
    ])
    func chunkExtensionsAreAcceptedAndIgnored(body: String) throws {
        let m = try #require(onlyMessage(chunked(body)))
        #expect(m.body == Array("hello".utf8))
    }

    @Test(arguments: [
        "5;\r\nhello\r\n0\r\n\r\n",
        "5 \r\nhello\r\n0\r\n\r\n",            // BWS only before ";" (RFC 9112 7.1.1)
        "5;=x\r\nhello\r\n0\r\n\r\n",
        "5;a=\r\nhello\r\n0\r\n\r\n",
        "5;a=\"open\r\nhello\r\n0\r\n\r\n",
        "5;a=b c\r\nhello\r\n0\r\n\r\n",
        "5;a b\r\nhello\r\n0\r\n\r\n",
        "5;a=\"x\"y\r\nhello\r\n0\r\n\r\n",
        "5;a(b)\r\nhello\r\n0\r\n\r\n",
        "5;a=\"\u{01}\"\r\nhello\r\n0\r\n\r\n",
        "5;a=\"\\\u{01}\"\r\nhello\r\n0\r\n\r\n",
        "5,a\r\nhello\r\n0\r\n\r\n",
        "5;bad[=x\r\nhello\r\n0\r\n\r\n",
        "5;a\rX\r\nhello\r\n0\r\n\r\n",        // bare CR inside the extension
        "5;\nhello\r\n0\r\n\r\n",             // bare LF ends nothing
        "5;a\u{00}\r\nhello\r\n0\r\n\r\n",
    ])
    func malformedChunkExtensionIs400(body: String) {
        #expect(thrownStatus(chunked(body)) == 400)
    }

    @Test func chunkLineLongerThanTheCapIs400() {
        let filler = String(repeating: "a", count: RequestParser.maxChunkLineBytes - 3)
        #expect(onlyMessage(chunked("1;\(filler)\r\nx\r\n0\r\n\r\n"))?.body == Array("x".utf8))
        #expect(thrownStatus(chunked("1;\(filler)a\r\nx\r\n0\r\n\r\n")) == 400)
    }

    @Test func chunkExtensionsOverAllChunksAreCapped() {
        let ext = ";" + String(repeating: "e", count: 1000)
        let underCap = String(repeating: "1\(ext)\r\nx\r\n", count: RequestParser.maxChunkExtensionBytesPerMessage / 1002)
        #expect(onlyMessage(chunked(underCap + "0\r\n\r\n"))?.body.count == RequestParser.maxChunkExtensionBytesPerMessage / 1002)
        let overCap = String(repeating: "1\(ext)\r\nx\r\n", count: RequestParser.maxChunkExtensionBytesPerMessage / 1000 + 1)
        #expect(thrownStatus(chunked(overCap + "0\r\n\r\n")) == 400)
    }

    @Test(arguments: [
        " 5\r\nhello\r\n0\r\n\r\n",     // whitespace before the size
        "\t5\r\nhello\r\n0\r\n\r\n",
        "+5\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "g\r\nhello\r\n0\r\n\r\n",
        "\r\nhello\r\n0\r\n\r\n",       // empty size
        "5\nhello\r\n0\r\n\r\n",        // bare LF after the size
        "5\rhello\r\n0\r\n\r\n",        // bare CR after the size
        "5\r\nhello\n0\r\n\r\n",        // bare LF after the data
        "5\r\nhello\r0\r\n\r\n",
        "5\r\nhelloX\r\n0\r\n\r\n",     // data longer than the size
        "5\r\nhell\r\n0\r\n\r\n",       // data shorter than the size
        "5\r\nhello0\r\n\r\n",          // CRLF missing
        "5\r\nhello\r\n0\n\r\n",
        "5\r\nhello\r\n0\r\n\n",
        "5\r\nhello\r\n0\r\n\r\r",
        "5\r\nhello\r\nX\r\n\r\n",
        "11111111111111111\r\n",        // 17 significant hex digits
        "FFFFFFFFFFFFFFFF\r\n",         // 16 digits, beyond Int
        "8000000000000000\r\n",
        "1_0\r\nhello world!!!!!\r\n0\r\n\r\n",
        "5\r\nhello!!\r\n0\r\n\r\n",
    ])
    func malformedChunkFramingIs400(body: String) {
        #expect(thrownStatus(chunked(body)) == 400)
    }

    @Test func chunkBiggerThanTheLimitIs413BeforeItsDataArrives() throws {
        var parser = RequestParser()
        _ = try parseOnce(&parser, Array(chunked("").utf8))
        #expect(throws: HTTPParseError.tooLarge) { try parseOnce(&parser, Array("7FFFFFFFFFFFFFFF\r\n".utf8)) }
        #expect(parser.body.isEmpty)
    }

    @Test func chunkedBodyAtTheLimitIsAcceptedAndOneByteMoreIs413() {
        var limits = HTTPParserLimits()
        limits.defaultBodyLimit = 10
        #expect(onlyMessage(chunked("4\r\nabcd\r\n6\r\nefghij\r\n0\r\n\r\n"), limits: limits)?.body.count == 10)
        #expect(thrownStatus(chunked("4\r\nabcd\r\n7\r\nefghijk\r\n0\r\n\r\n"), limits: limits) == 413)
        #expect(thrownStatus(chunked("B\r\nabcdefghijk\r\n0\r\n\r\n"), limits: limits) == 413)
    }

    @Test func trailersAreReturnedAndForbiddenOnesDropped() throws {
        let body = "3\r\nabc\r\n0\r\nX-Checksum: 123\r\nContent-Length: 99\r\nTransfer-Encoding: gzip\r\n"
            + "host: evil.example\r\nAuthorization: Bearer x\r\nX-Other:  v  \r\nX-Checksum: 456\r\n\r\n"
        let m = try #require(onlyMessage(chunked(body)))
        #expect(m.body == Array("abc".utf8))
        #expect(m.trailers.fields == [HTTPField(name: "X-Checksum", value: "123"),
                                      HTTPField(name: "X-Other", value: "v"),
                                      HTTPField(name: "X-Checksum", value: "456")])
        #expect(m.head.headers["Content-Length"] == nil)
        #expect(m.head.framing == .chunked)
    }

    @Test(arguments: [
        "0\r\nX : y\r\n\r\n",
        "0\r\nX: y\r\n z\r\n\r\n",
        "0\r\n y: z\r\n\r\n",
        "0\r\nnocolon\r\n\r\n",
        "0\r\nX: a\u{00}b\r\n\r\n",
        "0\r\nX: y\n\r\n",
        "0\r\nX: y\r\n\n",
    ])
    func malformedTrailerIs400(body: String) {
        #expect(thrownStatus(chunked(body)) == 400)
    }

    @Test func tooManyOrTooLargeTrailersAre431() {
        let max = HTTPParserLimits().maxHeaderFields
        let many = (0..<max).map { "T\($0): v\r\n" }.joined()
        #expect(onlyMessage(chunked("0\r\n" + many + "\r\n"))?.trailers.count == max)
        #expect(thrownStatus(chunked("0\r\n" + many + "T: v\r\n\r\n")) == 431)
        let big = String(repeating: "v", count: HTTPParserLimits().maxHeaderSectionBytes)
        #expect(thrownStatus(chunked("0\r\nT: " + big + "\r\n\r\n")) == 431)
    }
}

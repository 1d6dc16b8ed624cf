import Testing
@testable import HTTP

/// Incremental feeding, pipelining, phase and robustness: what the server's connection relies on.
@Suite struct ParserStreamingTests {
    static let pipelined: [UInt8] = Array((
        "GET /first HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n"
        + "POST /second?x=1 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"
        + "\r\n"                                          // a stray empty line between requests (RFC 9112 2.2)
        + "PUT /third HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3;ext=\"q\"\r\nabc\r\n0A\r\n0123456789\r\n0\r\nX-Sum: 9\r\nHost: ignored\r\n\r\n"
        + "DELETE /fourth HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        + "OPTIONS * HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    ).utf8)

    static func checkPipelined(_ messages: [ParsedRequest]) {
        #expect(messages.map { $0.head.method } == ["GET", "POST", "PUT", "DELETE", "OPTIONS"])
        #expect(messages.map { $0.head.target } == ["/first", "/second?x=1", "/third", "/fourth", "*"])
        #expect(messages.map { $0.body } == [[], Array("hello".utf8), Array("abc0123456789".utf8), [], []])
        #expect(messages.map { $0.head.keepAlive } == [true, true, true, true, false])
        #expect(messages.map { $0.head.expectsContinue } == [false, true, false, false, false])
        #expect(messages[2].trailers.fields == [HTTPField(name: "X-Sum", value: "9")])
    }

    @Test func pipelinedRequestsInOneBufferAreParsedInOrderWithExactRemainders() throws {
        var parser = RequestParser()
        var rest = Self.pipelined
        var messages: [ParsedRequest] = []
        var headConsumed: [Int] = []
        var awaitingMessage = false
        while !rest.isEmpty || awaitingMessage {
            let r = try parseOnce(&parser, rest)
            rest.removeFirst(r.consumed)
            switch r.event {
            case .needMoreData: Issue.record("the buffer holds complete requests only"); return
            case .head:
                headConsumed.append(r.consumed)
                awaitingMessage = true
            case .message(let m):
                messages.append(m)
                awaitingMessage = false
                #expect(parser.phase == .idle)
            }
        }
        Self.checkPipelined(messages)
        // .head consumes exactly the head; .message stops exactly at the end of its body.
        #expect(headConsumed[0] == "GET /first HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n".utf8.count)
    }

    @Test func messageLeavesTheNextRequestUnconsumed() throws {
        var parser = RequestParser()
        let first = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        let next = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
        let bytes = Array((first + next).utf8)
        let h = try parseOnce(&parser, bytes)
        let m = try parseOnce(&parser, Array(bytes[h.consumed...]))
        guard case .message(let message) = m.event else { Issue.record("expected .message"); return }
        #expect(message.body == Array("abc".utf8))
        #expect(h.consumed + m.consumed == first.utf8.count)
        // Only a chunked body's final CRLF belongs to it; nothing of the next request is taken.
        let chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
        let bytes2 = Array((chunked + next).utf8)
        var p2 = RequestParser()
        let h2 = try parseOnce(&p2, bytes2)
        let m2 = try parseOnce(&p2, Array(bytes2[h2.consumed...]))
        #expect(h2.consumed + m2.consumed == chunked.utf8.count)
    }

    @Test func bodilessRequestYieldsMessageOnTheNextCallWithNoBytes() throws {
        var parser = RequestParser()
        let text = Array(request().utf8)
        let h = try parseOnce(&parser, text)
        #expect(h.consumed == text.count)
        guard case .head(let head) = h.event else { Issue.record("expected .head"); return }
        #expect(parser.phase == .body)
        let m = try parseOnce(&parser, [])
        #expect(m.consumed == 0)
        #expect(m.event == .message(ParsedRequest(head: head, body: [], trailers: HTTPHeaders())))
        #expect(parser.phase == .idle)
    }

    @Test func everySplitPointYieldsIdenticalRequests() throws {
        let input = Self.pipelined
        var whole = ParserDriver()
        try whole.feed(input)
        #expect(whole.contractViolations.isEmpty)
        Self.checkPipelined(whole.messages)
        for split in 0...input.count {
            var driver = ParserDriver()
            try driver.feed(input[0..<split])
            try driver.feed(input[split...])
            #expect(driver.messages == whole.messages, "split at \(split)")
            #expect(driver.pending.isEmpty)
            #expect(driver.contractViolations.isEmpty)
        }
    }

    @Test func everyPairOfSplitPointsYieldsIdenticalRequests() throws {
        // Three pieces, over a shorter input, to catch state carried across two boundaries.
        let input = Array(("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2;a=\"b\"\r\nxy\r\n0\r\nT: 1\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").utf8)
        var whole = ParserDriver()
        try whole.feed(input)
        #expect(whole.messages.count == 2)
        for a in stride(from: 0, through: input.count, by: 1) {
            for b in stride(from: a, through: input.count, by: 3) {
                var driver = ParserDriver()
                try driver.feed(input[0..<a])
                try driver.feed(input[a..<b])
                try driver.feed(input[b...])
                #expect(driver.messages == whole.messages, "split at \(a), \(b)")
            }
        }
    }

    @Test func oneByteAtATimeYieldsIdenticalRequests() throws {
        var whole = ParserDriver()
        try whole.feed(Self.pipelined)
        var driver = ParserDriver()
        for byte in Self.pipelined { try driver.feed([byte]) }
        #expect(driver.messages == whole.messages)
        #expect(driver.contractViolations.isEmpty)
        Self.checkPipelined(driver.messages)
    }

    @Test func errorsAreTheSameWhateverTheSplit() {
        let bad = Array("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX".utf8)
        for split in 0...bad.count {
            var driver = ParserDriver()
            var status: Int? = nil
            do throws(HTTPParseError) {
                try driver.feed(bad[0..<split])
                try driver.feed(bad[split...])
            } catch {
                status = error.status
            }
            #expect(status == 400, "split at \(split)")
        }
    }

    @Test func aHeadFedOneByteAtATimeIsConsumedAsItArrives() throws {
        // Linear cost: each call takes its byte, so no byte is ever handed to the parser twice.
        var parser = RequestParser()
        let lines = (0..<90).map { "X-Field-\($0): " + String(repeating: "v", count: 150) + "\r\n" }.joined()
        let head = Array(("GET / HTTP/1.1\r\nHost: x\r\n" + lines + "\r\n").utf8)
        var sawHead = false
        for (index, byte) in head.enumerated() {
            let r = try parseOnce(&parser, [byte])
            #expect(r.consumed == 1)
            if case .head(let h) = r.event {
                sawHead = true
                #expect(index == head.count - 1)
                #expect(h.headers.count == 91)
            }
        }
        #expect(sawHead)
    }

    @Test func bodyIsTakenInBlocks() throws {
        var parser = RequestParser()
        _ = try parseOnce(&parser, Array(request("POST / HTTP/1.1", ["Content-Length: 100000"]).utf8))
        let block = [UInt8](repeating: 7, count: 60000)
        let r1 = try parseOnce(&parser, block)
        #expect(r1.consumed == 60000)
        #expect(r1.event == .needMoreData)
        let r2 = try parseOnce(&parser, block)
        #expect(r2.consumed == 40000)
        guard case .message(let m) = r2.event else { Issue.record("expected .message"); return }
        #expect(m.body.count == 100000)
    }

    @Test(arguments: [
        "POST /unknown HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabcdef",
        "POST /unknown HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
    ])
    func discardedBodyIsFramedButNotKept(text: String) throws {
        let next = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
        var parser = RequestParser()
        var rest = Array((text + next).utf8)
        let h = try parseOnce(&parser, rest)
        rest.removeFirst(h.consumed)
        parser.discardsBody = true
        parser.bodyLimit = 6
        let m = try parseOnce(&parser, rest)
        rest.removeFirst(m.consumed)
        guard case .message(let message) = m.event else { Issue.record("expected .message"); return }
        #expect(message.body.isEmpty)
        #expect(rest == Array(next.utf8))
        #expect(!parser.discardsBody)
        // The limit still applies while discarding.
        var p2 = RequestParser()
        let bytes = Array(text.utf8)
        let h2 = try parseOnce(&p2, bytes)
        p2.discardsBody = true
        p2.bodyLimit = 5
        #expect(throws: HTTPParseError.tooLarge) { try parseOnce(&p2, Array(bytes[h2.consumed...])) }
    }

    @Test func phaseIsIdleHeadAndBodyAtTheRightMoments() throws {
        var parser = RequestParser()
        #expect(parser.phase == .idle)
        _ = try parseOnce(&parser, [])
        #expect(parser.phase == .idle)
        _ = try parseOnce(&parser, Array("\r\n".utf8))
        #expect(parser.phase == .head)               // an empty line counts as the client having started
        _ = try parseOnce(&parser, Array("P".utf8))
        #expect(parser.phase == .head)
        _ = try parseOnce(&parser, Array("OST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n".utf8))
        #expect(parser.phase == .head)
        let h = try parseOnce(&parser, Array("\r\n".utf8))
        if case .head = h.event {} else { Issue.record("expected .head") }
        #expect(parser.phase == .body)
        _ = try parseOnce(&parser, Array("3\r\nab".utf8))
        #expect(parser.phase == .body)
        _ = try parseOnce(&parser, Array("c\r\n0\r\nT: 1\r\n".utf8))
        #expect(parser.phase == .body)               // trailers are part of the body phase
        let m = try parseOnce(&parser, Array("\r\n".utf8))
        if case .message = m.event {} else { Issue.record("expected .message") }
        #expect(parser.phase == .idle)
        _ = try parseOnce(&parser, Array("G".utf8))
        #expect(parser.phase == .head)
    }

    @Test func parserStaysFailedAfterAnError() {
        var parser = RequestParser()
        #expect(throws: HTTPParseError.self) { try parseOnce(&parser, Array("GET / HTTP/1.1\r\nA : b\r\n".utf8)) }
        // Even a valid request is refused now: the connection must be closed.
        let again = Result { () throws(HTTPParseError) in try parseOnce(&parser, Array(request().utf8)) }
        guard case .failure(let error) = again else { Issue.record("expected the error again"); return }
        #expect(error.status == 400)
    }

    @Test func randomlyMutatedRequestsNeverCrashAndOnlyYieldKnownStatuses() {
        let seeds: [String] = [
            request("POST /v1/referrals?x=1 HTTP/1.1", ["Content-Length: 5", "Expect: 100-continue"], body: "hello"),
            request("PUT /a HTTP/1.1", ["Transfer-Encoding: gzip, chunked"], body: "0\r\n\r\n"),
            request("POST /b HTTP/1.1", ["Transfer-Encoding: chunked", "Connection: close"],
                    body: "4;a=\"b;c\"\r\nwxyz\r\n0\r\nT: v\r\n\r\n"),
            request("CONNECT [::1]:443 HTTP/1.1", ["Connection: keep-alive"]),
            request("OPTIONS * HTTP/1.0", host: nil, ["Connection: keep-alive"]),
            request("GET http://example.com:80/x HTTP/1.1", ["Content-Length: 0, 0"]),
        ] + [String(decoding: ParserStreamingTests.pipelined, as: UTF8.self)]
        let interesting: [UInt8] = Array(" \t\r\n:;,=\"\\/?#%@[]*0aAF-".utf8) + [0x00, 0x7F, 0x80, 0xFF]
        let allowed: Set<Int> = [400, 413, 414, 417, 431, 501, 505]
        var limits = HTTPParserLimits()
        limits.defaultBodyLimit = 64
        limits.maxHeaderFields = 8
        limits.maxHeaderSectionBytes = 256
        limits.maxTargetBytes = 48
        var rng = SeededGenerator(seed: 0x5EED_CAFE)
        var outcomes: [Int: Int] = [:]
        for iteration in 0..<4000 {
            var bytes = Array(seeds[iteration % seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let position = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                let byte = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !bytes.isEmpty: bytes[position] = byte
                case 1: bytes.insert(byte, at: min(position, bytes.count))
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes.insert(contentsOf: repeatElement(byte, count: Int.random(in: 1...300, using: &rng)), at: min(position, bytes.count))
                }
            }
            // Fed in random pieces, as a socket would deliver them.
            var driver = ParserDriver(limits: limits)
            var status = 0
            do throws(HTTPParseError) {
                var index = 0
                while index < bytes.count {
                    let end = min(bytes.count, index + Int.random(in: 1...64, using: &rng))
                    try driver.feed(bytes[index..<end])
                    index = end
                }
            } catch {
                status = error.status
                #expect(allowed.contains(error.status), "iteration \(iteration): \(error)")
                // The reason goes into a problem body: it must never echo request bytes.
                #expect(!error.reason.contains("v1") && !error.reason.contains("wxyz") && !error.reason.contains("example"))
            }
            #expect(driver.contractViolations.isEmpty, "iteration \(iteration)")
            outcomes[status, default: 0] += 1
        }
        // The mutations must reach both accepting and refusing paths, or the test proves nothing.
        #expect(outcomes[0, default: 0] > 100)
        #expect(outcomes[400, default: 0] > 100)
    }
}

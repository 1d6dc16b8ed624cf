import Glibc
import Testing
import TestSupport
@testable import HTTP

/// Socket-level tests against a running server on an ephemeral port.
@Suite struct ServerTests {
    @Test func answersWithDateAndFraming() async throws {
        let server = try startTestServer()
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return c.readResponse()
        }
        let response = try #require(r)
        #expect(response.status == 200)
        #expect(response.bodyText == "hello")
        #expect(response.headers["Content-Length"] == "5")
        #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
        #expect(response.headers["X-Request-ID"]?.isEmpty == false)
        await server.stop()
    }

    @Test(arguments: [3, 50])
    func pipelinedRequestsAnsweredInOrder(count: Int) async throws {
        let server = try startTestServer()
        let port = server.port!
        let bodies = await onThread { () -> [String] in
            let c = TestClient(port: port)!
            var batch = ""
            for i in 0..<count {
                // Mix routes handled by tasks with ones answered by the loop itself, so ordering is tested across both.
                batch += i % 7 == 3 ? "GET /missing-\(i) HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /echo/n\(i) HTTP/1.1\r\nHost: t\r\n\r\n"
            }
            c.send(batch)
            var out: [String] = []
            for _ in 0..<count {
                guard let r = c.readResponse() else { break }
                out.append(r.status == 404 ? "404" : r.bodyText)
            }
            return out
        }
        let expected = (0..<count).map { $0 % 7 == 3 ? "404" : "n\($0)" }
        #expect(bodies == expected)
        await server.stop()
    }

    /// An immediate route is answered on the event loop that read it (no task), in order with the
    /// task-handled requests pipelined around it, and answers HEAD without a body.
    @Test func immediateRoutesAreAnsweredOnTheLoopInOrder() async throws {
        let server = try startTestServer { _ in } routes: { router in
            router.immediate("/now/{value}") { req in
                // The thread's name, as the kernel has it.
                var name = [UInt8](repeating: 0, count: 32)
                let fd = open("/proc/thread-self/comm", O_RDONLY)
                let count = fd < 0 ? 0 : max(0, read(fd, &name, name.count))
                if fd >= 0 { close(fd) }
                let thread = String(decoding: name.prefix(count), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                return .text((req.pathParameters["value"] ?? "") + "@" + thread)
            }
        }
        let port = server.port!
        let answers = await onThread { () -> [String] in
            let c = TestClient(port: port)!
            c.send((0..<9).map { $0 % 2 == 0 ? "GET /now/n\($0) HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /echo/e\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }
                .joined() + "HEAD /now/h HTTP/1.1\r\nHost: t\r\n\r\n")
            var out: [String] = []
            for i in 0..<10 {
                guard let r = c.readResponse(isHead: i == 9) else { break }
                out.append("\(r.status) \(r.bodyText)")
            }
            return out
        }
        #expect(answers.count == 10)
        for (i, answer) in answers.prefix(9).enumerated() {
            if i % 2 == 0 {
                #expect(answer.hasPrefix("200 n\(i)@cme-http-"), "answered on a loop thread: \(answer)")
            } else {
                #expect(answer == "200 e\(i)")
            }
        }
        #expect(answers.last == "200 ")
        await server.stop()
    }

    @Test func thousandConcurrentConnectionsAreEachServed() async throws {
        raiseDescriptorLimit()
        let server = try startTestServer()
        let port = server.port!
        let served = await onThread { () -> Int in
            var clients: [TestClient] = []
            for _ in 0..<1000 {
                guard let c = TestClient(port: port, timeoutSeconds: 20) else { break }
                clients.append(c)
            }
            for (i, c) in clients.enumerated() { c.send("GET /echo/c\(i) HTTP/1.1\r\nHost: t\r\n\r\n") }
            var ok = 0
            for (i, c) in clients.enumerated() {
                if let r = c.readResponse(), r.status == 200, r.bodyText == "c\(i)" { ok += 1 }
            }
            return ok
        }
        #expect(served == 1000)
        await server.stop()
    }

    @Test func stalledHeadIsAnswered408OrClosed() async throws {
        let server = try startTestServer { $0.headTimeout = .milliseconds(500) }
        let port = server.port!
        let started = ContinuousClock.now
        let outcome = await onThread { () -> (Int?, Bool) in
            let c = TestClient(port: port, timeoutSeconds: 5)!
            c.send("GET /hello HTTP/1.1\r\nHost: t\r\n")   // head never finished
            let r = c.readResponse()
            return (r?.status, c.waitForClose())
        }
        let elapsed = ContinuousClock.now - started
        #expect(outcome.0 == 408 || outcome.0 == nil)
        #expect(outcome.1, "connection closed after the timeout")
        #expect(elapsed >= .milliseconds(400))
        #expect(elapsed < .seconds(4))
        await server.stop()
    }

    @Test func silentConnectionIsClosedAfterHeadTimeout() async throws {
        let server = try startTestServer { $0.headTimeout = .milliseconds(300) }
        let port = server.port!
        let closed = await onThread { TestClient(port: port, timeoutSeconds: 5)!.waitForClose() }
        #expect(closed)
        await server.stop()
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        let server = try startTestServer { $0.keepAliveTimeout = .milliseconds(300) }
        let port = server.port!
        let outcome = await onThread { () -> (Int?, Bool) in
            let c = TestClient(port: port, timeoutSeconds: 5)!
            c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return (c.readResponse()?.status, c.waitForClose())
        }
        #expect(outcome.0 == 200)
        #expect(outcome.1)
        await server.stop()
    }

    @Test func gracefulShutdownFinishesInFlightAndRefusesNew() async throws {
        let server = try startTestServer()
        let port = server.port!
        let inflight = Task {
            await onThread { () -> WireResponse? in
                let c = TestClient(port: port, timeoutSeconds: 10)!
                c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
                return c.readResponse()
            }
        }
        try await Task.sleep(for: .milliseconds(250))
        server.beginShutdown()
        try await Task.sleep(for: .milliseconds(150))
        let refused = await onThread { TestClient(port: port) == nil }
        let response = try #require(await inflight.value)
        #expect(response.status == 200)
        #expect(response.bodyText == "slow done")
        #expect(response.headers["Connection"] == "close")
        #expect(refused, "new connections are refused once shutdown began")
        await server.stop()
    }

    @Test func smugglingProbeContentLengthWithTransferEncodingIsRefused() async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Bool) in
            let c = TestClient(port: port)!
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let r = c.readResponse()
            return (r, c.waitForClose())
        }
        #expect(outcome.0?.status == 400)
        #expect(outcome.0?.headers["Connection"] == "close")
        #expect(outcome.0?.headers["Content-Type"] == "application/problem+json")
        #expect(outcome.1, "the connection is closed, and the smuggled request never answered")
        await server.stop()
    }

    @Test func unknownPathIs404ProblemAndConnectionStaysUsable() async throws {
        let server = try startTestServer()
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcdeGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return [c.readResponse(), c.readResponse()].compactMap { $0 }
        }
        #expect(rs.count == 2)
        #expect(rs.first?.status == 404)
        #expect(rs.first?.headers["Content-Type"] == "application/problem+json")
        #expect(rs.first?.bodyText.contains("\"status\":404") == true)
        #expect(rs.last?.bodyText == "hello", "the 404's body was read and discarded, not taken as a request")
        await server.stop()
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let server = try startTestServer()
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return c.readResponse()
        }
        #expect(r?.status == 405)
        #expect(r?.headers["Allow"] == "GET, HEAD, OPTIONS")
        await server.stop()
    }

    @Test func unknownMethodIs501() async throws {
        let server = try startTestServer()
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("BREW /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return c.readResponse()
        }
        #expect(r?.status == 501)
        await server.stop()
    }

    @Test func headHasLengthButNoBody() async throws {
        let server = try startTestServer()
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return [c.readResponse(isHead: true), c.readResponse()].compactMap { $0 }
        }
        #expect(rs.count == 2)
        #expect(rs.first?.status == 200)
        #expect(rs.first?.headers["Content-Length"] == "5")
        #expect(rs.first?.body.isEmpty == true)
        #expect(rs.last?.bodyText == "hello", "no stray body bytes after the HEAD response")
        await server.stop()
    }

    @Test func http10ClosesUnlessKeepAliveAsked() async throws {
        let server = try startTestServer()
        let port = server.port!
        let plain = await onThread { () -> (WireResponse?, Bool) in
            let c = TestClient(port: port)!
            c.send("GET /hello HTTP/1.0\r\n\r\n")
            return (c.readResponse(), c.waitForClose())
        }
        #expect(plain.0?.status == 200)
        #expect(plain.0?.headers["Connection"] == "close")
        #expect(plain.1)
        let kept = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let first = c.readResponse()
            c.send("GET /echo/again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return [first, c.readResponse()].compactMap { $0 }
        }
        #expect(kept.count == 2)
        #expect(kept.first?.headers["Connection"] == "keep-alive")
        #expect(kept.last?.bodyText == "again")
        await server.stop()
    }

    @Test func connectionCloseRequestIsHonoured() async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Bool) in
            let c = TestClient(port: port)!
            c.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            return (c.readResponse(), c.waitForClose())
        }
        #expect(outcome.0?.headers["Connection"] == "close")
        #expect(outcome.1)
        await server.stop()
    }

    @Test func expectContinueGetsInterimResponseBeforeBody() async throws {
        let server = try startTestServer()
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
            guard let interim = c.readResponse() else { return [] }
            c.send("ping")
            return [interim, c.readResponse()].compactMap { $0 }
        }
        #expect(rs.map(\.status) == [100, 200])
        #expect(rs.last?.bodyText == "ping")
        await server.stop()
    }

    @Test func bodyOverRouteLimitIs413AndCloses() async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Bool) in
            let c = TestClient(port: port)!
            c.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world")
            return (c.readResponse(), c.waitForClose())
        }
        #expect(outcome.0?.status == 413)
        #expect(outcome.0?.bodyText.contains("\"detail\":\"The body is larger than this route accepts.\"") == true,
                "the detail is a sentence: \(outcome.0?.bodyText ?? "")")
        #expect(outcome.1)
        let within = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhelloworld")
            return c.readResponse()
        }
        #expect(within?.bodyText == "10")
        await server.stop()
    }

    @Test func chunkedBodyIsReassembled() async throws {
        let server = try startTestServer()
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: yes\r\n\r\n")
            return c.readResponse()
        }
        #expect(r?.bodyText == "Wikipedia")
        await server.stop()
    }

    @Test func halfClosedClientStillGetsItsResponse() async throws {
        let server = try startTestServer()
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            c.shutdownWrite()
            return c.readResponse()
        }
        #expect(r?.bodyText == "slow done")
        await server.stop()
    }

    @Test func aClientLeavingWhileItsRequestRunsGetsTheResponseMarkedClose() async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Bool) in
            let c = TestClient(port: port)!
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(200_000)   // the handler is running now
            c.shutdownWrite()
            return (c.readResponse(), c.waitForClose())
        }
        #expect(outcome.0?.bodyText == "slow done")
        #expect(outcome.0?.headers["Connection"] == "close")
        #expect(outcome.1, "and the server closes")
        await server.stop()
    }

    @Test func aRequestSentWhileTheOneBeforeRunsIsAnsweredAfterIt() async throws {
        let server = try startTestServer()
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(200_000)
            c.send("GET /echo/second HTTP/1.1\r\nHost: t\r\n\r\nGET /echo/third HTTP/1.1\r\nHost: t\r\n\r\n")
            return (0..<3).compactMap { _ in c.readResponse() }
        }
        #expect(rs.map(\.bodyText) == ["slow done", "second", "third"])
        #expect(rs.allSatisfy { $0.headers["Connection"] == nil })
        await server.stop()
    }

    @Test func requestIDIsEchoedWhenWellFormedAndReplacedOtherwise() async throws {
        let server = try startTestServer()
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("GET /request-id HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123\r\n\r\n")
            let a = c.readResponse()
            c.send("GET /request-id HTTP/1.1\r\nHost: t\r\nX-Request-ID: has space\"quote\r\n\r\n")
            return [a, c.readResponse()].compactMap { $0 }
        }
        #expect(rs.first?.bodyText == "abc-123")
        #expect(rs.first?.headers["X-Request-ID"] == "abc-123")
        #expect(rs.last?.bodyText.isEmpty == false)
        #expect(rs.last?.bodyText != "has space\"quote")
        #expect(rs.last?.headers["X-Request-ID"] == rs.last?.bodyText)
        await server.stop()
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        let server = try startTestServer()
        let port = server.port!
        _ = await onThread { () -> Int in
            let c = TestClient(port: port)!
            c.send("GET /echo/a HTTP/1.1\r\nHost: t\r\n\r\nGET /echo/b HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
            return [c.readResponse(), c.readResponse(), c.readResponse()].compactMap { $0 }.count
        }
        let text = server.metrics.exposition()
        #expect(text.contains("http_requests_total{route=\"/echo/{value}\",method=\"GET\",status=\"200\"} 2"))
        #expect(text.contains("http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1"))
        #expect(text.contains("http_request_duration_seconds_count{route=\"/echo/{value}\"} 2"))
        await server.stop()
    }
}

@Suite struct ServerWriteTests {
    @Test func largeResponseReachesASlowReaderWhole() async throws {
        let big = (0..<(8 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = try startTestServer { _ in } routes: { r in
            r.get("/big") { _ in Response(status: 200, headers: ["Content-Type": "application/octet-stream"], body: big) }
        }
        let port = server.port!
        let received = await onThread { () -> [UInt8]? in
            let c = TestClient(port: port, timeoutSeconds: 10)!
            c.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(300_000)   // let the server fill the socket and wait for EPOLLOUT
            guard let r = c.readResponse(), let next = c.readResponse(), next.bodyText == "hello" else { return nil }
            return r.body
        }
        #expect(received == big)
        await server.stop()
    }

    @Test func headerValuesWithLineBreaksAreNeverSent() async throws {
        let server = try startTestServer { _ in } routes: { r in
            r.get("/inject") { _ in
                Response(status: 200, headers: ["X-Bad": "a\r\nSet-Cookie: evil=1", "X-Good": "fine", "X-Nul": "a\u{0}b",
                                                "X-Bell": "a\u{7}b", "X-Del": "a\u{7F}b", "Bad Name": "v", "X:Colon": "v",
                                                "X-Tab": "a\tb"], body: [])
            }
        }
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("GET /inject HTTP/1.1\r\nHost: t\r\n\r\n")
            return c.readResponse()
        }
        #expect(r?.status == 200)
        #expect(r?.headers["X-Good"] == "fine")
        #expect(r?.headers.contains("Set-Cookie") == false)
        #expect(r?.headers.contains("X-Bad") == false)
        for name in ["X-Nul", "X-Bell", "X-Del", "Bad Name", "X"] { #expect(r?.headers.contains(name) == false, "\(name)") }
        #expect(r?.headers["X-Tab"] == "a\tb", "a tab is allowed inside a value")
        await server.stop()
    }

    @Test(arguments: [99, 100, 103, 600, 1000, -1])
    func aHandlerStatusThatIsNotAFinalResponseBecomes500(_ status: Int) async throws {
        let server = try startTestServer { _ in } routes: { r in
            r.get("/odd") { _ in Response(status: status, headers: [:], body: Array("x".utf8)) }
        }
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("GET /odd HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return [c.readResponse(), c.readResponse()].compactMap { $0 }
        }
        #expect(rs.map(\.status) == [500, 200], "a final 500, and the connection still works")
        #expect(rs.first?.headers["Content-Type"] == "application/problem+json")
        await server.stop()
    }

    @Test func allowListsOptionsOnceEvenWhenARouteRegistersIt() async throws {
        let server = try startTestServer { _ in } routes: { r in
            r.add("OPTIONS", "/thing") { _ in Response(status: 204, headers: [:], body: []) }
            r.get("/thing") { _ in .text("thing") }
        }
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port)!
            c.send("DELETE /thing HTTP/1.1\r\nHost: t\r\n\r\n")
            return c.readResponse()
        }
        #expect(r?.status == 405)
        #expect(r?.headers["Allow"] == "GET, HEAD, OPTIONS")
        await server.stop()
    }

    @Test func everyPipelinedRequestIsAnsweredWhenSentOneByteAtATime() async throws {
        let server = try startTestServer()
        let port = server.port!
        let bodies = await onThread { () -> [String] in
            let c = TestClient(port: port)!
            let raw = Array("GET /echo/a HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyzGET /echo/b HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
            for b in raw { c.send([b]) }
            return (0..<3).compactMap { _ in c.readResponse()?.bodyText }
        }
        #expect(bodies == ["a", "xyz", "b"])
        await server.stop()
    }

    @Test func parseErrorAfterGoodPipelinedRequestAnswersBothInOrder() async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> ([Int], Bool) in
            let c = TestClient(port: port)!
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n")
            let statuses = (0..<2).compactMap { _ in c.readResponse()?.status }
            return (statuses, c.waitForClose())
        }
        #expect(outcome.0 == [200, 400])
        #expect(outcome.1)
        await server.stop()
    }
}

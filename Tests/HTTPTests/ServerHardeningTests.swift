import Foundation
import Glibc
import Testing
import TestSupport
@testable import HTTP

/// What an attacker or an unlucky client tries: slow bodies, a full connection table, HEAD on errors,
/// `Expect: 100-continue` on requests that will not be served. Over real sockets.
@Suite struct ServerHardeningTests {
    // MARK: Answered from the head

    @Test func manySlowBodiesToAnUnknownRouteAreAnsweredAtOnceAndHealthStaysFast() async throws {
        raiseDescriptorLimit()
        let server = try startTestServer()
        let port = server.port!
        let floodSize = 300
        // Each flood connection announces a 900,000-byte body and sends one byte of it: the 404 must
        // not wait for the rest (before the fix it waited for all 900,000 bytes, or the 30 s timeout).
        let flood = await onThread { () -> (answered: Int, closing: Int, slowest: Duration, clients: [TestClient]) in
            var clients: [TestClient] = []
            for _ in 0..<floodSize {
                guard let c = TestClient(port: port, timeoutSeconds: 3) else { break }
                clients.append(c)
            }
            let started = ContinuousClock.now
            for c in clients { c.send("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 900000\r\n\r\nx") }
            var answered = 0, closing = 0
            var slowest: Duration = .zero
            for c in clients {
                guard let r = c.readResponse() else { continue }
                slowest = max(slowest, ContinuousClock.now - started)
                if r.status == 404 { answered += 1 }
                if r.headers["Connection"] == "close" { closing += 1 }
            }
            return (answered, closing, slowest, clients)
        }
        #expect(flood.answered == floodSize, "every slow body to an unknown route is answered 404")
        #expect(flood.closing == floodSize, "and told the connection closes: 900,000 bytes are not worth reading")
        #expect(flood.slowest < .seconds(2), "at once, not after the body: \(flood.slowest)")
        // Meanwhile (the flood's sockets still open, lingering) a health probe stays fast.
        let latencies = await onThread { () -> [Duration] in
            var out: [Duration] = []
            guard let c = TestClient(port: port, timeoutSeconds: 2) else { return out }
            for _ in 0..<200 {
                let t0 = ContinuousClock.now
                c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                if c.readResponse()?.status == 200 { out.append(ContinuousClock.now - t0) }
            }
            return out
        }
        #expect(latencies.count == 200, "every probe answered")
        let p99 = latencies.sorted()[max(0, latencies.count * 99 / 100 - 1)]
        print("slow-body flood of \(floodSize): slowest 404 after \(flood.slowest), health probe p99 \(p99)")
        #expect(p99 < .milliseconds(10), "probe p99 \(p99) during the flood")
        withExtendedLifetime(flood.clients) {}
        await server.stop()
    }

    @Test func aSmallBodyStillArrivingIsAnsweredFirstThenReadAndDropped() async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Duration, WireResponse?) in
            let c = TestClient(port: port)!
            let t0 = ContinuousClock.now
            c.send("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            let first = c.readResponse()
            let elapsed = ContinuousClock.now - t0
            c.send("defghijGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")   // the rest of the body, then a request
            return (first, elapsed, c.readResponse())
        }
        #expect(outcome.0?.status == 404)
        #expect(outcome.0?.headers["Connection"] == nil, "a small remainder is read, so the connection stays")
        #expect(outcome.1 < .seconds(1))
        #expect(outcome.2?.bodyText == "hello", "the dropped body was not taken for a request")
        await server.stop()
    }

    @Test(arguments: [
        ("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n", 404),
        ("PUT /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n", 405),
        ("POST /nope HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n", 404),
        ("BREW /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n", 501),
    ])
    func expectContinueOnARequestThatWillNotBeServedGetsTheFinalStatusAtOnce(_ raw: String, _ status: Int) async throws {
        let server = try startTestServer()
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Duration, Bool) in
            // A client that waits for 100 Continue and never sends its body unless invited.
            let c = TestClient(port: port, timeoutSeconds: 5)!
            let t0 = ContinuousClock.now
            c.send(raw)
            let r = c.readResponse()
            return (r, ContinuousClock.now - t0, c.waitForClose())
        }
        #expect(outcome.0?.status == status, "the final status, not 100 Continue")
        #expect(outcome.1 < .seconds(1), "at once: \(outcome.1)")
        #expect(outcome.0?.headers["Connection"] == "close", "the client may never send the body, so the framing ends here")
        #expect(outcome.2)
        await server.stop()
    }

    // MARK: Minimum body rate

    @Test func aRoutedBodySlowerThanTheMinimumRateIsCut() async throws {
        let server = try startTestServer { $0.minimumBodyRate = BodyRate(bytesPerSecond: 240, grace: .seconds(1)) }
        let port = server.port!
        let outcome = await onThread { () -> (WireResponse?, Duration, Bool) in
            let c = TestClient(port: port, timeoutSeconds: 6)!
            let t0 = ContinuousClock.now
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123456789")
            // One byte every 100 ms: each byte would reset a plain idle timer, forever.
            for _ in 0..<60 where !c.waitForData(milliseconds: 100) { c.send("x") }
            let response = c.readResponse()
            let elapsed = ContinuousClock.now - t0
            return (response, elapsed, c.waitForClose())
        }
        #expect(outcome.0?.status == 408)
        #expect(outcome.0?.headers["Connection"] == "close")
        #expect(outcome.0?.bodyText.contains("too slowly") == true)
        #expect(outcome.1 >= .milliseconds(900), "not before the grace period: \(outcome.1)")
        #expect(outcome.1 < .seconds(3), "soon after it: \(outcome.1)")
        #expect(outcome.2)
        await server.stop()
    }

    @Test func aBodyAtAnAcceptableRateIsRead() async throws {
        let server = try startTestServer { $0.minimumBodyRate = BodyRate(bytesPerSecond: 240, grace: .milliseconds(500)) }
        let port = server.port!
        let r = await onThread { () -> WireResponse? in
            let c = TestClient(port: port, timeoutSeconds: 6)!
            c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1500\r\n\r\n")
            for _ in 0..<15 {   // 100 bytes every 100 ms: about 1,000 bytes/s
                c.send(String(repeating: "y", count: 100))
                usleep(100_000)
            }
            return c.readResponse()
        }
        #expect(r?.status == 200)
        #expect(r?.body.count == 1500)
        await server.stop()
    }

    // MARK: The connection cap

    @Test func atTheCapTheLongestIdleConnectionMakesRoomAndABusyOneNever() async throws {
        let server = try startTestServer { $0.maxConnections = 3; $0.eventLoops = 1 }
        let port = server.port!
        let outcome = await onThread { () -> (evicted: Bool, newStatus: Int?, busyBody: String?, youngerIdleStatus: Int?) in
            let older = TestClient(port: port)!, younger = TestClient(port: port)!, busy = TestClient(port: port, timeoutSeconds: 5)!
            older.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = older.readResponse()
            usleep(50_000)
            younger.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = younger.readResponse()
            busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")   // in its handler for 800 ms
            usleep(200_000)
            let newcomer = TestClient(port: port)!
            newcomer.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let newStatus = newcomer.readResponse()?.status
            let evicted = older.waitForClose()
            younger.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return (evicted, newStatus, busy.readResponse()?.bodyText, younger.readResponse()?.status)
        }
        #expect(outcome.newStatus == 200, "the new client got in")
        #expect(outcome.evicted, "by closing the connection idle the longest")
        #expect(outcome.busyBody == "slow done", "a connection with a request in flight is never evicted")
        #expect(outcome.youngerIdleStatus == 200, "only one connection made room")
        let text = server.metrics.exposition()
        #expect(text.contains("http_connections_evicted_total 1"))
        #expect(text.contains("http_connections_rejected_total 0"))
        await server.stop()
    }

    @Test func atTheCapWithNoIdleConnectionANewOneIsRefused() async throws {
        let server = try startTestServer { $0.maxConnections = 1; $0.eventLoops = 1 }
        let port = server.port!
        let outcome = await onThread { () -> (refused: Bool, busyBody: String?) in
            let busy = TestClient(port: port, timeoutSeconds: 5)!
            busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(200_000)
            let refused = TestClient(port: port, timeoutSeconds: 3)!.waitForClose()
            return (refused, busy.readResponse()?.bodyText)
        }
        #expect(outcome.refused)
        #expect(outcome.busyBody == "slow done")
        let text = server.metrics.exposition()
        #expect(text.contains("http_connections_rejected_total 1"))
        #expect(text.contains("http_connections_evicted_total 0"))
        await server.stop()
    }

    // MARK: Labels

    @Test func rejectionsAreCountedUnderTheirMethodAndMatchedRoute() async throws {
        let server = try startTestServer { $0.headTimeout = .milliseconds(300) }
        let port = server.port!
        _ = await onThread { () -> Int in
            var n = 0
            for raw in ["POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world",   // 413
                        "DELETE /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",           // 405
                        "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n\r\n",                   // 417
                        "GET /echo/x HTTP/1.1\r\nHost: t\r\nBad Header: 1\r\n\r\n",                 // 400 after the request line
                        "BREW /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",             // 501
                        "GET /hello HTTP/1.1\r\nHost: t\r\n",                                          // 408
                        "G@T / HTTP/1.1\r\n\r\n"] {                                                    // 400, no method
                let c = TestClient(port: port)!
                c.send(raw)
                if c.readResponse() != nil { n += 1 }
            }
            return n
        }
        let text = server.metrics.exposition()
        for series in ["route=\"/small\",method=\"POST\",status=\"413\"",
                       "route=\"/hello\",method=\"DELETE\",status=\"405\"",
                       "route=\"/echo\",method=\"POST\",status=\"417\"",
                       "route=\"/echo/{value}\",method=\"GET\",status=\"400\"",
                       "route=\"unmatched\",method=\"OTHER\",status=\"501\"",
                       "route=\"timeout\",method=\"GET\",status=\"408\"",
                       "route=\"invalid\",method=\"OTHER\",status=\"400\""] {
            #expect(text.contains("http_requests_total{" + series + "} 1"), "\(series)")
        }
        await server.stop()
    }

    // MARK: HEAD

    /// Requests whose answer closes the connection: everything the server sends must be a head alone.
    @Test(arguments: [
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n", 413),
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\nExpect: foo\r\n\r\n", 417),
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400),
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("HEAD /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("HEAD /hello HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        ("HEAD /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 404),
        ("HEAD /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 405),
        ("HEAD /hello HTTP/1.1\r\nHost: t\r\n", 408),
    ])
    func aResponseToHeadHasNoContentWhateverItsStatus(_ raw: String, _ status: Int) async throws {
        let server = try startTestServer { $0.headTimeout = .milliseconds(400) }
        let port = server.port!
        let bytes = await onThread { () -> [UInt8]? in
            let c = TestClient(port: port, timeoutSeconds: 5)!
            c.send(raw)
            return c.readToEnd()
        }
        let all = try #require(bytes)
        let text = String(decoding: all, as: UTF8.self)
        let end = try #require(text.range(of: "\r\n\r\n"), "a complete head")
        #expect(text.hasPrefix("HTTP/1.1 \(status) "), "\(text.prefix(40))")
        #expect(text[end.upperBound...].isEmpty, "no content after the head: \(text[end.upperBound...].prefix(80))")
        await server.stop()
    }

    @Test func aHeadAnsweredFromItsRouteKeepsTheConnectionWithoutContent() async throws {
        let server = try startTestServer()
        let port = server.port!
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("HEAD /nope HTTP/1.1\r\nHost: t\r\n\r\nHEAD /echo HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            return [c.readResponse(isHead: true), c.readResponse(isHead: true), c.readResponse()].compactMap { $0 }
        }
        #expect(rs.map(\.status) == [404, 405, 200])
        #expect(rs.last?.bodyText == "hello", "no stray content before the third response")
        await server.stop()
    }
}

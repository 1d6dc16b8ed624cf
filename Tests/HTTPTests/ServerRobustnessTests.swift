import Testing
import TestSupport
@testable import HTTP

/// A live server fed mutated requests: it answers each connection with a 4xx/501/505 or a success,
/// never a 5xx of its own making, and keeps serving.
@Suite struct ServerRobustnessTests {
    static let seeds: [[UInt8]] = [
        "GET /echo/abc HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    ].map { Array($0.utf8) }

    @Test func mutatedRequestsNeverBreakTheServer() async throws {
        let server = try startTestServer { $0.headTimeout = .seconds(1); $0.bodyIdleTimeout = .seconds(1) }
        let port = server.port!
        let statuses = await onThread { () -> [Int] in
            var rng = SeededGenerator(seed: 0xC0FFEE)
            var seen: [Int] = []
            for i in 0..<400 {
                var bytes = ServerRobustnessTests.seeds[i % ServerRobustnessTests.seeds.count]
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let at = Int(rng.next() % UInt64(bytes.count))
                    switch rng.next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                    default: if bytes.count > 1 { bytes.remove(at: at) }
                    }
                }
                guard let c = TestClient(port: port, timeoutSeconds: 3) else { seen.append(-1); continue }
                c.send(bytes)
                c.shutdownWrite()   // whatever was incomplete can never complete
                seen.append(c.readResponse()?.status ?? 0)   // 0: closed without an answer (an abandoned partial request)
            }
            return seen
        }
        #expect(!statuses.contains(-1), "every connection was accepted")
        let serverErrors = statuses.filter { $0 >= 500 && $0 != 501 && $0 != 505 }
        #expect(serverErrors.isEmpty, "no 5xx of the server's making: \(serverErrors)")
        #expect(statuses.contains(400), "the mutations did produce rejections")
        #expect(await exchangeOnce(port: port)?.bodyText == "hello", "and it still serves")
        await server.stop()
    }
}

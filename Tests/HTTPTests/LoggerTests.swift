import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport
@testable import HTTP
@testable import Runtime

/// The request log: one JSON line per request, no personal data, and a stalled stdout never
/// stalls the server.
@Suite struct LoggerTests {
    /// A pipe whose read end the test drains on a thread of its own.
    final class Capture: @unchecked Sendable {
        let readFD: Int32, writeFD: Int32
        private let lock = NSLock()
        private var bytes: [UInt8] = []

        init() {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            readFD = fds[0]
            writeFD = fds[1]
        }

        func startDraining() {
            try! startThread(name: "log-drain") { [self] in
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(readFD, &chunk, chunk.count)
                    if n <= 0 { return }
                    lock.lock(); bytes.append(contentsOf: chunk[0..<n]); lock.unlock()
                }
            }
        }

        var lines: [String] {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }

        func waitForLines(where predicate: ([String]) -> Bool, within seconds: Double = 10) -> [String] {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let current = lines
                if predicate(current) { return current }
                usleep(20_000)
            }
            return lines
        }
    }

    /// A one-loop server on a free port whose request log goes to `capture`.
    func startLoggedServer(_ router: Router, _ capture: Capture) throws -> (HTTPServer, Int) {
        var config = ServerConfiguration()
        config.port = 0
        config.eventLoops = 1
        let server = HTTPServer(configuration: config, router: router, logger: Logger(level: .info, output: .descriptor(capture.writeFD)))
        return (server, try server.start())
    }

    @Test func eachRequestLogsOneJSONLineWithRouteNotPath() async throws {
        let capture = Capture()
        capture.startDraining()
        var router = Router()
        router.get("/children/{id}") { _ in .text("ok") }
        let (server, port) = try startLoggedServer(router, capture)
        let rs = await onThread { () -> [WireResponse] in
            let c = TestClient(port: port)!
            c.send("GET /children/Jane-Smith-2014 HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123\r\n\r\n"
                + "GET /nowhere/Jane HTTP/1.1\r\nHost: t\r\n\r\n")
            return [c.readResponse(), c.readResponse()].compactMap { $0 }
        }
        #expect(rs.map(\.status) == [200, 404])
        let lines = capture.waitForLines { $0.filter { $0.contains("\"msg\":\"request\"") }.count >= 2 }
        let requests = lines.filter { $0.contains("\"msg\":\"request\"") }
        #expect(requests.count == 2)
        let objects = requests.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 2, "every line is one JSON object")
        if objects.count == 2 {
            #expect(objects[0]["method"] as? String == "GET")
            #expect(objects[0]["route"] as? String == "/children/{id}")
            #expect(objects[0]["status"] as? Int == 200)
            #expect(objects[0]["request_id"] as? String == "abc-123")
            #expect(objects[0]["duration_ms"] is Double)
            #expect(objects[1]["route"] as? String == "unmatched")
            #expect(objects[1]["status"] as? Int == 404)
            #expect((objects[1]["request_id"] as? String)?.isEmpty == false)
        }
        // Paths carry identifying values; only route patterns may be logged.
        #expect(!lines.contains { $0.contains("Jane") })
        await server.stop()
    }

    @Test func aRejectionIsLoggedWithItsMethodAndRoute() async throws {
        let capture = Capture()
        capture.startDraining()
        var router = Router()
        router.post("/children/{id}/notes", bodyLimit: 10) { _ in .text("ok") }
        let (server, port) = try startLoggedServer(router, capture)
        let status = await onThread { () -> Int? in
            let c = TestClient(port: port)!
            c.send("POST /children/Jane/notes HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n")
            return c.readResponse()?.status
        }
        #expect(status == 413)
        let lines = capture.waitForLines { $0.contains { $0.contains("\"msg\":\"request\"") } }
        let line = try #require(lines.first { $0.contains("\"msg\":\"request\"") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["method"] as? String == "POST")
        #expect(object["route"] as? String == "/children/{id}/notes")
        #expect(object["status"] as? Int == 413)
        #expect(!line.contains("Jane"))
        await server.stop()
    }

    @Test func aStalledOutputNeverBlocksLoggingAndDropsAreCounted() async throws {
        let capture = Capture()   // not drained yet: the pipe fills (64 KiB) and the writer blocks
        let logger = Logger(level: .info, output: .descriptor(capture.writeFD))
        let line = String(repeating: "x", count: 200)
        let finished = Atomic<Bool>(false)
        try startThread(name: "log-writer") {
            for i in 0..<120_000 {   // about 30 MiB of lines: far past the 16 MiB held back
                logger.info(line, ["n": .int(i)])
            }
            finished.store(true, ordering: .releasing)
        }
        // Nobody reads yet. Logging that waited for the output would never finish.
        let deadline = ContinuousClock.now + .seconds(30)
        while !finished.load(ordering: .acquiring) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let returned = finished.load(ordering: .acquiring)
        #expect(returned, "logging waited for a stalled output")
        capture.startDraining()
        let lines = capture.waitForLines { $0.contains { $0.contains("\"msg\":\"log lines dropped\"") } }
        let note = lines.first { $0.contains("\"msg\":\"log lines dropped\"") }
        #expect(note != nil)
        if let note, let object = try? JSONSerialization.jsonObject(with: Data(note.utf8)) as? [String: Any] {
            let dropped = object["count"] as? Int ?? 0
            let kept = lines.filter { $0.contains(line) }.count
            #expect(dropped > 0)
            #expect(kept + dropped == 120_000, "every line is either written or counted")
        }
    }

    @Test(arguments: [
        ("plain route /children/{id}", #""plain route /children/{id}""#),
        ("quote \" and backslash \\", #""quote \" and backslash \\""#),
        ("line\nbreak\r\ttab", #""line\nbreak\r\ttab""#),
        ("nul \u{0} bell \u{7} esc \u{1B}", #""nul \u0000 bell \u0007 esc \u001b""#),
        ("separators \u{2028}\u{2029}", #""separators \u2028\u2029""#),
        ("other non-ASCII é – ✓ stays", "\"other non-ASCII é – ✓ stays\""),
        ("", #""""#),
    ])
    func jsonStringsAreEscapedTheSameByBothPaths(_ input: String, _ expected: String) throws {
        #expect(JSONText.quoted(input) == expected)
        var bytes: [UInt8] = Array("x".utf8)
        JSONText.appendQuoted(input, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x" + expected)
        // And a JSON parser reads back the original.
        let back = try JSONSerialization.jsonObject(with: Data(expected.utf8), options: .fragmentsAllowed) as? String
        #expect(back == input)
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        var bytes: [UInt8] = []
        Logger.appendTimestamp(to: &bytes)
        let stamp = String(decoding: bytes, as: UTF8.self)
        let pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
        #expect(stamp.wholeMatch(of: pattern) != nil, "\(stamp)")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = formatter.date(from: stamp)
        #expect(parsed != nil)
        if let parsed { #expect(abs(parsed.timeIntervalSinceNow) < 5) }
    }
}

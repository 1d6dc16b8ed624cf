import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// Grammar-aware fuzzing of the live server: sessions of pipelined requests built from the HTTP/1.1
/// grammar (methods, targets, versions, framing, `Expect`, `Connection`, chunked bodies and trailers),
/// some of them corrupted, sent whole or in random fragments by several clients at once. Every byte the
/// server sends back is checked: well-formed responses only, `Date` on each, no content after a HEAD's
/// head, no 5xx of the server's making, nothing after `Connection: close`, every connection ending
/// promptly; for sessions with no corruption, every request answered, in order, with the status and
/// body the routes define (so a body taken for a request, or a request swallowed as a body, fails).
///
/// The test command runs a fixed seed for a few seconds. Longer runs by hand:
/// `CME_FUZZ_SECONDS=600 CME_FUZZ_SEED=42 swift test --filter HTTPFuzzTests` (or `scripts/fuzz-http`).
@Suite struct HTTPFuzzTests {
    /// The same seed gives the same sessions.
    typealias Random = SeededGenerator

    /// One generated request and what a correct server does with it (when it is well formed).
    struct GeneratedRequest {
        var bytes: [UInt8]
        /// Starts with the method token `HEAD` followed by SP: the server treats it as HEAD.
        var isHead: Bool
        var expectedStatus: Int
        var expectedBody: [UInt8]?
        enum Closing { case no, yes, maybe }
        var closes: Closing
    }

    struct Session {
        var requests: [GeneratedRequest]
        /// The request that was corrupted, if one was.
        var corrupted: Int? = nil
        /// No request was corrupted: statuses and order are checked exactly.
        var wellFormed: Bool
        var fragmented: Bool
    }

    // MARK: Generation

    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~".utf8)

    static func body(_ r: inout Random, count: Int) -> [UInt8] {
        // Never "HTTP/" inside a body, so that the checker can tell a HEAD response from one with content.
        (0..<count).map { _ in alphabet[r.below(alphabet.count)] }
    }

    static func chunked(_ body: [UInt8], _ r: inout Random) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < body.count {
            let n = min(body.count - i, 1 + r.below(700))
            var line = String(n, radix: 16, uppercase: r.chance(50))
            if r.chance(20) { line += r.pick([";a=b", ";ext", " ;q=\"x y\"", ";n=1;m=2"]) }
            out += Array((line + "\r\n").utf8) + body[i..<(i + n)] + Array("\r\n".utf8)
            i += n
        }
        out += Array("0\r\n".utf8)
        if r.chance(30) { out += Array("X-Trailer: t\r\n".utf8) }
        out += Array("\r\n".utf8)
        return out
    }

    static func wellFormedRequest(_ r: inout Random) -> GeneratedRequest {
        var extra = ""
        if r.chance(20) { extra += "X-Request-ID: fz-\(r.below(1000))\r\n" }
        if r.chance(15) { extra += "Accept: */*\r\nUser-Agent: fuzz/\(r.below(9))\r\n" }
        let close = r.chance(8)
        if close { extra += "Connection: close\r\n" }
        func head(_ method: String, _ target: String, _ fields: String = "") -> String {
            "\(method) \(target) HTTP/1.1\r\nHost: t\r\n" + fields + extra + "\r\n"
        }
        var g: GeneratedRequest
        switch r.below(12) {
        case 0:
            g = GeneratedRequest(bytes: Array(head("GET", "/hello").utf8), isHead: false, expectedStatus: 200,
                                 expectedBody: Array("hello".utf8), closes: .no)
        case 1:
            g = GeneratedRequest(bytes: Array(head("HEAD", r.pick(["/hello", "/echo/h", "/nope", "/echo"])).utf8), isHead: true,
                                 expectedStatus: 0, expectedBody: nil, closes: .no)
            g.expectedStatus = String(decoding: g.bytes, as: UTF8.self).contains("/nope") ? 404
                : String(decoding: g.bytes, as: UTF8.self).contains("/echo ") ? 405 : 200
        case 2:
            let segment = String(decoding: body(&r, count: 1 + r.below(20)), as: UTF8.self)
            g = GeneratedRequest(bytes: Array(head("GET", "/echo/" + segment).utf8), isHead: false, expectedStatus: 200,
                                 expectedBody: Array(segment.utf8), closes: .no)
        case 3, 4:
            let b = body(&r, count: r.below(3000))
            g = GeneratedRequest(bytes: Array(head("POST", "/echo", "Content-Length: \(b.count)\r\n").utf8) + b, isHead: false,
                                 expectedStatus: 200, expectedBody: b, closes: .no)
        case 5:
            let b = body(&r, count: r.below(3000))
            g = GeneratedRequest(bytes: Array(head("POST", "/echo", "Transfer-Encoding: chunked\r\n").utf8) + chunked(b, &r),
                                 isHead: false, expectedStatus: 200, expectedBody: b, closes: .no)
        case 6:
            let n = r.below(16)
            let b = body(&r, count: n)
            g = GeneratedRequest(bytes: Array(head("POST", "/small", "Content-Length: \(n)\r\n").utf8) + b, isHead: false,
                                 expectedStatus: n <= 10 ? 200 : 413, expectedBody: n <= 10 ? Array("\(n)".utf8) : nil,
                                 closes: n <= 10 ? .no : .yes)
        case 7:
            // Answered from the head; whether the body is all here when the head is read depends on timing.
            let n = r.chance(80) ? r.below(2000) : 65_536 + r.below(40_000)
            let b = body(&r, count: n)
            g = GeneratedRequest(bytes: Array(head(r.pick(["POST", "PUT"]), "/nope/\(r.below(99))", "Content-Length: \(n)\r\n").utf8) + b,
                                 isHead: false, expectedStatus: 404, expectedBody: nil, closes: n == 0 ? .no : .maybe)
        case 8:
            g = GeneratedRequest(bytes: Array(head(r.pick(["DELETE", "PATCH", "PUT"]), "/hello").utf8), isHead: false,
                                 expectedStatus: 405, expectedBody: nil, closes: .no)
        case 9:
            g = GeneratedRequest(bytes: Array(head("OPTIONS", r.pick(["/hello", "*", "/echo/x"])).utf8), isHead: false,
                                 expectedStatus: 204, expectedBody: nil, closes: .no)
        case 10:
            g = GeneratedRequest(bytes: Array(head(r.pick(["BREW", "PROPFIND", "CONNECT_X"]), "/hello").utf8), isHead: false,
                                 expectedStatus: 501, expectedBody: nil, closes: .no)
        default:
            // Expect: 100-continue with the body sent at once: a 100 may or may not come first.
            let b = body(&r, count: 1 + r.below(500))
            g = GeneratedRequest(bytes: Array(head("POST", "/echo", "Content-Length: \(b.count)\r\nExpect: 100-continue\r\n").utf8) + b,
                                 isHead: false, expectedStatus: 200, expectedBody: b, closes: .no)
        }
        if close { g.closes = .yes }
        return g
    }

    /// A request damaged the way real attacks and broken clients damage them.
    static func corrupt(_ g: GeneratedRequest, _ r: inout Random) -> GeneratedRequest {
        var bytes = g.bytes
        let text = String(decoding: bytes, as: UTF8.self)
        let headEnd = (text.range(of: "\r\n\r\n").map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) }) ?? bytes.count
        func insertField(_ field: String) {
            let at = (text.range(of: "\r\n").map { text.utf8.distance(from: text.startIndex, to: $0.upperBound) }) ?? 0
            bytes.insert(contentsOf: Array(field.utf8), at: at)
        }
        switch r.below(14) {
        case 0: bytes[r.below(max(1, headEnd))] = UInt8(truncatingIfNeeded: r.next())
        case 1: bytes.insert(r.pick([13, 10, 0, 32, 9, 127]), at: r.below(max(1, headEnd)))
        case 2: if headEnd > 1 { bytes.remove(at: r.below(headEnd)) }
        case 3: insertField("Content-Length: \(r.below(50))\r\nTransfer-Encoding: chunked\r\n")
        case 4: insertField("Content-Length: 3\r\nContent-Length: 4\r\n")
        case 5: insertField("X-Fold: a\r\n b\r\n")
        case 6: insertField("Bad Name: x\r\n")
        case 7: insertField("Transfer-Encoding: " + r.pick(["gzip, chunked", "chunked, gzip", "identity", "chunked;a=b"]) + "\r\n")
        case 8: insertField("Expect: " + r.pick(["teapot", "100-continue, x", "200-ok"]) + "\r\n")
        case 9: insertField("Content-Length: " + r.pick(["-1", "99999999999999999999", "1e3", "+5", " "]) + "\r\n")
        case 10: insertField(String(repeating: "X-Pad: \(String(repeating: "p", count: 900))\r\n", count: 20))
        case 11: bytes = Array(text.replacingOccurrences(of: "\r\n", with: "\n").utf8)
        case 12:
            let version = r.pick(["HTTP/2.0", "HTTP/1.1x", "HTTP/0.9", "http/1.1", "HTTP/1.10"])
            bytes = Array(text.replacingOccurrences(of: "HTTP/1.1", with: version).utf8)
        default:
            bytes = Array((r.pick(["GET", "HEAD", "POST"]) + " /" + String(repeating: "a", count: 8300) + " HTTP/1.1\r\nHost: t\r\n\r\n").utf8)
        }
        let isHead = bytes.starts(with: Array("HEAD ".utf8))
        return GeneratedRequest(bytes: bytes, isHead: isHead, expectedStatus: 0, expectedBody: nil, closes: .maybe)
    }

    static func session(seed: UInt64) -> Session {
        var r = Random(seed: seed)
        var requests = (0..<(1 + r.below(4))).map { _ in wellFormedRequest(&r) }
        var corrupted: Int? = nil
        if r.chance(35) {
            let i = r.below(requests.count)
            requests[i] = corrupt(requests[i], &r)
            corrupted = i
        }
        return Session(requests: requests, corrupted: corrupted, wellFormed: corrupted == nil, fragmented: r.chance(30))
    }

    // MARK: Checking

    /// A response as read off the wire, with what the checker decided about its content.
    struct ReadResponse {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var bodiless: Bool
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    struct Malformed: Error { var why: String }

    /// Splits everything the server sent into responses, failing on anything malformed.
    static func parseResponses(_ bytes: [UInt8]) -> Result<[ReadResponse], Malformed> {
        var out: [ReadResponse] = []
        var i = 0
        func headEnd(from start: Int) -> Int? {
            var k = start
            while k + 3 < bytes.count {
                if bytes[k] == 13 && bytes[k + 1] == 10 && bytes[k + 2] == 13 && bytes[k + 3] == 10 { return k }
                k += 1
            }
            return nil
        }
        while i < bytes.count {
            guard let end = headEnd(from: i) else {
                return .failure(Malformed(why: "an incomplete response head: \(String(decoding: bytes[i...].prefix(80), as: UTF8.self))"))
            }
            let head = String(decoding: bytes[i..<end], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            guard statusLine.wholeMatch(of: /HTTP\/1\.1 [1-5][0-9][0-9] [A-Za-z \-]+/) != nil, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
                return .failure(Malformed(why: "a malformed status line: \(statusLine)"))
            }
            var headers: [(String, String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":"), line[..<colon].utf8.allSatisfy(HTTPSyntax.isTokenChar), !line[..<colon].isEmpty,
                      line[line.index(after: colon)...].utf8.allSatisfy(HTTPSyntax.isFieldValueByte) else {
                    return .failure(Malformed(why: "a malformed field line: \(line)"))
                }
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
            i = end + 4
            var response = ReadResponse(status: status, headers: headers, body: [], bodiless: false)
            if status >= 200 && status != 204 && status != 304 {
                guard response.header("Date") != nil else { return .failure(Malformed(why: "no Date on a \(status)")) }
                guard let length = response.header("Content-Length").flatMap(Int.init) else { return .failure(Malformed(why: "no Content-Length on a \(status)")) }
                // Content follows unless this answers a HEAD: then the next bytes are the next status line or nothing.
                let rest = bytes[i...]
                let nextIsResponse = rest.isEmpty || rest.starts(with: Array("HTTP/1.1 ".utf8))
                if length > 0 && !nextIsResponse {
                    guard rest.count >= length else { return .failure(Malformed(why: "a \(status) with \(rest.count) of its \(length) bytes")) }
                    response.body = Array(rest.prefix(length))
                    response.bodiless = false
                    i += length
                } else {
                    response.bodiless = length > 0
                }
            }
            out.append(response)
        }
        return .success(out)
    }

    /// Failures of one session, in words.
    static func check(_ s: Session, _ bytes: [UInt8]?) -> [String] {
        guard let bytes else { return ["the connection did not end within the time allowed (a hang)"] }
        let parsed: [ReadResponse]
        switch parseResponses(bytes) {
        case .failure(let malformed): return [malformed.why]
        case .success(let rs): parsed = rs
        }
        var problems: [String] = []
        let sentExpect = s.requests.contains { String(decoding: $0.bytes, as: UTF8.self).contains("Expect: 100-continue") }
        let finals = parsed.filter { $0.status >= 200 }
        if parsed.contains(where: { $0.status == 100 }) && !sentExpect { problems.append("a 100 Continue nobody asked for") }
        if parsed.contains(where: { $0.status >= 100 && $0.status < 200 && $0.status != 100 }) { problems.append("an unexpected 1xx") }
        for r in finals where r.status >= 500 && r.status != 501 && r.status != 505 {
            problems.append("a \(r.status) of the server's making")
        }
        if let closing = finals.firstIndex(where: { $0.header("Connection") == "close" }), closing != finals.count - 1 {
            problems.append("bytes after a response that said Connection: close")
        }
        if s.wellFormed {
            var expected: [GeneratedRequest] = []
            for (k, g) in s.requests.enumerated() {
                expected.append(g)
                if g.closes == .yes { break }
                if g.closes == .maybe, k < finals.count, finals[k].header("Connection") == "close" { break }
            }
            if finals.count != expected.count {
                problems.append("\(finals.count) responses to \(expected.count) requests: \(finals.map(\.status)) for \(expected.map(\.expectedStatus))")
            }
            for (g, r) in zip(expected, finals) {
                if r.status != g.expectedStatus { problems.append("status \(r.status), expected \(g.expectedStatus)") }
                if let body = g.expectedBody, !g.isHead, r.body != body { problems.append("a \(r.status) whose body differs from the one expected") }
                if g.isHead && !r.body.isEmpty { problems.append("content in a response to HEAD") }
                if !g.isHead && r.bodiless { problems.append("a \(r.status) without its content") }
            }
        } else if let last = finals.last, last.header("Connection") == "close" {
            // The corrupted request ended the session, answered in its turn: if its method was HEAD, no content.
            let position = finals.count - 1
            if position == s.corrupted, s.requests[..<position].allSatisfy({ $0.closes != .maybe }), s.requests[position].isHead, !last.body.isEmpty {
                problems.append("content in a \(last.status) to HEAD")
            }
        }
        return problems
    }

    // MARK: Running

    static func runSession(_ s: Session, port: Int, random: inout Random) -> [UInt8]? {
        guard let c = TestClient(port: port, timeoutSeconds: 5) else { return nil }
        let all = s.requests.flatMap(\.bytes)
        if s.fragmented {
            var i = 0
            while i < all.count {
                let n = min(all.count - i, 1 + random.below(64))
                c.send(Array(all[i..<(i + n)]))
                i += n
                if random.chance(10) { usleep(UInt32(random.below(2000))) }
            }
        } else {
            c.send(all)
        }
        c.shutdownWrite()   // nothing more will come: every session must end by itself
        return c.readToEnd()
    }

    @Test func generatedSessionsKeepEveryInvariant() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["CME_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xC0DE_2026
        let seconds = environment["CME_FUZZ_SECONDS"].flatMap { Double($0) }
        let sessionsPerWorker = seconds == nil ? 250 : Int.max
        let workers = 4
        let server = try startTestServer { $0.headTimeout = .seconds(2); $0.bodyIdleTimeout = .seconds(2) }
        let port = server.port!
        final class Tally: Sendable {
            let failures = Mutex<[String]>([])
            let counts = Mutex((sessions: 0, requests: 0, responses: 0))
        }
        let tally = Tally()
        let deadline = ContinuousClock.now + .seconds(seconds ?? 3600)
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<workers {
                group.addTask {
                    await onThread {
                        var random = Random(seed: seed ^ UInt64(w) &* 0x1234_5678_9ABC_DEF1)
                        var n = 0
                        while n < sessionsPerWorker && ContinuousClock.now < deadline {
                            let sessionSeed = seed &+ UInt64(w) << 40 &+ UInt64(n)
                            let s = HTTPFuzzTests.session(seed: sessionSeed)
                            let bytes = HTTPFuzzTests.runSession(s, port: port, random: &random)
                            let problems = HTTPFuzzTests.check(s, bytes)
                            if !problems.isEmpty {
                                tally.failures.withLock { $0.append("session seed \(sessionSeed) (worker \(w), #\(n)): " + problems.joined(separator: "; ")) }
                            }
                            let answered = (try? HTTPFuzzTests.parseResponses(bytes ?? []).get().count) ?? 0
                            tally.counts.withLock { $0.sessions += 1; $0.requests += s.requests.count; $0.responses += answered }
                            n += 1
                        }
                    }
                }
            }
        }
        let found = tally.failures.withLock { $0 }
        let totals = tally.counts.withLock { $0 }
        print("HTTP fuzz, seed \(seed): \(totals.sessions) sessions, \(totals.requests) requests, \(totals.responses) responses, \(found.count) failing")
        #expect(found.isEmpty, "\(found.count) failing sessions (seed \(seed)); first: \(found.prefix(5).joined(separator: " | "))")
        #expect(totals.sessions >= workers, "sessions ran: \(totals)")
        #expect(totals.responses > totals.sessions, "the server answered: \(totals)")
        #expect(await exchangeOnce(port: port)?.bodyText == "hello", "and it still serves")
        await server.stop()
    }

    /// The checker itself must catch what it is there to catch.
    @Test func theCheckerRejectsWhatItMust() {
        let get = GeneratedRequest(bytes: [], isHead: false, expectedStatus: 200, expectedBody: Array("hello".utf8), closes: .no)
        let head = GeneratedRequest(bytes: Array("HEAD ".utf8), isHead: true, expectedStatus: 200, expectedBody: nil, closes: .no)
        let ok = "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 5\r\n\r\nhello"
        let headOK = "HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 5\r\n\r\n"
        #expect(Self.check(Session(requests: [get, head, get], wellFormed: true, fragmented: false), Array((ok + headOK + ok).utf8)).isEmpty)
        #expect(!Self.check(Session(requests: [get, get], wellFormed: true, fragmented: false), Array(ok.utf8)).isEmpty, "a request not answered")
        #expect(!Self.check(Session(requests: [head], wellFormed: true, fragmented: false), Array((headOK + "hello").utf8)).isEmpty, "content after HEAD")
        #expect(!Self.check(Session(requests: [get], wellFormed: true, fragmented: false), nil).isEmpty, "a hang")
        #expect(!Self.check(Session(requests: [get], wellFormed: false, fragmented: false),
                       Array("HTTP/1.1 500 Internal Server Error\r\nDate: x\r\nContent-Length: 0\r\n\r\n".utf8)).isEmpty, "a 500")
        #expect(!Self.check(Session(requests: [get], wellFormed: false, fragmented: false), Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)).isEmpty, "no Date")
        #expect(!Self.check(Session(requests: [get, get], wellFormed: false, fragmented: false),
                       Array(("HTTP/1.1 400 Bad Request\r\nDate: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n" + ok).utf8)).isEmpty,
                "bytes after close")
        #expect(!Self.check(Session(requests: [get], wellFormed: false, fragmented: false), Array("HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 5\r\n\r\nhel".utf8)).isEmpty,
                "a truncated body")
    }
}

extension SeededGenerator {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

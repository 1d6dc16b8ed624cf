import Foundation
import HTTP
import Postgres
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEStore

/// What a handler's failure becomes at the HTTP edge.
@Suite struct ErrorResponseTests {
    let request = Request(method: "GET", target: "/v1/x", path: "/v1/x", route: "/v1/x", requestID: "req-1")

    func problem(_ response: Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    @Test func anExhaustedPoolIs503WithRetryAfterWithinTheBound() async throws {
        let database = Database(url: try await TestDatabase.url, poolSize: 1, acquireTimeout: .milliseconds(300))
        // Connected first (a loaded machine may take longer than the bound to connect), so only the
        // wait for a free connection is timed below.
        for attempt in 1...30 {
            do { _ = try await database.pool.query("SELECT 1"); break } catch where attempt < 30 { continue }
        }
        let holder = Task { try await database.pool.query("SELECT pg_sleep(2)") }
        let deadline = ContinuousClock.now + .seconds(10)
        while database.pool.statistics.inUse == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let start = ContinuousClock.now
        let response = await API.respond(to: request, logger: nil) {
            _ = try await database.pool.query("SELECT 1")
            return .text("unreachable")
        }
        let waited = ContinuousClock.now - start
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == "2")
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(problem(response)["type"] as? String == Problem.typeBase + "unavailable")
        #expect(problem(response)["instance"] as? String == "req-1")
        #expect(waited < .seconds(2), "answered at the pool's bound, not after the holder")
        _ = try await holder.value
        await database.shutdown()
    }

    @Test func anUnreachableServerIs503() async throws {
        let database = Database(url: "postgresql://cme:x@127.0.0.1:1/none", poolSize: 1, acquireTimeout: .milliseconds(500))
        let response = await API.respond(to: request, logger: nil) {
            _ = try await database.pool.query("SELECT 1")
            return .text("unreachable")
        }
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == "2")
        await database.shutdown()
    }

    struct Leaky: Error, CustomStringConvertible { var description: String { "child Jane Doe, UPN A123456789012" } }

    @Test func anyOtherFailureIs500AndSaysNothingOfTheError() async throws {
        let response = await API.respond(to: request, logger: nil) { throw Leaky() }
        #expect(response.status == 500)
        #expect(problem(response)["type"] as? String == Problem.typeBase + "internal")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(!text.contains("Jane") && !text.contains("A123456789012"))
        #expect(response.headers["Retry-After"] == nil)
    }

    @Test func aStatementErrorIsNotMistakenForUnavailability() async throws {
        let database = Database(url: try await TestDatabase.url, poolSize: 1)
        let response = await API.respond(to: request, logger: nil) {
            _ = try await database.pool.query("SELECT 1/0")
            return .text("unreachable")
        }
        #expect(response.status == 500)
        await database.shutdown()
    }
}

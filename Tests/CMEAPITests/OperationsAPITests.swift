import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// The operations routes against a real database, called through the router as the server would.
@Suite struct OperationsAPITests {
    static let home = TestDatabase.repositoryRoot.path
    static let contract = (try? String(contentsOfFile: home + "/openapi.yaml", encoding: .utf8)) ?? ""

    struct Fixture {
        var router: Router
        var database: Database
        var metrics: ServerMetrics
    }

    func fixture(url: String, migrate: Bool, acquireTimeout: Duration = .seconds(5)) async throws -> Fixture {
        let database = Database(url: url, poolSize: 2, acquireTimeout: acquireTimeout)
        let migrator = Migrator(database: database, migrations: try Migration.load(from: Self.home + "/migrations"))
        if migrate { try await migrator.migrate() }
        let metrics = ServerMetrics(shards: 1)
        let router = API.makeRouter(services: CMEServices(database: database, migrator: migrator),
                                    serverMetrics: metrics, openAPIDocument: Self.contract)
        return Fixture(router: router, database: database, metrics: metrics)
    }

    func call(_ router: Router, _ method: String, _ path: String) async -> Response? {
        guard case .found(let route, let params) = router.match(method: method, path: Substring(path)) else { return nil }
        return await route.handler(Request(method: method, target: path, path: path, pathParameters: params,
                                           route: route.pattern, requestID: "test-request"))
    }

    @Test func healthzAndReadyWhenMigrated() async throws {
        let f = try await fixture(url: try await TestDatabase.makeFresh(named: "api_ready"), migrate: true)
        let health = try #require(await call(f.router, "GET", "/healthz"))
        #expect(health.status == 200)
        #expect(String(decoding: health.body, as: UTF8.self) == #"{"status":"ok"}"#)
        let ready = try #require(await call(f.router, "GET", "/readyz"))
        #expect(ready.status == 200)
        #expect(String(decoding: ready.body, as: UTF8.self) == #"{"status":"ready"}"#)
        await f.database.shutdown()
    }

    @Test func notReadyWhileMigrationsArePending() async throws {
        let f = try await fixture(url: try await TestDatabase.makeFresh(named: "api_pending"), migrate: false)
        let r = try #require(await call(f.router, "GET", "/readyz"))
        #expect(r.status == 503)
        #expect(r.headers["Content-Type"] == "application/problem+json")
        #expect(r.headers["Retry-After"] == "5")
        let body = String(decoding: r.body, as: UTF8.self)
        #expect(body.contains("Migrations pending: 1"))
        #expect(body.contains("\"instance\":\"test-request\""))
        await f.database.shutdown()
    }

    @Test func notReadyWhenTheDatabaseIsUnreachableAndSaysSoPromptly() async throws {
        // Port 1 on loopback: connection refused at once.
        let f = try await fixture(url: "postgresql://cme:none@127.0.0.1:1/none?connect_timeout=2", migrate: false,
                                  acquireTimeout: .seconds(2))
        let started = ContinuousClock.now
        let r = try #require(await call(f.router, "GET", "/readyz"))
        #expect(r.status == 503)
        #expect(String(decoding: r.body, as: UTF8.self).contains("cannot be reached"))
        #expect(ContinuousClock.now - started < .seconds(10), "bounded, never a hang")
        await f.database.shutdown()
    }

    @Test func metricsExposeRequestsAndPool() async throws {
        let f = try await fixture(url: try await TestDatabase.makeFresh(named: "api_metrics"), migrate: true)
        let r = try #require(await call(f.router, "GET", "/metrics"))
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: r.body, as: UTF8.self)
        for name in ["http_requests_total", "http_request_duration_seconds", "http_open_connections",
                     "cme_db_pool_connections{state=\"in_use\"}", "cme_db_pool_connections{state=\"idle\"}",
                     "cme_db_pool_size 2", "cme_db_pool_waiting 0"] {
            #expect(text.contains(name), "metrics carry \(name)")
        }
        await f.database.shutdown()
    }

    @Test func contractAndReferencePageAreServed() async throws {
        let f = try await fixture(url: try await TestDatabase.makeFresh(named: "api_docs"), migrate: false)
        let spec = try #require(await call(f.router, "GET", "/openapi.yaml"))
        #expect(spec.status == 200)
        #expect(String(decoding: spec.body, as: UTF8.self) == Self.contract)
        let docs = try #require(await call(f.router, "GET", "/docs"))
        let html = String(decoding: docs.body, as: UTF8.self)
        #expect(docs.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(html.contains("<code>/readyz</code>"))
        #expect(!html.lowercased().contains("<script"), "self-contained, no scripts")
        #expect(!html.contains("src=\"http"), "no external resources")
        // Rendered from the contract itself, not its fallback: an article, roles and a curl example per
        // operation, a section per schema.
        let operations = ContractOutline.operations(in: Self.contract)
        #expect(html.components(separatedBy: "<article class=\"op\"").count - 1 == operations.count)
        #expect(html.components(separatedBy: "<pre class=\"curl\">").count - 1 == operations.count)
        #expect(html.contains("id=\"op-getScorecard\"") && html.contains("<span class=\"role\">officer</span>"))
        #expect(html.contains("id=\"schema-Scorecard\"") && html.contains("<nav id=\"index\""))
        #expect(html.contains("curl -X GET &quot;http://127.0.0.1:8080/v1/reports/scorecard?from=2026-07-01&amp;to=2026-09-30&quot;"))
        #expect(docs.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        await f.database.shutdown()
    }

    @Test func aContractTheReaderCannotReadFallsBackToItsText() {
        let html = ReferencePage.render("openapi: 3.1.0\npaths:\n  /x:\n    get:\n      summary: X &amp; y\n  *alias\n")
        #expect(html.contains("<h2>The contract</h2>"))
        #expect(html.contains("<code>/x</code>"))
        #expect(!html.lowercased().contains("<script"))
    }

    /// The contract stays true to the server: every route is documented and every documented
    /// operation is routed (HEAD is implied by GET).
    @Test func everyRouteIsInTheContractAndEveryOperationIsRouted() async throws {
        let f = try await fixture(url: try await TestDatabase.makeFresh(named: "api_contract"), migrate: false)
        let documented = Set(ContractOutline.operations(in: Self.contract).map { "\($0.method) \($0.path)" })
        let routed = Set(f.router.patterns.map { "\($0.method) \($0.pattern)" })
        #expect(!documented.isEmpty)
        #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.yaml: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
        for op in ContractOutline.operations(in: Self.contract) {
            #expect(!op.summary.isEmpty, "\(op.method) \(op.path) has a summary")
        }
        await f.database.shutdown()
    }
}

import Testing
@testable import HTTP

@Suite struct RouterTests {
    static func router() -> Router {
        var r = Router()
        r.get("/v1/cases") { _ in .text("list") }
        r.post("/v1/cases") { _ in .text("create") }
        r.get("/v1/cases/{id}") { _ in .text("one") }
        r.get("/v1/cases/{id}/timeline") { _ in .text("timeline") }
        r.get("/v1/cases/search") { _ in .text("search") }
        r.get("/") { _ in .text("root") }
        return r
    }

    func pattern(_ m: RouteMatch) -> String? {
        if case .found(let route, _) = m { return route.pattern }
        return nil
    }

    @Test func literalWinsOverParameter() {
        #expect(pattern(Self.router().match(method: "GET", path: "/v1/cases/search")) == "/v1/cases/search")
        #expect(pattern(Self.router().match(method: "GET", path: "/v1/cases/abc")) == "/v1/cases/{id}")
    }

    @Test func aCopyIsIndependent() {
        let original = Self.router()
        var copy = original
        copy.get("/v1/cases/{id}/notes") { _ in .text("notes") }
        copy.delete("/v1/cases/{id}") { _ in .text("gone") }
        #expect(pattern(copy.match(method: "GET", path: "/v1/cases/7/notes")) == "/v1/cases/{id}/notes")
        #expect(pattern(copy.match(method: "DELETE", path: "/v1/cases/7")) == "/v1/cases/{id}")
        #expect(pattern(original.match(method: "GET", path: "/v1/cases/7/notes")) == nil)
        #expect(pattern(original.match(method: "DELETE", path: "/v1/cases/7")) == nil)
        #expect(original.patterns.count == 6)
        // And the original still answers what it had.
        #expect(pattern(original.match(method: "GET", path: "/v1/cases/7/timeline")) == "/v1/cases/{id}/timeline")
    }

    @Test func parametersArePercentDecoded() {
        guard case .found(_, let params) = Self.router().match(method: "GET", path: "/v1/cases/a%20b/timeline") else {
            Issue.record("no match")
            return
        }
        #expect(params["id"] == "a b")
    }

    @Test func headFallsBackToGetAndAllowListsBoth() {
        #expect(pattern(Self.router().match(method: "HEAD", path: "/v1/cases")) == "/v1/cases")
        guard case .methodNotAllowed(let matched, let allow) = Self.router().match(method: "DELETE", path: "/v1/cases") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == ["GET", "HEAD", "POST"])
        #expect(matched == "/v1/cases", "a 405 names the pattern the path matched, for logs and metrics")
    }

    @Test(arguments: ["/v1/cases/", "/v1", "/v1/cases/a/b", "/v1/cases//timeline", "/nothing", "/v1/cases/%zz"])
    func unknownPathsAreNotFound(path: String) {
        if case .notFound = Self.router().match(method: "GET", path: Substring(path)) { return }
        Issue.record("\(path) should not match")
    }

    @Test func rootRoutes() {
        #expect(pattern(Self.router().match(method: "GET", path: "/")) == "/")
    }

    @Test func targetSplitting() {
        #expect(RequestTarget.split("/a/b?x=1").path == "/a/b")
        #expect(RequestTarget.split("/a/b?x=1").query == "x=1")
        #expect(RequestTarget.split("http://example.org:8080/v1/x?y").path == "/v1/x")
        #expect(RequestTarget.split("http://example.org").path == "/")
        #expect(RequestTarget.split("http://example.org?q=1").path == "/")
        let q = RequestTarget.parseQuery("a=1&b=x%20y+z&c&a=2")
        #expect(q.values(for: "a") == ["1", "2"])
        #expect(q["b"] == "x y z")
        #expect(q["c"] == "")
    }
}

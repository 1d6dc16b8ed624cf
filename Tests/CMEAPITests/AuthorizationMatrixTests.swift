import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Every route of the router × every role, plus no token, an unknown token, a deleted client's token,
/// a Basic header and a malformed bearer: the expected status of each. A route added without an
/// access rule fails here.
@Suite(.serialized) struct AuthorizationMatrixTests {
    static let publicRoutes: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.yaml", "/docs"]

    static func concrete(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
            .replacingOccurrences(of: "{academic_year}", with: "2025")
    }

    /// The contract's `x-roles` of every authenticated operation are the roles the router lets in,
    /// and a public operation says `security: []`.
    @Test func theContractNamesEachOperationsRolesAsTheRouterAppliesThem() async throws {
        let f = try await SecurityFixture.make("authz_contract_roles")
        let text = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let paths = try #require(try YAMLSubset.parse(text)["paths"]?.objectValue)
        var compared = 0
        for (path, item) in paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let op = item[method] else { continue }
                let rules = f.rules.roles(method: method.uppercased(), pattern: path)
                if op["security"]?.arrayValue?.isEmpty == true {
                    #expect(rules == nil, "\(method) \(path) is public in the contract but not in the router")
                    continue
                }
                let documented = Set((op["x-roles"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init(rawValue:)) })
                #expect(documented == rules, "\(method.uppercased()) \(path): x-roles \(documented.map(\.rawValue).sorted()), router \((rules ?? []).map(\.rawValue).sorted())")
                compared += 1
            }
        }
        #expect(compared >= 45)
    }

    @Test func everyRouteTimesEveryCallerGetsItsStatus() async throws {
        let f = try await SecurityFixture.make("authz_matrix")
        var checked = 0
        var failures: [String] = []
        for (method, pattern) in f.router.patterns {
            if Self.publicRoutes.contains(pattern) {
                #expect(f.rules.roles(method: method, pattern: pattern) == nil, "\(pattern) is public")
                continue
            }
            guard let allowed = f.rules.roles(method: method, pattern: pattern) else {
                failures.append("\(method) \(pattern) has no access rule")
                continue
            }
            let target = Self.concrete(pattern)
            let body = method == "POST" || method == "PUT" ? "{}" : nil
            let anonymous: [(String, HTTPHeaders)] = [
                ("no token", [:]),
                ("unknown token", ["Authorization": "Bearer " + String(repeating: "A", count: 43)]),
                ("deleted client", ["Authorization": "Bearer " + f.deletedToken]),
                ("Basic", ["Authorization": "Basic YWRtaW46YWRtaW4="]),
                ("malformed bearer", ["Authorization": "Bearer not-a-token"]),
                ("token in the query", [:]),
            ]
            for (name, headers) in anonymous {
                let t = name == "token in the query" ? target + "?access_token=" + f.tokens[.admin]! : target
                let r = await f.request(method, t, token: nil, json: body, headers: headers)
                if r?.status != 401 { failures.append("\(method) \(pattern) as \(name): \(r?.status ?? 0), expected 401") }
                checked += 1
            }
            for role in Role.allCases {
                let r = await f.request(method, target, token: f.tokens[role], json: body)
                let status = r?.status ?? 0
                if allowed.contains(role) {
                    if status == 401 || status == 403 || status == 0 || status >= 500 {
                        failures.append("\(method) \(pattern) as \(role): \(status), expected to be let through")
                    }
                } else if status != 403 {
                    failures.append("\(method) \(pattern) as \(role): \(status), expected 403")
                }
                checked += 1
            }
        }
        print("authorisation matrix: \(checked) route × caller pairs over \(f.router.patterns.count) routes")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let authenticated = f.router.patterns.filter { !Self.publicRoutes.contains($0.pattern) }.count
        #expect(authenticated >= 10)
        #expect(checked == authenticated * (6 + Role.allCases.count), "every pair was tried")
        await f.database.shutdown()
    }

    @Test func anotherCouncilsResourcesAre404() async throws {
        let f = try await SecurityFixture.make("authz_cross")
        // 373's admin deletes 372's officer: as if it did not exist.
        let deleted = await f.request("DELETE", "/v1/admin/clients/\(f.ids[.officer]!.uuidString)", token: f.otherCouncilAdmin)
        #expect(deleted?.status == 404)
        // 372's officer still works.
        let still = await f.request("GET", "/v1/reference/removal-grounds", token: f.tokens[.officer])
        #expect(still?.status == 200)
        // 373 lists only its own clients; its audit view of a 372 subject is empty.
        let list = f.object(await f.request("GET", "/v1/admin/clients", token: f.otherCouncilAdmin))
        let names = (list["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names == ["other admin"])
        let trail = f.object(await f.request("GET", "/v1/audit?subject=client:\(f.ids[.officer]!.uuidString.lowercased())", token: f.otherCouncilAdmin))
        #expect((trail["items"] as? [Any])?.isEmpty == true)
        // 372's policy is not 373's.
        let policy = f.object(await f.request("GET", "/v1/admin/policy", token: f.otherCouncilAdmin))
        #expect(policy["la_code"] as? String == "373")
        await f.database.shutdown()
    }

    @Test func aDeletedClientIsRefusedAtOnceHereAndWithinTheCacheLifetimeElsewhere() async throws {
        let f = try await SecurityFixture.make("authz_revoke")
        let victim = try await f.create(NewClient(role: "officer", name: "leaver"), la: "372")
        // Another instance on the same database, with a short cache lifetime for the test.
        let other = CMEServices(database: f.database, migrator: Migrator(database: f.database, migrations: []),
                                tokenCacheLifetime: .milliseconds(300))
        let otherRouter = API.makeRouter(services: other, serverMetrics: ServerMetrics(shards: 1), openAPIDocument: "")
        let probe = "/v1/reference/removal-grounds"
        #expect(await f.request("GET", probe, token: victim.0)?.status == 200)
        #expect(await call(otherRouter, "GET", probe, token: victim.0)?.status == 200)   // now cached there
        let gone = await f.request("DELETE", "/v1/admin/clients/\(victim.1.uuidString)", token: f.tokens[.admin])
        #expect(gone?.status == 204)
        #expect(await f.request("GET", probe, token: victim.0)?.status == 401, "refused at once by the instance that deleted it")
        try await Task.sleep(for: .milliseconds(400))
        #expect(await call(otherRouter, "GET", probe, token: victim.0)?.status == 401, "and by the other once its cache entry lapsed")
        await f.database.shutdown()
    }
}

import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Idempotency, rate limits, bad input, the GIAS import and the policy, through the router.
@Suite(.serialized) struct AdminRoutesTests {
    @Test func aRepeatedKeyReplaysTheFirstAnswerAndAnotherBodyIs422() async throws {
        let f = try await SecurityFixture.make("idempotency")
        let key: HTTPHeaders = ["Idempotency-Key": "create-sam-1"]
        let body = #"{"role":"officer","name":"Sam Idem"}"#
        let first = try #require(await f.request("POST", "/v1/admin/clients", token: f.tokens[.admin], json: body, headers: key))
        let second = try #require(await f.request("POST", "/v1/admin/clients", token: f.tokens[.admin], json: body, headers: key))
        #expect(first.status == 201)
        #expect(second.status == 201)
        #expect(second.headers["Idempotent-Replayed"] == "true")
        #expect(f.object(first)["id"] as? String == f.object(second)["id"] as? String, "the same client, not a second one")
        #expect(f.object(first)["token"] is String)
        #expect(f.object(second)["token"] is NSNull, "the token is shown once and never stored")
        let other = await f.request("POST", "/v1/admin/clients", token: f.tokens[.admin], json: #"{"role":"officer","name":"Someone else"}"#, headers: key)
        #expect(other?.status == 422)
        // Another client's same key is its own.
        let otherClient = await f.request("POST", "/v1/admin/clients", token: f.otherCouncilAdmin, json: body, headers: key)
        #expect(otherClient?.status == 201)
        #expect(otherClient?.headers["Idempotent-Replayed"] == nil)
        // Concurrent retries with one key make one client.
        let racing: HTTPHeaders = ["Idempotency-Key": "race"]
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { await f.request("POST", "/v1/admin/clients", token: f.tokens[.admin], json: #"{"role":"officer","name":"Racer"}"#, headers: racing)?.status ?? 0 }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
        let racers = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT count(*) FROM api_clients WHERE name = 'Racer'")[0].decode(Int.self, at: 0)
        }
        #expect(racers == 1)
        #expect(await f.request("POST", "/v1/admin/clients", token: f.tokens[.admin], json: body,
                                headers: ["Idempotency-Key": String(repeating: "k", count: 256)])?.status == 400)
        await f.database.shutdown()
    }

    @Test func badInputIsPreciseAndChangesNothing() async throws {
        let f = try await SecurityFixture.make("bad_input")
        let admin = f.tokens[.admin]
        #expect(await f.request("POST", "/v1/admin/clients", token: admin, json: #"{"role": "officer", "name": }"#)?.status == 400)
        let wrongType = await call(f.router, "POST", "/v1/admin/clients",
                                   headers: ["Authorization": "Bearer " + admin!, "Content-Type": "text/plain"], body: Array("role=x".utf8))
        #expect(wrongType?.status == 415)
        let invalid = try #require(await f.request("POST", "/v1/admin/clients", token: admin,
                                                   json: #"{"role":"school","name":"","school_urn":"12","agency_type":"police"}"#))
        #expect(invalid.status == 422)
        let pointers = ((f.object(invalid)["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        #expect(Set(pointers) == ["/name", "/school_urn", "/agency_type"], "every bad field at once: \(pointers)")
        #expect(await f.request("POST", "/v1/admin/clients", token: admin, json: #"["not","an","object"]"#)?.status == 422)
        #expect(await f.request("POST", "/v1/admin/clients", token: admin, json: #"{"role":"school","name":"X","school_urn":"999999"}"#)?.status == 422,
                "a school client's URN must be on the council's register")
        // A URN with a Kelvin sign is not a URN.
        #expect(await f.request("POST", "/v1/admin/schools", token: admin, json: "{\"urn\":\"10693\u{212A}\",\"laestab\":\"3722009\",\"name\":\"K\"}")?.status == 422)
        #expect(await f.request("GET", "/v1/admin/clients?limit=0", token: admin)?.status == 400)
        #expect(await f.request("GET", "/v1/admin/clients?cursor=%%%", token: admin)?.status == 400)
        #expect(await f.request("GET", "/v1/audit", token: admin)?.status == 400)
        #expect(await f.request("GET", "/v1/audit?subject=nonsense", token: admin)?.status == 400)
        let clients = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT count(*) FROM api_clients")[0].decode(Int.self, at: 0)
        }
        #expect(clients == 6, "the five roles and the deleted one: nothing was added")
        await f.database.shutdown()
    }

    @Test func aClientOverItsRateGets429ThenRecoversAndOthersNeverNotice() async throws {
        let f = try await SecurityFixture.make("rate_limit", rateLimiter: RateLimiter(perSecond: 2, burst: 3))
        let probe = "/v1/reference/policy-presets"
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(await f.request("GET", probe, token: f.tokens[.officer])?.status ?? 0) }
        #expect(statuses == [200, 200, 200, 429, 429])
        let limited = try #require(await f.request("GET", probe, token: f.tokens[.officer]))
        #expect(limited.headers["Retry-After"] == "1")
        #expect(limited.headers["Content-Type"] == "application/problem+json")
        #expect(await f.request("GET", probe, token: f.tokens[.school])?.status == 200, "another client is not slowed")
        try await Task.sleep(for: .milliseconds(1100))
        #expect(await f.request("GET", probe, token: f.tokens[.officer])?.status == 200, "and the limited one recovers")
        await f.database.shutdown()
    }

    @Test func theBucketRefillsAtItsRate() {
        let limiter = RateLimiter(perSecond: 10, burst: 2)
        let client = UUID()
        let t0: UInt64 = 1_000_000_000
        #expect(limiter.take(for: client, now: t0) == nil)
        #expect(limiter.take(for: client, now: t0) == nil)
        #expect(limiter.take(for: client, now: t0) == 1)
        #expect(limiter.take(for: client, now: t0 + 100_000_000) == nil, "one token back after 100 ms at 10/s")
        #expect(limiter.take(for: client, now: t0 + 100_000_000) == 1)
    }

    @Test func aGIASExtractIsLoadedWithBadAndDuplicateRowsReported() async throws {
        let f = try await SecurityFixture.make("gias_import")
        let csv = """
            URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),PhaseOfEducation (name),EstablishmentStatus (name),Postcode,Extra\r
            106940,372,Rotherham,2010,"Wath, Victoria Primary",Community school,Primary,Open,S63 7AB,x\r
            106934,372,Rotherham,2001,School of 372 renamed,Community school,Primary,Open,S60 1AA,x\r
            10694X,372,Rotherham,2011,Bad URN,Community school,Primary,Open,S1 1AA,x\r
            106940,372,Rotherham,2012,Duplicate,Community school,Primary,Open,S1 1AA,x\r
            100001,201,City of London,3614,Sir John Cass,Voluntary aided,Primary,Open,EC3A 5DE,x\r

            """
        let r = try #require(await call(f.router, "POST", "/v1/admin/schools/import",
                                        headers: ["Authorization": "Bearer " + f.tokens[.admin]!, "Content-Type": "text/csv"],
                                        body: Array(csv.utf8)))
        #expect(r.status == 200)
        let o = f.object(r)
        #expect(o["imported"] as? Int == 1)
        #expect(o["updated"] as? Int == 1)
        #expect(o["skipped_other_councils"] as? Int == 1)
        let rejected = (o["rejected"] as? [[String: Any]]) ?? []
        #expect(rejected.compactMap { $0["line"] as? Int } == [4, 5])
        let name = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT name FROM schools WHERE urn = '106940'")[0].decode(String.self, at: 0)
        }
        #expect(name == "Wath, Victoria Primary")
        let notCSV = await call(f.router, "POST", "/v1/admin/schools/import",
                                headers: ["Authorization": "Bearer " + f.tokens[.admin]!, "Content-Type": "text/csv"],
                                body: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(notCSV?.status == 422)
        let json = await f.request("POST", "/v1/admin/schools/import", token: f.tokens[.admin], json: "{}")
        #expect(json?.status == 415)
        // With a key, a repeat answers the first summary; another file under the key is 422.
        let keyed: HTTPHeaders = ["Authorization": "Bearer " + f.tokens[.admin]!, "Content-Type": "text/csv", "Idempotency-Key": "gias-1"]
        let once = try #require(await call(f.router, "POST", "/v1/admin/schools/import", headers: keyed, body: Array(csv.utf8)))
        let twice = try #require(await call(f.router, "POST", "/v1/admin/schools/import", headers: keyed, body: Array(csv.utf8)))
        #expect(once.status == 200 && twice.status == 200)
        #expect(twice.body == once.body)
        #expect(twice.headers["Idempotent-Replayed"] == "true")
        let otherFile = await call(f.router, "POST", "/v1/admin/schools/import", headers: keyed, body: Array((csv + "106941,372,Rotherham,2013,More,x,y,z,S1,x\r\n").utf8))
        #expect(otherFile?.status == 422)
        await f.database.shutdown()
    }

    @Test func thePolicyIsReadAndReplacedOnlyWhenValid() async throws {
        let f = try await SecurityFixture.make("policy")
        let admin = f.tokens[.admin]
        let current = f.object(await f.request("GET", "/v1/admin/policy", token: admin))
        #expect(current["preset"] is NSNull, "a new council starts on the national defaults")
        #expect((current["policy"] as? [String: Any])?["removal_needs_council_agreement"] as? Bool == false)
        #expect(current["name"] as? String == "Rotherham")
        #expect(await f.request("PUT", "/v1/admin/policy", token: admin, json: #"{"preset":"medway"}"#)?.status == 200)
        #expect(f.object(await f.request("GET", "/v1/admin/policy", token: admin))["preset"] as? String == "medway")
        var policy = try #require(current["policy"] as? [String: Any])
        policy["expected_arrival_school_days"] = 0
        let bad = try #require(await f.request("PUT", "/v1/admin/policy", token: admin,
                                               json: String(decoding: try JSONSerialization.data(withJSONObject: ["policy": policy]), as: UTF8.self)))
        #expect(bad.status == 422)
        let pointers = ((f.object(bad)["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        #expect(pointers == ["/policy/expected_arrival_school_days"])
        #expect(await f.request("PUT", "/v1/admin/policy", token: admin, json: #"{"preset":"atlantis"}"#)?.status == 422)
        #expect(f.object(await f.request("GET", "/v1/admin/policy", token: admin))["preset"] as? String == "medway", "unchanged")
        await f.database.shutdown()
    }
}

import CMEDomain
import Foundation
import HTTP
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Casework tests' helpers over the security fixture: JSON in and out, referrals and cases made in
/// one call, `If-Match` from the last answer.
extension SecurityFixture {
    /// Wednesday 4 November 2026, 10:00 UTC: a school day of autumn term 2 in the test calendars.
    static let fixedNow = Date(timeIntervalSince1970: 1_793_786_400)

    static func casework(_ name: String, now: Date = fixedNow) async throws -> SecurityFixture {
        try await make(name, clock: ServiceClock(now: { now }))
    }

    var officer: String { tokens[.officer]! }

    func send(_ method: String, _ target: String, _ role: Role = .officer, json: String? = nil, ifMatch: String? = nil,
              headers: HTTPHeaders = HTTPHeaders()) async -> (status: Int, body: [String: Any], headers: HTTPHeaders) {
        var h = headers
        if let ifMatch { h.add(name: "If-Match", value: ifMatch) }
        let r = await request(method, target, token: tokens[role], json: json, headers: h)
        return (r?.status ?? 0, object(r), r?.headers ?? HTTPHeaders())
    }

    static func referralJSON(first: String = "Ada", last: String = "Lovelace", born: String = "2014-05-06", kind: String = "public",
                             extra: String = "", upn: String? = nil, childExtra: String = "") -> String {
        let upnField = upn.map { "\"upn\": \"\($0)\"," } ?? ""
        let school = kind == "school" ? ", \"school_urn\": \"106934\"" : ""
        return """
            {"source": {"kind": "\(kind)", "name": "Reporter"\(school)},
             "child": {\(upnField) "first_name": "\(first)", "last_name": "\(last)", "date_of_birth": "\(born)" \(childExtra)},
             "reason": "moved_no_destination" \(extra)}
            """
    }

    /// Posts a referral; returns its id.
    func referral(_ json: String = SecurityFixture.referralJSON(), as role: Role = .officer) async throws -> String {
        let r = await send("POST", "/v1/referrals", role, json: json)
        guard r.status == 201, let id = r.body["id"] as? String else { throw FixtureFailure("referral: \(r.status) \(r.body)") }
        return id
    }

    /// A referral accepted: returns the case id.
    func openCase(_ json: String = SecurityFixture.referralJSON()) async throws -> String {
        let id = try await referral(json)
        let d = await send("POST", "/v1/referrals/\(id)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"")
        guard d.status == 200, let caseID = d.body["case_id"] as? String else { throw FixtureFailure("accept: \(d.status) \(d.body)") }
        return caseID
    }

    func etag(ofCase id: String) async -> String {
        await send("GET", "/v1/cases/\(id)").headers["ETag"] ?? ""
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

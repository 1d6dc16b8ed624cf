import CMEDomain
import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// The life of a referral, from each kind of source, over the API against the real database: intake,
/// triage, the case, enquiries, a visit, closure on evidence.
@Suite(.serialized) struct ReferralLifeTests {
    @Test(arguments: [("school", Role.school), ("agency", Role.agency), ("public", Role.intake), ("other_la", Role.intake),
                      ("internal", Role.officer)])
    func aReferralFromEachSourceBecomesACaseAndClosesOnEvidence(kind: String, role: Role) async throws {
        let f = try await SecurityFixture.casework("life_\(kind)")
        let checks = kind == "school"
            ? #", "checks_completed": [{"check": "home_visit", "done_on": "2026-11-02"}, {"check": "phone_all_contacts"}]"# : ""
        let posted = await f.send("POST", "/v1/referrals", role,
                                  json: SecurityFixture.referralJSON(first: "Grace", last: "Hopper", kind: kind, extra: checks))
        #expect(posted.status == 201, "\(posted.body)")
        #expect(posted.body["status"] as? String == "received")
        #expect(posted.headers["ETag"] == "\"1\"")
        #expect((posted.body["warnings"] as? [Any])?.isEmpty == true, "\(posted.body["warnings"] ?? "")")
        #expect((posted.body["source"] as? [String: Any])?["kind"] as? String == kind)
        let id = try #require(posted.body["id"] as? String)

        // The triage task, due two working days after receipt (Wed 4 Nov → Fri 6 Nov).
        let tasks = await f.send("GET", "/v1/tasks?kind=triage_referral")
        let triage = try #require((tasks.body["items"] as? [[String: Any]])?.first)
        #expect(triage["referral_id"] as? String == id)
        #expect(triage["due_on"] as? String == "2026-11-06")

        let accepted = await f.send("POST", "/v1/referrals/\(id)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"")
        #expect(accepted.status == 200, "\(accepted.body)")
        #expect(accepted.body["status"] as? String == "accepted")
        #expect(accepted.headers["ETag"] == "\"2\"")
        let caseID = try #require(accepted.body["case_id"] as? String)
        #expect(await f.send("GET", "/v1/tasks?kind=triage_referral&status=open").body["items"] as? [Any] != nil)
        #expect((await f.send("GET", "/v1/tasks?kind=triage_referral&status=open").body["items"] as? [Any])?.isEmpty == true)

        let opened = await f.send("GET", "/v1/cases/\(caseID)")
        #expect(opened.status == 200)
        #expect((opened.body["reference"] as? String)?.hasPrefix("CME-372-2026-") == true)
        #expect(opened.body["status"] as? String == "open")
        #expect(opened.body["referral_ids"] as? [String] == [id])
        #expect((opened.body["child"] as? [String: Any])?["first_name"] as? String == "Grace")
        #expect(opened.body["next_review_on"] as? String == "2026-12-02")

        let located = await f.send("POST", "/v1/cases/\(caseID)/locate", json: #"{"located_on": "2026-11-04", "notes": "seen at home"}"#,
                                   ifMatch: opened.headers["ETag"])
        #expect(located.status == 200, "\(located.body)")
        #expect(located.body["status"] as? String == "located")

        let closed = await f.send("POST", "/v1/cases/\(caseID)/close",
                                  json: #"{"outcome": "on_roll", "school_urn": "106934", "start_date": "2026-11-04"}"#,
                                  ifMatch: located.headers["ETag"])
        #expect(closed.status == 200, "\(closed.body)")
        #expect(closed.body["status"] as? String == "closed")
        #expect(closed.body["outcome"] as? String == "on_roll")

        let timeline = await f.send("GET", "/v1/cases/\(caseID)/timeline")
        let kinds = (timeline.body["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
        #expect(kinds.first == "case_opened")
        #expect(kinds.contains("located") && kinds.last == "closed", "\(kinds)")
        await f.database.shutdown()
    }
}

import CMEDomain
import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// The register's rules over HTTP: every lifecycle transition, closure only on evidence, If-Match
/// races, gapless references under concurrency, keyset pagination under inserts, risk flags and
/// their tasks, the outbox.
@Suite(.serialized) struct CaseRulesTests {
    /// A case brought to `status` through the API; returns its id and current ETag.
    func caseIn(_ status: CaseStatus, _ f: SecurityFixture, n: Int) async throws -> (String, String) {
        let id = try await f.openCase(SecurityFixture.referralJSON(first: "Child\(n)", last: "Status\(n)", born: "2013-0\(n % 9 + 1)-1\(n % 9)"))
        var etag = await f.etag(ofCase: id)
        switch status {
        case .open: break
        case .located:
            etag = await f.send("POST", "/v1/cases/\(id)/locate", json: #"{"located_on": "2026-11-03"}"#, ifMatch: etag).headers["ETag"] ?? ""
        case .pendingTransfer:
            etag = await f.send("POST", "/v1/cases/\(id)/transfer", json: #"{"country": "Spain"}"#, ifMatch: etag).headers["ETag"] ?? ""
        case .closed:
            etag = await f.send("POST", "/v1/cases/\(id)/close", json: #"{"outcome": "deceased"}"#, ifMatch: etag).headers["ETag"] ?? ""
        }
        return (id, etag)
    }

    @Test func everyTransitionOfTheLifecycleIsAllowedOrRefusedWith409() async throws {
        let f = try await SecurityFixture.casework("rules_lifecycle")
        let bodies: [CaseAction: String] = [
            .locate: #"{"located_on": "2026-11-04"}"#, .transfer: #"{"la_code": "800"}"#,
            .close: #"{"outcome": "referral_in_error"}"#, .reopen: #"{"reason": "new information"}"#,
        ]
        var n = 0
        for status in CaseStatus.allCases {
            for action in CaseAction.allCases {
                n += 1
                let (id, etag) = try await caseIn(status, f, n: n)
                #expect(await f.send("GET", "/v1/cases/\(id)").body["status"] as? String == status.rawValue)
                let r = await f.send("POST", "/v1/cases/\(id)/\(action.rawValue)", json: bodies[action], ifMatch: etag)
                if let next = CaseLifecycle.transitions[status]?[action] {
                    #expect(r.status == 200, "\(status) \(action): \(r.body)")
                    #expect(r.body["status"] as? String == next.rawValue, "\(status) \(action)")
                } else {
                    #expect(r.status == 409, "\(status) \(action): \(r.status)")
                    #expect(await f.etag(ofCase: id) == etag, "a refused change changes nothing")
                }
            }
        }
        await f.database.shutdown()
    }

    @Test func closureIsRefusedForEachMissingPieceOfEvidenceAndAcceptedWithIt() async throws {
        let f = try await SecurityFixture.casework("rules_closure")
        let refused: [(String, [String])] = [
            (#"{}"#, ["/outcome"]),
            (#"{"outcome": "cannot_find"}"#, ["/outcome"]),
            (#"{"outcome": "on_roll"}"#, ["/school_urn", "/start_date"]),
            (#"{"outcome": "on_roll", "school_urn": "12345", "start_date": "2026-11-05"}"#, ["/school_urn", "/start_date"]),
            (#"{"outcome": "alternative_provision", "start_date": "2026-11-01"}"#, ["/provider"]),
            (#"{"outcome": "elective_home_education"}"#, ["/confirmed_on"]),
            (#"{"outcome": "moved_to_other_la", "la_code": "800"}"#, ["/outcome"]),
            (#"{"outcome": "moved_to_other_la", "la_code": "372"}"#, ["/la_code", "/outcome"]),
            (#"{"outcome": "moved_abroad", "country": "Spain"}"#, ["/evidence"]),
            (#"{"outcome": "ceased_compulsory_school_age"}"#, ["/outcome"]),
        ]
        let id = try await f.openCase()
        let etag = await f.etag(ofCase: id)
        for (body, pointers) in refused {
            let r = await f.send("POST", "/v1/cases/\(id)/close", json: body, ifMatch: etag)
            #expect(r.status == 422, "\(body)")
            let got = ((r.body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
            #expect(Set(got) == Set(pointers), "\(body): \(got)")
        }
        #expect(await f.etag(ofCase: id) == etag)

        // moved_to_other_la with the other council's confirmation: an answered other_la enquiry.
        let enquiry = await f.send("POST", "/v1/cases/\(id)/enquiries",
                                   json: #"{"agency_type": "other_la", "addressed_to": "800", "question": "Is the child with you?"}"#)
        #expect(enquiry.status == 201, "\(enquiry.body)")
        let eid = try #require(enquiry.body["id"] as? String)
        let answer = await f.send("POST", "/v1/enquiries/\(eid)/response",
                                  json: #"{"outcome": "resident_here_on_roll", "school_urn": "800123", "details": "by phone"}"#)
        #expect(answer.status == 200, "\(answer.body)")
        #expect((answer.body["response"] as? [String: Any])?["recorded_by"] as? String == "asking_council")
        let etag2 = await f.etag(ofCase: id)
        #expect(await f.send("POST", "/v1/cases/\(id)/close", json: #"{"outcome": "moved_to_other_la", "la_code": "860"}"#,
                             ifMatch: etag2).status == 422, "confirmation from another council than the one named")
        let closed = await f.send("POST", "/v1/cases/\(id)/close", json: #"{"outcome": "moved_to_other_la", "la_code": "800"}"#, ifMatch: etag2)
        #expect(closed.status == 200, "\(closed.body)")
        #expect(closed.body["outcome"] as? String == "moved_to_other_la")

        // Every other outcome, each with its evidence, on a case of its own.
        let accepted = [
            #"{"outcome": "on_roll", "school_urn": "106934", "start_date": "2026-11-02"}"#,
            #"{"outcome": "alternative_provision", "provider": "Pupil Referral Unit", "start_date": "2026-11-04"}"#,
            #"{"outcome": "elective_home_education", "confirmed_on": "2026-10-30"}"#,
            #"{"outcome": "moved_abroad", "country": "Poland", "evidence": "school place confirmed by email"}"#,
            #"{"outcome": "deceased"}"#, #"{"outcome": "referral_in_error"}"#,
        ]
        for (i, body) in accepted.enumerated() {
            let c = try await f.openCase(SecurityFixture.referralJSON(first: "Closer\(i)", last: "Case", born: "2012-01-0\(i + 1)"))
            let r = await f.send("POST", "/v1/cases/\(c)/close", json: body, ifMatch: await f.etag(ofCase: c))
            #expect(r.status == 200, "\(body): \(r.body)")
        }
        // Ceased compulsory school age: only on or after the end date.
        let old = try await f.openCase(SecurityFixture.referralJSON(first: "Older", last: "Child", born: "2009-08-31"))
        let r = await f.send("POST", "/v1/cases/\(old)/close", json: #"{"outcome": "ceased_compulsory_school_age"}"#, ifMatch: await f.etag(ofCase: old))
        #expect(r.status == 200, "born 31 Aug 2009: compulsory school age ended Fri 27 Jun 2025: \(r.body)")
        await f.database.shutdown()
    }

    @Test func twoOfficersRacingWithOneETagOneWinsOneGets412() async throws {
        let f = try await SecurityFixture.casework("rules_race")
        let id = try await f.openCase()
        let etag = await f.etag(ofCase: id)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for name in ["Officer One", "Officer Two"] {
                group.addTask {
                    await f.send("PATCH", "/v1/cases/\(id)", json: #"{"assigned_officer": {"name": "\#(name)"}}"#, ifMatch: etag).status
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.sorted() == [200, 412])
        #expect(await f.etag(ofCase: id) == "\"2\"")
        await f.database.shutdown()
    }

    @Test func fiftyConcurrentAcceptsGetUniqueGaplessReferences() async throws {
        let f = try await SecurityFixture.casework("rules_gapless")
        var ids: [String] = []
        for i in 0..<50 {
            ids.append(try await f.referral(SecurityFixture.referralJSON(first: "Gap\(i)", last: "Less\(i)", born: "2012-02-\(String(format: "%02d", i % 28 + 1))")))
        }
        // One more that fails inside its transaction (its child already has a live case) must not burn a number.
        let references = await withTaskGroup(of: String?.self) { group in
            for id in ids {
                group.addTask {
                    let d = await f.send("POST", "/v1/referrals/\(id)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"")
                    guard let caseID = d.body["case_id"] as? String else { return nil }
                    return await f.send("GET", "/v1/cases/\(caseID)").body["reference"] as? String
                }
            }
            return await group.reduce(into: [String]()) { if let r = $1 { $0.append(r) } }
        }
        #expect(references.count == 50)
        let expected = (1...50).map { String(format: "CME-372-2026-%06d", $0) }
        #expect(references.sorted() == expected)
        // A refused accept (the child already has a live case) gives its number back: the next is 51.
        let again = try await f.referral(SecurityFixture.referralJSON(first: "Gap0", last: "Less0", born: "2012-02-01"))
        #expect(await f.send("POST", "/v1/referrals/\(again)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"").status == 409)
        let next = try await f.openCase(SecurityFixture.referralJSON(first: "After", last: "Wards", born: "2011-01-01"))
        #expect(await f.send("GET", "/v1/cases/\(next)").body["reference"] as? String == "CME-372-2026-000051")
        await f.database.shutdown()
    }

    @Test func paginationWalksEveryCaseExactlyOnceWhileCasesAreAdded() async throws {
        let f = try await SecurityFixture.casework("rules_pages")
        var before: Set<String> = []
        for i in 0..<23 {
            before.insert(try await f.openCase(SecurityFixture.referralJSON(first: "Page\(i)", last: "Walker", born: "2013-03-\(String(format: "%02d", i + 1))")))
        }
        var seen: [String] = []
        var cursor: String?
        var added = 0
        repeat {
            let target = "/v1/cases?limit=5" + (cursor.map { "&cursor=" + $0 } ?? "")
            let page = await f.send("GET", target)
            #expect(page.status == 200)
            seen += ((page.body["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            cursor = page.body["next_cursor"] as? String
            // Two new cases between every page.
            for _ in 0..<2 {
                added += 1
                _ = try await f.openCase(SecurityFixture.referralJSON(first: "New\(added)", last: "Arrival", born: "2012-04-\(String(format: "%02d", added % 28 + 1))"))
            }
        } while cursor != nil
        #expect(seen.count == Set(seen).count, "no case twice")
        #expect(before.isSubset(of: Set(seen)), "every case that existed when the walk began")
        // Filters page the same way.
        let open = await f.send("GET", "/v1/cases?status=open&limit=200")
        #expect(((open.body["items"] as? [Any]) ?? []).count == 23 + added)
        await f.database.shutdown()
    }

    @Test func riskFlagsTheirTasksAndTheOutbox() async throws {
        let f = try await SecurityFixture.casework("rules_risk")
        // A child on a child protection plan: alert_social_worker due the day the case opens.
        let id = try await f.openCase(SecurityFixture.referralJSON(first: "Plan", last: "Child", born: "2014-01-01",
                                                                   childExtra: #", "child_protection_plan": true, "sen": "ehcp""#))
        let opened = await f.send("GET", "/v1/cases/\(id)")
        #expect(opened.body["risk_flags"] as? [String] == ["child_protection_plan", "ehcp"])
        let alerts = await f.send("GET", "/v1/tasks?kind=alert_social_worker&case_id=\(id)")
        #expect((alerts.body["items"] as? [[String: Any]])?.first?["due_on"] as? String == "2026-11-04")

        // A visit seen with concerns: the flag, refer_to_social_care today, the outbox event.
        let visit = await f.send("POST", "/v1/cases/\(id)/visits", json: #"{"team": "Early Help North"}"#)
        #expect(visit.status == 201, "\(visit.body)")
        #expect(visit.body["due_on"] as? String == "2026-11-11", "5 working days after Wed 4 Nov")
        let vid = try #require(visit.body["id"] as? String)
        #expect(await f.send("POST", "/v1/visits/\(vid)/outcome", json: #"{"visited_on": "2026-11-04", "outcome": "seen_concerns"}"#).status == 422,
                "concerns are required with seen_concerns")
        let outcome = await f.send("POST", "/v1/visits/\(vid)/outcome",
                                   json: #"{"visited_on": "2026-11-04", "outcome": "seen_concerns", "concerns": "bruising"}"#)
        #expect(outcome.status == 200, "\(outcome.body)")
        #expect(await f.send("POST", "/v1/visits/\(vid)/outcome", json: #"{"visited_on": "2026-11-04", "outcome": "seen_safe"}"#).status == 409)
        let flagged = await f.send("GET", "/v1/cases/\(id)")
        #expect(flagged.body["risk_flags"] as? [String] == ["child_protection_plan", "ehcp", "safeguarding_concern"])
        let refer = await f.send("GET", "/v1/tasks?kind=refer_to_social_care&status=open")
        #expect((refer.body["items"] as? [[String: Any]])?.first?["due_on"] as? String == "2026-11-04")
        let visitDue = await f.send("GET", "/v1/tasks?kind=visit_due&case_id=\(id)")
        #expect((visitDue.body["items"] as? [[String: Any]])?.first?["status"] as? String == "completed")

        let topics = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.outbox.pending().map(\.topic)
        }
        #expect(topics == ["case.opened", "safeguarding.concern_raised"])

        // Removing the plan by PATCH drops the flag; closing keeps the safeguarding tasks open.
        let patched = await f.send("PATCH", "/v1/cases/\(id)", json: #"{"child": {"child_protection_plan": false}}"#,
                                   ifMatch: flagged.headers["ETag"])
        #expect(patched.status == 200, "\(patched.body)")
        #expect(patched.body["risk_flags"] as? [String] == ["ehcp", "safeguarding_concern"])
        let closed = await f.send("POST", "/v1/cases/\(id)/close", json: #"{"outcome": "referral_in_error"}"#, ifMatch: patched.headers["ETag"])
        #expect(closed.status == 200)
        let open = ((await f.send("GET", "/v1/tasks?status=open&case_id=\(id)").body["items"] as? [[String: Any]]) ?? [])
        #expect(Set(open.compactMap { $0["kind"] as? String }) == ["alert_social_worker", "refer_to_social_care"])
        let after = try await f.database.read(as: SecurityFixture.system("372")) { unit in try await unit.outbox.pending().map(\.topic) }
        #expect(after.last == "case.closed")
        await f.database.shutdown()
    }

    @Test func mergePatchChangesOnlyWhatItNames() async throws {
        let f = try await SecurityFixture.casework("rules_patch")
        let id = try await f.openCase(SecurityFixture.referralJSON(childExtra: #", "address": {"line1": "1 High St", "town": "Rotherham", "postcode": "S60 1AA"}, "phone": "0114 000""#))
        let etag = await f.etag(ofCase: id)
        var h = HTTPHeaders()
        h.add(name: "Content-Type", value: "application/merge-patch+json")
        h.add(name: "If-Match", value: etag)
        let r = await f.request("PATCH", "/v1/cases/\(id)", token: f.officer,
                                json: nil, headers: h)
        #expect(r?.status == 400, "an empty merge patch body is not JSON")
        let patched = await call(f.router, "PATCH", "/v1/cases/\(id)",
                                 headers: ["Authorization": "Bearer " + f.officer, "Content-Type": "application/merge-patch+json", "If-Match": etag],
                                 body: Array(#"{"assigned_officer": {"name": "Sam Officer", "email": "sam@example.org"}, "child": {"address": {"postcode": "S61 2BB"}, "phone": null}, "vulnerable_groups": ["young_carer"]}"#.utf8))
        #expect(patched?.status == 200)
        let body = f.object(patched)
        let child = (body["child"] as? [String: Any]) ?? [:]
        #expect((child["address"] as? [String: Any])?["line1"] as? String == "1 High St")
        #expect((child["address"] as? [String: Any])?["postcode"] as? String == "S61 2BB")
        #expect(child["phone"] is NSNull)
        #expect(child["vulnerable_groups"] as? [String] == ["young_carer"])
        #expect((body["assigned_officer"] as? [String: Any])?["email"] as? String == "sam@example.org")
        let mine = await f.send("GET", "/v1/cases?assigned_officer=SAM@example.org")
        #expect(((mine.body["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [id])
        let bad = await f.send("PATCH", "/v1/cases/\(id)", json: #"{"child": {"first_name": null, "gender": "x"}, "reference": "CME-1"}"#,
                               ifMatch: patched?.headers["ETag"])
        #expect(bad.status == 422)
        let pointers = ((bad.body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        #expect(Set(pointers) == ["/child/first_name", "/child/gender", "/reference"])
        await f.database.shutdown()
    }
}

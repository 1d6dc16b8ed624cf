import CMEDomain
import Foundation
import HTTP
import Postgres
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// The scorecard over a known population: every figure checked, the edges of the period in London
/// time (1 October 2026 00:30 BST is 30 September 23:30 UTC), the CSV form, and the refusals.
@Suite(.serialized) struct ReportTests {
    /// Wednesday 14 October 2026, 10:00 UTC: the notices are received inside the period.
    static let october14 = Date(timeIntervalSince1970: 1_791_972_000)

    @Test func theScorecardCountsAKnownPopulation() async throws {
        let url = try await TestDatabase.makeFresh(named: "report_scorecard")
        let f = try await SecurityFixture.make("report_scorecard", url: url, clock: ServiceClock(now: { Self.october14 }))
        let sql = try TestDatabase.superuserPool(on: url)
        defer { Task { await sql.shutdown() } }

        // Cases: (opened, closed or nil, outcome, reason, groups, referral source).
        struct Planned { var opened: String; var closed: String?; var outcome: String?; var reason: String; var groups: [String]; var source: String }
        let plan: [Planned] = [
            Planned(opened: "2026-10-05T09:00:00Z", closed: "2026-10-15T09:00:00Z", outcome: "on_roll", reason: "moved_no_destination",
                    groups: ["young_carer"], source: "school"),                                                    // C1: 10 days
            Planned(opened: "2026-10-10T09:00:00Z", closed: "2026-10-31T23:30:00Z", outcome: "on_roll", reason: "failed_to_return",
                    groups: ["young_carer", "traveller"], source: "school"),                                       // C2: 21 days, closed 31 Oct (GMT)
            Planned(opened: "2026-09-20T09:00:00Z", closed: "2026-10-20T09:00:00Z", outcome: "moved_to_other_la", reason: "other",
                    groups: [], source: "agency"),                                                                 // C3: 30 days, opened before
            Planned(opened: "2026-10-20T09:00:00Z", closed: nil, outcome: nil, reason: "moved_no_destination", groups: [], source: "agency"),
            Planned(opened: "2026-09-01T09:00:00Z", closed: nil, outcome: nil, reason: "other", groups: [], source: "public"),       // C5
            Planned(opened: "2026-11-02T09:00:00Z", closed: nil, outcome: nil, reason: "other", groups: ["traveller"], source: "public"),
            Planned(opened: "2026-09-30T23:30:00Z", closed: nil, outcome: nil, reason: "did_not_arrive", groups: [], source: "public"), // C7: 1 Oct BST
            Planned(opened: "2026-10-12T09:00:00Z", closed: "2026-11-02T09:00:00Z", outcome: "on_roll", reason: "failed_to_return",
                    groups: [], source: "school"),                                                                 // C8: closed after
        ]
        for (i, p) in plan.enumerated() {
            let caseID = try await f.openCase(SecurityFixture.referralJSON(first: "Child", last: "Number\(i)", born: "2014-05-0\(i + 1)"))
            let opened = "'\(p.opened)'::timestamptz"
            try await sql.execute("""
                UPDATE cases SET opened_at = \(opened), opened_on = (\(opened) AT TIME ZONE 'Europe/London')::date, reason = '\(p.reason)',
                       status = '\(p.closed == nil ? "open" : "closed")', outcome = \(p.outcome.map { "'\($0)'" } ?? "NULL"),
                       closed_at = \(p.closed.map { "'\($0)'::timestamptz" } ?? "NULL")
                WHERE id = '\(caseID)'
                """, parameters: [])
            try await sql.execute("""
                UPDATE referrals SET received_on = (\(opened) AT TIME ZONE 'Europe/London')::date, source_kind = '\(p.source)' WHERE case_id = '\(caseID)'
                """, parameters: [])
            try await sql.execute("""
                UPDATE children SET vulnerable_groups = '{\(p.groups.joined(separator: ","))}' WHERE id = (SELECT child_id FROM cases WHERE id = '\(caseID)')
                """, parameters: [])
        }
        // A referral received on the period's last day, not yet triaged.
        let waiting = try await f.referral(SecurityFixture.referralJSON(first: "Still", last: "Waiting"))
        try await sql.execute("UPDATE referrals SET received_on = '2026-10-31' WHERE id = '\(waiting)'", parameters: [])

        // Roll notices, received on 14 October: on time, a late removal, a late addition, and two
        // removals to a named school whose arrivals are then made overdue, one due in the period.
        func notice(_ json: String) async throws -> [String: Any] {
            let r = await f.send("POST", "/v1/roll-notifications", json: json)
            guard r.status == 201 else { throw FixtureFailure("notice: \(r.status) \(r.body)") }
            return r.body
        }
        let pupil = { (n: Int) in #"{"first_name": "Pupil", "last_name": "Roll\#(n)", "date_of_birth": "2013-02-0\#(n)"}"# }
        let parents = #"[{"name": "A Parent", "phone": "07700 900000"}]"#
        _ = try await notice(#"{"type": "addition", "school_urn": "106934", "event_date": "2026-10-13", "pupil": \#(pupil(1))}"#)
        _ = try await notice(#"{"type": "removal", "school_urn": "106934", "event_date": "2026-10-12", "ground": "9(1)(l)", "pupil": \#(pupil(2)), "parents": \#(parents)}"#)
        _ = try await notice(#"{"type": "addition", "school_urn": "106934", "event_date": "2026-09-01", "pupil": \#(pupil(3))}"#)
        for n in [4, 5] {
            _ = try await notice(#"""
                {"type": "removal", "school_urn": "106934", "event_date": "2026-10-14", "ground": "9(1)(a)", "pupil": \#(pupil(n)),
                 "parents": \#(parents), "destination": {"school_urn": "106934"}}
                """#)
        }
        try await sql.execute("""
            UPDATE expected_arrivals SET status = 'overdue', due_on = CASE WHEN child_id::text = (SELECT min(child_id::text) FROM expected_arrivals)
                                                                        THEN date '2026-10-28' ELSE date '2026-11-10' END
            """, parameters: [])

        let r = await f.send("GET", "/v1/reports/scorecard?from=2026-10-01&to=2026-10-31")
        #expect(r.status == 200, "\(r.body)")
        let b = r.body
        #expect(b["from"] as? String == "2026-10-01" && b["to"] as? String == "2026-10-31")
        #expect(b["cases_opened"] as? Int == 5, "C1, C2, C4, C7 (1 October in London), C8")
        #expect(b["cases_closed"] as? [String: Int] == ["on_roll": 2, "moved_to_other_la": 1], "C1, C2 (31 October 23:30), C3")
        #expect(b["median_days_to_close"] as? Double == 21, "of 10, 21 and 30 days")
        #expect(b["open_at_end"] as? Int == 4, "C4, C5, C7, and C8 closed only in November")
        #expect(b["by_reason"] as? [String: Int] == ["moved_no_destination": 2, "failed_to_return": 2, "did_not_arrive": 1])
        #expect(b["by_vulnerable_group"] as? [String: Int] == ["young_carer": 2, "traveller": 1])
        #expect(b["referrals_by_source"] as? [String: Int] == ["school": 3, "agency": 1, "public": 2], "C1 C2 C8, C4, C7 and the untriaged one")
        #expect(b["roll_notifications_received"] as? Int == 5)
        #expect(b["roll_notifications_late"] as? Int == 2, "the removal received after its date, the addition of 1 September")
        #expect(b["expected_arrivals_overdue"] as? Int == 1, "the one due on 28 October")

        // The same as CSV.
        var accept = HTTPHeaders()
        accept.add(name: "Accept", value: "text/csv")
        let csv = await f.request("GET", "/v1/reports/scorecard?from=2026-10-01&to=2026-10-31", token: f.officer, headers: accept)
        #expect(csv?.status == 200)
        #expect(csv?.headers["Content-Type"] == "text/csv; charset=utf-8; header=present")
        let text = String(decoding: csv?.body ?? [], as: UTF8.self)
        #expect(text == [
            "metric,breakdown,value", "cases_opened,,5", "cases_closed,moved_to_other_la,1", "cases_closed,on_roll,2", "open_at_end,,4",
            "median_days_to_close,,21", "by_reason,did_not_arrive,1", "by_reason,failed_to_return,2", "by_reason,moved_no_destination,2",
            "by_vulnerable_group,traveller,1", "by_vulnerable_group,young_carer,2", "referrals_by_source,agency,1",
            "referrals_by_source,public,2", "referrals_by_source,school,3", "roll_notifications_received,,5", "roll_notifications_late,,2",
            "expected_arrivals_overdue,,1",
        ].map { $0 + "\r\n" }.joined(), "\(text)")

        // An empty period: zeros, empty breakdowns, no median.
        let empty = await f.send("GET", "/v1/reports/scorecard?from=2020-01-01&to=2020-01-31")
        #expect(empty.status == 200)
        #expect(empty.body["cases_opened"] as? Int == 0 && empty.body["median_days_to_close"] is NSNull)
        #expect((empty.body["cases_closed"] as? [String: Int])?.isEmpty == true)
    }

    @Test func badPeriodsAndOtherRolesAreRefused() async throws {
        let f = try await SecurityFixture.casework("report_refusals", now: Self.october14)
        for target in ["/v1/reports/scorecard", "/v1/reports/scorecard?from=2026-10-01", "/v1/reports/scorecard?from=2026-10-31&to=2026-10-01",
                       "/v1/reports/scorecard?from=2026-10-01&to=2026-13-01", "/v1/reports/scorecard?from=2000-01-01&to=2026-01-01",
                       "/v1/reports/scorecard?from=2026-1-1&to=2026-10-01"] {
            let r = await f.send("GET", target)
            #expect(r.status == 400, "\(target): \(r.status) \(r.body)")
        }
        for role in [Role.school, .agency, .intake] {
            #expect(await f.send("GET", "/v1/reports/scorecard?from=2026-10-01&to=2026-10-31", role).status == 403, "\(role)")
        }
        #expect(await f.send("GET", "/v1/reports/scorecard?from=2026-10-01&to=2026-10-31", .admin).status == 200)
    }
}

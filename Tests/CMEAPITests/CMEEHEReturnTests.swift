import CMEDomain
import Foundation
import HTTP
import Postgres
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// The termly CME and EHE return over a known population: every count at the autumn 2026 census
/// (Thursday 1 October, the rule's date), the edges of the census day in London time, the flows of
/// the period since the summer census (21 May), the spring return after it, a council's own census
/// date moving both periods, the CSV form, and the spells of home education behind the EHE figures.
@Suite(.serialized) struct CMEEHEReturnTests {
    /// Friday 20 November 2026, 10:00 UTC.
    static let november20 = Date(timeIntervalSince1970: 1_795_168_800)

    @Test func theReturnCountsAKnownPopulation() async throws {
        let url = try await TestDatabase.makeFresh(named: "report_cme_ehe")
        let f = try await SecurityFixture.make("report_cme_ehe", url: url, clock: ServiceClock(now: { Self.november20 }))
        let sql = try TestDatabase.superuserPool(on: url)
        defer { Task { await sql.shutdown() } }

        // Cases placed in time: (opened, closed, reason, gender, born, last attended, last on roll).
        struct Planned {
            var name: String; var opened: String; var closed: String?; var reason: String; var gender: String?; var born: String?
            var attended: String?; var onRoll: String?
        }
        let plan: [Planned] = [
            // A: 84 days missing at the census, the last day of "up to 12 weeks"; Year 8.
            Planned(name: "A", opened: "2026-09-10T09:00:00Z", reason: "moved_no_destination", gender: "female", born: "2014-05-01",
                    attended: "2026-07-09"),
            // B: missing since May; Year 10.
            Planned(name: "B", opened: "2026-06-01T09:00:00Z", reason: "failed_to_return", gender: "male", born: "2011-09-01",
                    attended: "2026-05-01"),
            // C: opened at 00:30 BST on the census day; no gender, no birth date, no dates: unknowns.
            Planned(name: "C", opened: "2026-09-30T23:30:00Z", reason: "did_not_arrive", gender: nil, born: nil),
            // D: closed at 23:59 BST on the census day: not missing at the census, but in the year.
            Planned(name: "D", opened: "2026-01-10T09:00:00Z", closed: "2026-10-01T22:59:00Z", reason: "other", gender: "female",
                    born: "2014-01-01"),
            // E: closed at 00:30 BST the day after: missing at the census; only a last day on roll; Year 2.
            Planned(name: "E", opened: "2026-01-10T09:00:00Z", closed: "2026-10-01T23:30:00Z", reason: "other", gender: "female",
                    born: "2020-01-15", onRoll: "2025-12-01"),
            // F: closed the day before the year to the census began (2 October 2025): counted nowhere.
            Planned(name: "F", opened: "2025-09-01T09:00:00Z", closed: "2025-10-01T12:00:00Z", reason: "other", gender: "male",
                    born: "2013-03-03"),
            // G: closed on the year's first day: in the year.
            Planned(name: "G", opened: "2025-09-01T09:00:00Z", closed: "2025-10-02T12:00:00Z", reason: "other", gender: "male",
                    born: "2013-03-04"),
            // H: opened after the census.
            Planned(name: "H", opened: "2026-10-02T09:00:00Z", reason: "other", gender: "male", born: "2013-03-05"),
            // I: 85 days missing (over 12 weeks); past Year 11 by birth date ("other").
            Planned(name: "I", opened: "2026-09-01T09:00:00Z", reason: "other", gender: "male", born: "2008-01-01", attended: "2026-07-08"),
        ]
        var caseOf: [String: String] = [:], childOf: [String: String] = [:]
        for p in plan {
            var extra = ""
            if let a = p.attended { extra += #", "date_last_attended": "\#(a)""# }
            if let r = p.onRoll { extra += #", "date_last_on_roll": "\#(r)""# }
            let caseID = try await f.openCase(SecurityFixture.referralJSON(first: "Child", last: "Case\(p.name)", born: p.born ?? "2014-06-06", extra: extra))
            caseOf[p.name] = caseID
            let opened = "'\(p.opened)'::timestamptz"
            try await sql.execute("""
                UPDATE cases SET opened_at = \(opened), opened_on = (\(opened) AT TIME ZONE 'Europe/London')::date, reason = '\(p.reason)',
                       status = '\(p.closed == nil ? "open" : "closed")', outcome = \(p.closed == nil ? "NULL" : "'on_roll'"),
                       closed_at = \(p.closed.map { "'\($0)'::timestamptz" } ?? "NULL")
                WHERE id = '\(caseID)'
                """, parameters: [])
            let rows = try await sql.query("""
                UPDATE children SET gender = \(p.gender.map { "'\($0)'" } ?? "NULL"), date_of_birth = \(p.born.map { "'\($0)'" } ?? "NULL")
                WHERE id = (SELECT child_id FROM cases WHERE id = '\(caseID)') RETURNING id::text
                """, parameters: [])
            childOf[p.name] = try rows[0].decode(String.self, at: 0)
        }

        // Spells of home education, from schools' notices: P1 from 10 June (then a reason), P2 from
        // 2 March (a notice served on the summer census day, outside the period; back at a school on
        // 7 September), P3 from 15 September (a notice, an order 15 days later, revoked after the census).
        func notice(_ json: String) async throws -> [String: Any] {
            let r = await f.send("POST", "/v1/roll-notifications", json: json)
            guard r.status == 201 else { throw FixtureFailure("notice: \(r.status) \(r.body)") }
            return r.body
        }
        func pupil(_ n: Int, _ born: String, _ gender: String?) -> String {
            #"{"first_name": "Home", "last_name": "Educated\#(n)", "date_of_birth": "\#(born)"\#(gender.map { #", "gender": "\#($0)""# } ?? "")}"#
        }
        let parents = #"[{"name": "A Parent", "phone": "07700 900000"}]"#
        var spell: [Int: String] = [:]
        for (n, born, gender, date) in [(1, "2015-03-10", "female", "2026-06-10"), (2, "2012-12-01", "male", "2026-03-02"),
                                        (3, "2017-10-10", nil as String?, "2026-09-15")] {
            let b = try await notice(#"""
                {"type": "removal", "school_urn": "106934", "event_date": "\#(date)", "ground": "9(1)(f)", "pupil": \#(pupil(n, born, gender)),
                 "parents": \#(parents)}
                """#)
            let actions = b["actions"] as? [[String: Any]] ?? []
            let recorded = actions.first { $0["kind"] as? String == "ehe_recorded" }
            #expect(recorded?["already_recorded"] as? Bool == false, "\(actions)")
            spell[n] = try #require(recorded?["ehe_record_id"] as? String)
        }
        func step(_ n: Int, _ path: String, _ json: String, _ status: Int = 200) async {
            let r = await f.send("POST", "/v1/ehe-records/\(spell[n]!)/\(path)", json: json)
            #expect(r.status == status, "\(path) \(json): \(r.status) \(r.body)")
        }
        await step(1, "reason", #"{"reason": "mental_health"}"#)
        await step(2, "events", #"{"kind": "s437_notice", "date": "2026-05-21"}"#)
        let back = try await notice(#"{"type": "addition", "school_urn": "106934", "event_date": "2026-09-07", "pupil": \#(pupil(2, "2012-12-01", "male"))}"#)
        #expect((back["actions"] as? [[String: Any]])?.contains { $0["kind"] as? String == "ehe_ended" && $0["ehe_record_id"] as? String == spell[2] } == true,
                "\(back)")
        await step(3, "events", #"{"kind": "s437_notice", "date": "2026-09-15"}"#)
        await step(3, "events", #"{"kind": "sao_issued", "date": "2026-09-29", "school_urn": "106934"}"#, 422)   // 14 days on
        await step(3, "events", #"{"kind": "sao_issued", "date": "2026-09-30", "school_urn": "106934"}"#)
        await step(3, "events", #"{"kind": "sao_revoked", "date": "2026-10-05", "notes": "suitable education shown"}"#)
        // F's child (case long closed), home educated from the census day itself, for bullying.
        let direct = await f.send("POST", "/v1/ehe-records", json: #"{"child_id": "\#(childOf["F"]!)", "starts_on": "2026-10-01", "reason": "bullying"}"#)
        #expect(direct.status == 201, "\(direct.body)")
        #expect(direct.body["status"] as? String == "current" && direct.body["reason"] as? String == "bullying")
        // H's case closed as home educated from 1 November: a spell after the autumn census.
        let close = await f.send("POST", "/v1/cases/\(caseOf["H"]!)/close", json: #"{"outcome": "elective_home_education", "confirmed_on": "2026-11-01"}"#,
                                 ifMatch: "*")
        #expect(close.status == 200, "\(close.body)")
        let hSpell = (close.body["closure"] as? [String: Any])?["ehe_record_id"] as? String
        #expect(hSpell != nil, "\(close.body)")

        let spell2 = await f.send("GET", "/v1/ehe-records/\(spell[2]!)")
        #expect(spell2.body["status"] as? String == "ended" && spell2.body["end_reason"] as? String == "returned_to_school"
                && spell2.body["ended_on"] as? String == "2026-09-07" && spell2.body["end_school_urn"] as? String == "106934", "\(spell2.body)")
        let spell3 = await f.send("GET", "/v1/ehe-records/\(spell[3]!)")
        #expect((spell3.body["events"] as? [[String: Any]])?.map { $0["kind"] as? String ?? "" } == ["s437_notice", "sao_issued", "sao_revoked"])
        #expect(spell3.body["school_attendance_order_in_force"] as? Bool == false)
        let current = await f.send("GET", "/v1/ehe-records?status=current")
        #expect((current.body["items"] as? [[String: Any]])?.count == 4, "P1, P3, F's and H's spells")

        // The autumn 2026 return.
        let r = await f.send("GET", "/v1/reports/cme-ehe-return?academic_year=2026&term=autumn")
        #expect(r.status == 200, "\(r.body)")
        let b = r.body
        #expect(b["census_date"] as? String == "2026-10-01" && b["census_date_source"] as? String == "rule")
        #expect(b["period"] as? [String: String] == ["from": "2026-05-22", "to": "2026-10-01"])
        let cme = try #require(b["cme_at_census"] as? [String: Any])
        #expect(cme["total"] as? Int == 5, "A, B, C, E, I")
        #expect(cme["by_sex"] as? [String: Int] == ["female": 2, "male": 2, "other": 0, "unknown": 1])
        var years = Dictionary(uniqueKeysWithValues: (["R"] + (1...11).map(String.init) + ["other", "unknown"]).map { ($0, 0) })
        years["8"] = 1; years["10"] = 1; years["2"] = 1; years["other"] = 1; years["unknown"] = 1
        #expect(cme["by_year_group"] as? [String: Int] == years)
        #expect(cme["by_time_missing"] as? [String: Int] == ["up_to_12_weeks": 1, "over_12_weeks": 3, "unknown": 1], "A; B, E, I; C")
        var reasons = Dictionary(uniqueKeysWithValues: ReferralReason.allCases.map { ($0.rawValue, 0) })
        reasons["moved_no_destination"] = 1; reasons["failed_to_return"] = 1; reasons["did_not_arrive"] = 1; reasons["other"] = 2
        #expect(cme["by_reason"] as? [String: Int] == reasons)
        let year = try #require(b["cme_in_year"] as? [String: Any])
        #expect(year["from"] as? String == "2025-10-02" && year["to"] as? String == "2026-10-01")
        #expect(year["total"] as? Int == 7, "A B C D E G I")
        let ehe = try #require(b["ehe_at_census"] as? [String: Any])
        #expect(ehe["total"] as? Int == 3, "P1, P3, F's child")
        #expect(ehe["by_sex"] as? [String: Int] == ["female": 1, "male": 1, "other": 0, "unknown": 1])
        var eheYears = Dictionary(uniqueKeysWithValues: (["R"] + (1...11).map(String.init) + ["other", "unknown"]).map { ($0, 0) })
        eheYears["7"] = 1; eheYears["4"] = 1; eheYears["9"] = 1   // born 2015-03-10, 2017-10-10, 2013-03-03
        #expect(ehe["by_year_group"] as? [String: Int] == eheYears)
        var eheReasons = Dictionary(uniqueKeysWithValues: EHEReason.allCases.map { ($0.rawValue, 0) })
        eheReasons["mental_health"] = 1; eheReasons["unknown"] = 1; eheReasons["bullying"] = 1
        #expect(ehe["by_reason"] as? [String: Int] == eheReasons)
        #expect(ehe["by_time_missing"] == nil)
        #expect(b["ehe_started"] as? Int == 3, "P1, P3, F's child; not P2 (March) nor H's (November)")
        #expect(b["ehe_returned_to_school"] as? Int == 1 && b["s437_notices"] as? Int == 1 && b["saos_issued"] as? Int == 1
                && b["saos_revoked"] as? Int == 0, "\(b)")

        // The same as CSV.
        var accept = HTTPHeaders()
        accept.add(name: "Accept", value: "text/csv")
        let csv = await f.request("GET", "/v1/reports/cme-ehe-return?academic_year=2026&term=autumn", token: f.officer, headers: accept)
        #expect(csv?.status == 200 && csv?.headers["Content-Type"] == "text/csv; charset=utf-8; header=present")
        let lines = String(decoding: csv?.body ?? [], as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.first == "metric,breakdown,value")
        for line in ["census_date,,2026-10-01", "cme_at_census,,5", "cme_at_census_by_sex,unknown,1", "cme_at_census_by_year_group,8,1",
                     "cme_at_census_by_time_missing,over_12_weeks,3", "cme_at_census_by_reason,other,2", "cme_in_year,,7", "ehe_at_census,,3",
                     "ehe_at_census_by_reason,bullying,1", "ehe_started,,3", "saos_revoked,,0"] {
            #expect(lines.contains(line), "\(line)")
        }
        #expect(!lines.contains { $0.hasPrefix("ehe_at_census_by_time_missing") })

        // The spring return: the period runs on from the autumn census; H's spell is now current.
        let spring = await f.send("GET", "/v1/reports/cme-ehe-return?academic_year=2026&term=spring")
        #expect(spring.body["census_date"] as? String == "2027-01-21" && spring.body["period"] as? [String: String] == ["from": "2026-10-02", "to": "2027-01-21"])
        #expect((spring.body["ehe_at_census"] as? [String: Any])?["total"] as? Int == 4)
        #expect(spring.body["ehe_started"] as? Int == 1 && spring.body["saos_revoked"] as? Int == 1 && spring.body["s437_notices"] as? Int == 0)

        // The council's own autumn census date (8 October) moves both periods.
        let put = await f.send("PUT", "/v1/admin/census-dates/2026", .admin, json: #"{"autumn": "2026-10-08", "spring": null}"#)
        #expect(put.status == 200, "\(put.body)")
        #expect(put.body["autumn"] as? [String: String] == ["date": "2026-10-08", "source": "council"])
        #expect(put.body["summer"] as? [String: String] == ["date": "2027-05-20", "source": "rule"])
        let moved = await f.send("GET", "/v1/reports/cme-ehe-return?academic_year=2026&term=autumn")
        #expect(moved.body["census_date_source"] as? String == "council" && moved.body["saos_revoked"] as? Int == 1)
        #expect((moved.body["cme_at_census"] as? [String: Any])?["total"] as? Int == 5,
                "A, B, C, I, and H (opened 2 October, closed only today); not E (closed 2 October)")
        let after = await f.send("GET", "/v1/reports/cme-ehe-return?academic_year=2026&term=spring")
        #expect(after.body["period"] as? [String: String] == ["from": "2026-10-09", "to": "2027-01-21"] && after.body["saos_revoked"] as? Int == 0)
        let read = await f.send("GET", "/v1/admin/census-dates/2026")
        #expect(read.status == 200 && (read.body["autumn"] as? [String: String])?["source"] == "council")
    }

    @Test func spellsOfHomeEducationKeepTheirStepsInOrder() async throws {
        let f = try await SecurityFixture.casework("ehe_rules", now: Self.november20)
        let caseID = try await f.openCase()
        let child = try #require(await f.send("GET", "/v1/cases/\(caseID)").body["child"] as? [String: Any])["id"] as! String
        let bad = await f.send("POST", "/v1/ehe-records", json: #"{"child_id": "\#(UUID().uuidString)", "starts_on": "2026-12-01", "reason": "why"}"#)
        #expect(bad.status == 422)
        #expect(Set(((bad.body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }) == ["/child_id", "/starts_on", "/reason"],
                "\(bad.body)")
        let made = await f.send("POST", "/v1/ehe-records", json: #"{"child_id": "\#(child)", "starts_on": "2026-09-01"}"#)
        #expect(made.status == 201 && made.body["reason"] as? String == "unknown", "\(made.body)")
        let id = try #require(made.body["id"] as? String)
        #expect(await f.send("POST", "/v1/ehe-records", json: #"{"child_id": "\#(child)", "starts_on": "2026-10-01"}"#).status == 409,
                "one current spell per child")
        func post(_ path: String, _ json: String) async -> (Int, [String: Any]) {
            let r = await f.send("POST", "/v1/ehe-records/\(id)/\(path)", json: json)
            return (r.status, r.body)
        }
        #expect(await post("events", #"{"kind": "sao_issued", "date": "2026-09-10", "school_urn": "106934"}"#).0 == 409, "no notice yet")
        #expect(await post("events", #"{"kind": "sao_revoked", "date": "2026-09-10"}"#).0 == 409, "no order")
        #expect(await post("events", #"{"kind": "s437_notice", "date": "2026-08-31"}"#).0 == 422, "before the spell")
        #expect(await post("events", #"{"kind": "s437_notice", "date": "2026-09-10", "extra": 1}"#).0 == 422, "unknown field")
        #expect(await post("events", #"{"kind": "s437_notice", "date": "2026-09-10"}"#).0 == 200)
        #expect(await post("events", #"{"kind": "sao_issued", "date": "2026-09-09", "school_urn": "106934"}"#).0 == 409, "before the notice")
        #expect(await post("events", #"{"kind": "sao_issued", "date": "2026-10-01"}"#).0 == 422, "an order names a school")
        let early = await post("events", #"{"kind": "sao_issued", "date": "2026-09-24", "school_urn": "106934"}"#)
        #expect(early.0 == 422 && (early.1["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/date",
                "the notice's 15 days, from 10 September, run to 24 September: \(early.1)")
        let issued = await post("events", #"{"kind": "sao_issued", "date": "2026-10-01", "school_urn": "106934"}"#)
        #expect(issued.0 == 200 && issued.1["school_attendance_order_in_force"] as? Bool == true)
        #expect(await post("events", #"{"kind": "s437_notice", "date": "2026-10-02"}"#).0 == 409, "an order is in force")
        #expect(await post("events", #"{"kind": "sao_issued", "date": "2026-10-02", "school_urn": "106934"}"#).0 == 409, "one order at a time")
        #expect(await post("events", #"{"kind": "sao_revoked", "date": "2026-10-03"}"#).0 == 200)
        #expect(await post("events", #"{"kind": "sao_issued", "date": "2026-10-04", "school_urn": "106934"}"#).0 == 409, "a new notice first")
        #expect(await post("end", #"{"ended_on": "2026-10-05", "reason": "superseded"}"#).0 == 422, "the service's own reason")
        #expect(await post("end", #"{"ended_on": "2026-12-05", "reason": "moved_away"}"#).0 == 422, "in the future")
        let ended = await post("end", #"{"ended_on": "2026-10-05", "reason": "moved_away"}"#)
        #expect(ended.0 == 200 && ended.1["status"] as? String == "ended" && ended.1["end_reason"] as? String == "moved_away")
        #expect(await post("end", #"{"ended_on": "2026-10-06", "reason": "moved_away"}"#).0 == 409)
        #expect(await post("events", #"{"kind": "s437_notice", "date": "2026-10-06"}"#).0 == 409, "ended")
        #expect(await f.send("POST", "/v1/ehe-records", json: #"{"child_id": "\#(child)", "starts_on": "2026-10-07"}"#).status == 201,
                "a new spell once the last ended")
        #expect(await f.send("GET", "/v1/ehe-records/\(UUID().uuidString.lowercased())").status == 404)
        #expect(await f.send("GET", "/v1/ehe-records", .school).status == 403)
    }

    @Test func badReturnsAreRefused() async throws {
        let f = try await SecurityFixture.casework("report_cme_ehe_refusals", now: Self.november20)
        for target in ["/v1/reports/cme-ehe-return", "/v1/reports/cme-ehe-return?academic_year=2026", "/v1/reports/cme-ehe-return?term=autumn",
                       "/v1/reports/cme-ehe-return?academic_year=1999&term=autumn", "/v1/reports/cme-ehe-return?academic_year=26&term=autumn",
                       "/v1/reports/cme-ehe-return?academic_year=2026&term=winter", "/v1/reports/cme-ehe-return?academic_year=２０２６&term=autumn"] {
            let r = await f.send("GET", target)
            #expect(r.status == 400, "\(target): \(r.status) \(r.body)")
        }
        for role in [Role.school, .agency, .intake] {
            #expect(await f.send("GET", "/v1/reports/cme-ehe-return?academic_year=2026&term=autumn", role).status == 403, "\(role)")
        }
        #expect(await f.send("PUT", "/v1/admin/census-dates/2026", .officer, json: "{}").status == 403)
        let wrong = await f.send("PUT", "/v1/admin/census-dates/2026", .admin, json: #"{"autumn": "2027-01-05", "summer": "2027-04-30", "winter": "2026-12-01"}"#)
        #expect(wrong.status == 422)
        #expect(Set(((wrong.body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }) == ["/autumn", "/summer", "/winter"],
                "\(wrong.body)")
        #expect(await f.send("GET", "/v1/admin/census-dates/1999", .admin).status == 400)
    }
}

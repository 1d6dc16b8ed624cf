import CMEDomain
import Foundation
import HTTP
import Runtime
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Roll notifications over HTTP: effects of every ground, lateness, expected arrivals and the
/// sweep, batches, idempotency, the movement report.
@Suite(.serialized) struct RollNotificationTests {
    /// School A is the fixture's 106934 (its school client's); B is 106935.
    static func fixture(_ name: String, now: Date = SecurityFixture.fixedNow) async throws -> SecurityFixture {
        let f = try await SecurityFixture.casework(name, now: now)
        _ = try await f.services.schools.load([SchoolRow(urn: "106935", laestab: "3722002", name: "School B", phase: "Primary",
                                                         type: "Academy", status: "Open", postcode: nil)], as: SecurityFixture.system("372"))
        return f
    }

    static func removal(_ ground: String, first: String = "Lena", last: String = "Moss", born: String = "2015-02-03", upn: String? = nil,
                        event: String = "2026-11-04", destination: String? = #"{"school_urn": "106935"}"#, school: String = "106934") -> String {
        let upnField = upn.map { #""upn": "\#($0)", "# } ?? ""
        let dest = destination.map { #", "destination": \#($0)"# } ?? ""
        return """
            {"type": "removal", "school_urn": "\(school)", "event_date": "\(event)", "ground": "\(ground)",
             "pupil": {\(upnField)"first_name": "\(first)", "last_name": "\(last)", "date_of_birth": "\(born)"},
             "parents": [{"name": "Parent \(last)", "phone": "07700 900000"}]\(dest)}
            """
    }

    static func addition(first: String = "Lena", last: String = "Moss", born: String = "2015-02-03", upn: String? = nil,
                         event: String = "2026-11-04", school: String = "106935") -> String {
        let upnField = upn.map { #""upn": "\#($0)", "# } ?? ""
        return """
            {"type": "addition", "school_urn": "\(school)", "event_date": "\(event)",
             "pupil": {\(upnField)"first_name": "\(first)", "last_name": "\(last)", "date_of_birth": "\(born)"}}
            """
    }

    static func kinds(_ body: [String: Any]) -> [String] {
        ((body["actions"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
    }

    @Test func aPupilWhoLeftAndNeverArrivedBecomesACaseOnceEvenWithTwoSweeps() async throws {
        let f = try await Self.fixture("roll_never_arrived")
        let posted = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(a)", upn: "H801200001001"))
        #expect(posted.status == 201, "\(posted.body)")
        #expect(posted.body["late"] as? Bool == false)
        #expect(Self.kinds(posted.body) == ["expected_arrival_created"])
        let action = try #require((posted.body["actions"] as? [[String: Any]])?.first)
        #expect(action["due_on"] as? String == "2026-11-18", "10 school days (approximate: no term dates) after Wed 4 Nov")
        // The child is no longer on roll at A.
        let child = try #require(posted.body["child_id"] as? String)
        #expect(await f.send("GET", "/v1/children/\(child)").body["on_roll_at"] is NSNull)

        // Three weeks later, two instances sweep at once: one case, reason did_not_arrive.
        let later = SecurityFixture.fixedNow.addingTimeInterval(21 * 86_400)
        let a = CMEServices(database: f.database, migrator: Migrator(database: f.database, migrations: []), clock: ServiceClock(now: { later }))
        let b = CMEServices(database: f.database, migrator: Migrator(database: f.database, migrations: []), clock: ServiceClock(now: { later }))
        // Past due and not yet swept: already listed as overdue.
        let laterRouter = API.makeRouter(services: a, serverMetrics: ServerMetrics(shards: 1), openAPIDocument: "")
        let waiting = f.object(await TestSupport.call(laterRouter, "GET", "/v1/expected-arrivals?status=overdue", token: f.officer))
        #expect(((waiting["items"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String } == ["overdue"])
        let notYet = f.object(await TestSupport.call(laterRouter, "GET", "/v1/expected-arrivals?status=pending", token: f.officer))
        #expect((notYet["items"] as? [Any])?.isEmpty == true)
        async let one = a.rollNotifications.sweepArrivals(as: SecurityFixture.system("372"))
        async let two = b.rollNotifications.sweepArrivals(as: SecurityFixture.system("372"))
        let turned = try await [one, two]
        #expect(turned.reduce(0, +) == 1, "\(turned)")
        let cases = ((await f.send("GET", "/v1/cases").body["items"] as? [[String: Any]]) ?? [])
        #expect(cases.count == 1)
        #expect(cases.first?["reason"] as? String == "did_not_arrive")
        #expect((cases.first?["child"] as? [String: Any])?["id"] as? String == child)
        let arrivals = ((await f.send("GET", "/v1/expected-arrivals?status=overdue").body["items"] as? [[String: Any]]) ?? [])
        #expect(arrivals.count == 1 && arrivals.first?["case_id"] as? String == cases.first?["id"] as? String)
        let overdueTasks = ((await f.send("GET", "/v1/tasks?kind=expected_arrival_overdue").body["items"] as? [Any]) ?? [])
        #expect(overdueTasks.count == 1)
        #expect(try await a.rollNotifications.sweepArrivals(as: SecurityFixture.system("372")) == 0)

        // The child turns up at B after all: the arrival is not pending any more, but the case closes on roll.
        let late = await f.send("POST", "/v1/roll-notifications", .officer, json: Self.addition(upn: "H801200001001", event: "2026-11-30"))
        #expect(late.status == 201)
        #expect(Self.kinds(late.body) == ["case_closed"], "\(Self.kinds(late.body))")
        #expect(await f.send("GET", "/v1/cases/\(cases.first?["id"] as? String ?? "")").body["outcome"] as? String == "on_roll")
        await f.database.shutdown()
    }

    /// An addition that looks like seven children expected at the school raises tasks for the five
    /// it looks most like, and none for the other two.
    @Test func anAdditionLikeManyExpectedChildrenRaisesAtMostFiveTasks() async throws {
        let f = try await Self.fixture("roll_lookalikes")
        let surnames = ["Nowicka", "Nowacki", "Nowicky", "Nowickie", "Nowickz", "Nowecki", "Nawicki"]
        for last in surnames {
            let posted = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(a)", first: "Ola", last: last, born: "2013-09-10"))
            #expect(posted.status == 201 && Self.kinds(posted.body) == ["expected_arrival_created"], "\(posted.body)")
        }
        let probe = ChildRecord(upn: nil, firstName: "Ola", lastName: "Nowicki", dateOfBirth: CalendarDate("2013-09-10"))
        let alike = surnames.filter {
            ChildMatching.match(probe, ChildRecord(upn: nil, firstName: "Ola", lastName: $0, dateOfBirth: CalendarDate("2013-09-10"))).isCandidate
        }
        #expect(alike.count == surnames.count, "every surname is a look-alike: \(alike)")
        let arrived = await f.send("POST", "/v1/roll-notifications", json: Self.addition(first: "Ola", last: "Nowicki", born: "2013-09-10"))
        #expect(arrived.status == 201)
        let actions = (arrived.body["actions"] as? [[String: Any]]) ?? []
        #expect(actions.count == RollNotificationService.maxConfirmationsPerAddition, "\(actions)")
        #expect(actions.allSatisfy { $0["task_kind"] as? String == "confirm_possible_arrival" })
        #expect(Set(actions.compactMap { $0["task_id"] as? String }).count == 5)
        let tasks = ((await f.send("GET", "/v1/tasks?kind=confirm_possible_arrival").body["items"] as? [Any]) ?? [])
        #expect(tasks.count == 5)
        #expect(((await f.send("GET", "/v1/expected-arrivals?status=pending").body["items"] as? [Any]) ?? []).count == 7)
        await f.database.shutdown()
    }

    @Test func anAdditionFulfilsByUPNByNameAndBirthDateAndAFuzzyOneRaisesATask() async throws {
        let f = try await Self.fixture("roll_arrivals")
        _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(a)", first: "Uma", last: "Byrne", upn: "G80120000101A"))
        _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(a)", first: "Ned", last: "Kowalski", born: "2014-07-08"))
        _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(a)", first: "Ola", last: "Nowicka", born: "2013-09-10"))
        // By UPN (the name spelt differently), by exact name and date of birth, and fuzzily.
        let byUPN = await f.send("POST", "/v1/roll-notifications", json: Self.addition(first: "Uma", last: "Byrne-Smith", upn: "G80120000101A"))
        #expect(Self.kinds(byUPN.body) == ["arrival_confirmed"], "\(byUPN.body)")
        let byName = await f.send("POST", "/v1/roll-notifications", json: Self.addition(first: "ned", last: "KOWALSKI", born: "2014-07-08"))
        #expect(Self.kinds(byName.body) == ["arrival_confirmed"])
        let fuzzy = await f.send("POST", "/v1/roll-notifications", json: Self.addition(first: "Ola", last: "Nowicki", born: "2013-09-10"))
        #expect(Self.kinds(fuzzy.body) == ["task_created"])
        #expect((fuzzy.body["actions"] as? [[String: Any]])?.first?["task_kind"] as? String == "confirm_possible_arrival")
        let pending = ((await f.send("GET", "/v1/expected-arrivals?status=pending").body["items"] as? [Any]) ?? [])
        #expect(pending.count == 1, "the fuzzy one waits for an officer")
        #expect(((await f.send("GET", "/v1/expected-arrivals?status=arrived").body["items"] as? [Any]) ?? []).count == 2)
        // Ned is on roll at B now.
        let ned = try #require(byName.body["child_id"] as? String)
        #expect((await f.send("GET", "/v1/children/\(ned)").body["on_roll_at"] as? [String: Any])?["school_urn"] as? String == "106935")
        await f.database.shutdown()
    }

    @Test func everyGroundHasItsConsequence() async throws {
        let f = try await Self.fixture("roll_grounds")
        let unknown = #"{"ctf_code": "XXXXXXX"}"#
        let cases: [(String, String?, [String])] = [
            ("9(1)(a)", #"{"school_urn": "106935"}"#, ["expected_arrival_created"]),
            ("9(1)(b)", nil, []),
            ("9(1)(c)", nil, []),
            ("9(1)(d)", #"{"school_urn": "106935"}"#, ["expected_arrival_created"]),
            ("9(1)(e)", nil, ["ehe_recorded"]),
            ("9(1)(f)", nil, ["ehe_recorded", "task_created"]),
            ("9(1)(g)", #"{"school_urn": "106935"}"#, ["expected_arrival_created"]),
            ("9(1)(g)", nil, ["referral_created", "case_opened"]),
            ("9(1)(h)", nil, ["referral_created", "case_opened", "unauthorised_removal_flagged", "task_created"]),
            ("9(1)(i)", nil, ["referral_created", "case_opened", "unauthorised_removal_flagged", "task_created"]),
            ("9(1)(j)", nil, ["task_created"]),
            ("9(1)(k)", nil, []),
            ("9(1)(l)", nil, []),
            ("9(1)(m)", nil, ["referral_created", "case_opened"]),
            ("9(1)(n)", #"{"school_urn": "106935"}"#, ["expected_arrival_created"]),
            ("9(1)(o)", nil, ["task_created"]),
            ("9(1)(c)", unknown, ["referral_created", "case_opened"]),
            ("2006:8(1)(g)", nil, ["task_created"]),
            ("2006:8(1)(b)", #"{"school_urn": "106935"}"#, ["expected_arrival_created"]),
        ]
        for (n, (ground, destination, expected)) in cases.enumerated() {
            let r = await f.send("POST", "/v1/roll-notifications", json: Self.removal(ground, first: "Child\(n)", last: "Ground", born: "2014-01-\(String(format: "%02d", n + 1))", destination: destination))
            #expect(r.status == 201, "\(ground): \(r.body)")
            #expect(Self.kinds(r.body) == expected, "\(ground) \(destination ?? "-"): \(Self.kinds(r.body))")
        }
        // The task kinds of the grounds with one.
        let taskKinds = Set(((await f.send("GET", "/v1/tasks?limit=200").body["items"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String })
        #expect(taskKinds.isSuperset(of: ["ehe_follow_up", "youth_justice_liaison", "arrange_excluded_pupil_provision", "review_removal_ground",
                                          "unauthorised_removal_review"]), "\(taskKinds)")
        // The 2006 code is kept beside its 2024 mapping.
        let list = ((await f.send("GET", "/v1/roll-notifications?limit=200").body["items"] as? [[String: Any]]) ?? [])
        #expect(list.contains { $0["reported_ground"] as? String == "2006:8(1)(b)" && $0["ground"] as? String == "9(1)(a)" })
        // MMMMMMM: a case awaiting confirmation of the move.
        let abroad = await f.send("POST", "/v1/roll-notifications", json: Self.removal("9(1)(c)", first: "Away", last: "Abroad",
                                                                                        destination: #"{"ctf_code": "MMMMMMM", "country": "Poland"}"#))
        let caseID = try #require((abroad.body["actions"] as? [[String: Any]])?.first { $0["kind"] as? String == "case_opened" }?["case_id"] as? String)
        #expect(await f.send("GET", "/v1/cases/\(caseID)").body["status"] as? String == "pending_transfer")
        await f.database.shutdown()
    }

    @Test func aDeregistrationAuthorisationLetsACMERemovalThroughUnflagged() async throws {
        let f = try await Self.fixture("roll_authorised")
        let caseID = try await f.openCase(SecurityFixture.referralJSON(first: "Kit", last: "Absent", born: "2013-03-03"))
        let auth = await f.send("POST", "/v1/cases/\(caseID)/deregistration-authorisations", json: #"{"school_urn": "106934", "authorised_from": "2026-11-01"}"#)
        #expect(auth.status == 201, "\(auth.body)")
        let seen = ((await f.send("GET", "/v1/deregistration-authorisations", .school).body["items"] as? [[String: Any]]) ?? [])
        #expect(seen.count == 1 && seen.first?["school_urn"] as? String == "106934")
        let r = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(i)", first: "Kit", last: "Absent", born: "2013-03-03", destination: nil))
        #expect(r.status == 201)
        #expect((r.body["flags"] as? [String]) == [], "authorised")
        #expect(Self.kinds(r.body) == ["referral_created", "case_opened"])
        #expect((r.body["actions"] as? [[String: Any]])?.last?["linked_to_existing"] as? Bool == true, "the child's live case")
        await f.database.shutdown()
    }

    @Test func lateNoticesCountSchoolDaysOnTheCalendarAndAreApproximateWithoutOne() async throws {
        let f = try await Self.fixture("roll_late")   // Wed 4 Nov 2026
        // Without term dates: weekdays minus bank holidays, approximate.
        let addition = await f.send("POST", "/v1/roll-notifications", json: Self.addition(event: "2026-10-21", school: "106934"))
        #expect(addition.body["late"] as? Bool == true)
        #expect(addition.body["school_days_late"] as? Int == 5, "10 weekdays in (21 Oct, 4 Nov], 5 allowed")
        #expect(addition.body["calendar_approximate"] as? Bool == true)
        let calendar = #"{"terms": [{"start": "2026-09-02", "end": "2026-10-23"}, {"start": "2026-11-02", "end": "2026-12-18"}, {"start": "2027-01-05", "end": "2027-07-21"}], "closures": []}"#
        #expect(await f.send("PUT", "/v1/admin/calendar/2026", .admin, json: calendar).status == 200)
        // With them: 22, 23 Oct, (half term), 2, 3, 4 Nov = 5 school days: not late.
        let onTime = await f.send("POST", "/v1/roll-notifications", json: Self.addition(first: "Other", event: "2026-10-21", school: "106934"))
        #expect(onTime.body["late"] as? Bool == false)
        #expect(onTime.body["school_days_late"] as? Int == 0)
        #expect(onTime.body["calendar_approximate"] as? Bool == false)
        let older = await f.send("POST", "/v1/roll-notifications", json: Self.addition(first: "Older", event: "2026-10-19", school: "106934"))
        #expect(older.body["school_days_late"] as? Int == 2, "19 Oct: 20, 21, 22, 23 Oct, 2, 3, 4 Nov = 7")
        #expect(older.body["days_late"] as? Int == 2, "the 5th school day was 2 Nov")
        // A removal is late the day after its event date.
        let removal = await f.send("POST", "/v1/roll-notifications", json: Self.removal("9(1)(a)", event: "2026-11-03"))
        #expect(removal.body["late"] as? Bool == true && removal.body["school_days_late"] as? Int == 1 && removal.body["days_late"] as? Int == 1)
        await f.database.shutdown()
    }

    @Test func aBatchKeepsItsGoodItemsAndAnIdempotentRetryAddsNothing() async throws {
        let f = try await Self.fixture("roll_batch")
        let items = [
            Self.addition(first: "Good", last: "One", school: "106934"),
            #"{"type": "removal", "school_urn": "106934", "event_date": "2026-11-04", "ground": "9(9)(z)", "pupil": {"first_name": "Bad"}}"#,
            Self.addition(first: "Elsewhere", last: "School", school: "106935"),
            Self.addition(first: "Unknown", last: "School", school: "999999"),
            Self.removal("9(1)(a)", first: "Good", last: "Two"),
        ]
        let body = #"{"notifications": ["# + items.joined(separator: ",") + "]}"
        let r = await f.send("POST", "/v1/roll-notifications/batch", .school, json: body, headers: ["Idempotency-Key": "batch-1"])
        #expect(r.status == 200, "\(r.body)")
        let results = (r.body["results"] as? [[String: Any]]) ?? []
        #expect(results.compactMap { $0["status"] as? Int } == [201, 422, 403, 403, 201], "a school posts only for itself")
        #expect(results[0]["late"] as? Bool == false && results[0]["days_late"] as? Int == 0 && results[0]["school_days_late"] as? Int == 0)
        #expect(results[0]["calendar_approximate"] as? Bool == true)
        let bad = ((results[1]["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
        #expect(Set(bad) == ["/ground", "/pupil/last_name", "/parents"], "\(bad)")
        // An officer may post for any school of the council, but not for a school the council does not have.
        let unknown = await f.send("POST", "/v1/roll-notifications", json: Self.addition(school: "999999"))
        #expect(unknown.status == 422)
        #expect(((unknown.body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String } == ["/school_urn"])
        let again = await f.send("POST", "/v1/roll-notifications/batch", .school, json: body, headers: ["Idempotency-Key": "batch-1"])
        #expect(again.headers["Idempotent-Replayed"] == "true")
        #expect(((again.body["results"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == results.compactMap { $0["id"] as? String })
        #expect(((await f.send("GET", "/v1/roll-notifications").body["items"] as? [Any]) ?? []).count == 2)
        // One UPN spelt two ways in one batch is one child, not a clash that sinks the batch.
        let twice = #"{"notifications": ["# + Self.addition(first: "Twin", last: "Spelling", upn: "B801200005001", school: "106934") + ","
            + Self.addition(first: "Twyn", last: "Speling", upn: "B801200005001", school: "106934") + "]}"
        let spelt = await f.send("POST", "/v1/roll-notifications/batch", .school, json: twice)
        #expect(((spelt.body["results"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? Int } == [201, 201])
        let twins = ((await f.send("GET", "/v1/children?upn=B801200005001").body["items"] as? [Any]) ?? [])
        #expect(twins.count == 1)
        // A retried single notice with its key: one notice.
        for _ in 0..<2 {
            _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.addition(first: "Single", school: "106934"),
                             headers: ["Idempotency-Key": "single-1"])
        }
        #expect(((await f.send("GET", "/v1/roll-notifications").body["items"] as? [Any]) ?? []).count == 5)
        // Over 5,000 items: refused whole.
        let many = #"{"notifications": ["# + Array(repeating: Self.addition(school: "106934"), count: 5_001).joined(separator: ",") + "]}"
        let tooMany = await f.send("POST", "/v1/roll-notifications/batch", .school, json: many)
        #expect(tooMany.status == 422)
        #expect(((await f.send("GET", "/v1/roll-notifications").body["items"] as? [Any]) ?? []).count == 5)
        // A school may not post for another school, nor list another's.
        #expect(await f.send("POST", "/v1/roll-notifications", .school, json: Self.addition(school: "106935")).status == 403)
        #expect(await f.send("GET", "/v1/roll-notifications?school_urn=106935", .school).status == 403)
        await f.database.shutdown()
    }

    /// A batch with a large body is followed by a pass of the allocator's trimmer; a small one is not.
    @Test func aLargeBatchIsFollowedByATrimPassAndASmallOneIsNot() async throws {
        let f = try await Self.fixture("roll_trim")
        let trimmer = MemoryTrimmer.shared
        let items = (0..<2_000).map { Self.addition(first: "Trim", last: "Pupil\($0)", school: "106934") }
        let large = #"{"notifications": ["# + items.joined(separator: ",") + "]}"
        #expect(large.utf8.count > 256 << 10)
        var before = trimmer.passes
        let posted = await f.send("POST", "/v1/roll-notifications/batch", .school, json: large)
        #expect(posted.status == 200)
        let deadline = ContinuousClock.now + .seconds(10)
        while trimmer.passes == before && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(trimmer.passes > before, "no trim pass after a batch of \(large.utf8.count) bytes")

        before = trimmer.passes
        let small = #"{"notifications": ["# + Self.addition(first: "Small", school: "106934") + "]}"
        #expect(await f.send("POST", "/v1/roll-notifications/batch", .school, json: small).status == 200)
        try await Task.sleep(for: .milliseconds(300))
        #expect(trimmer.passes == before, "a small batch asked for a trim pass")
        await f.database.shutdown()
    }

    @Test func theMovementReportListsTheMonthsJoinersAndLeavers() async throws {
        let f = try await Self.fixture("roll_movement")
        _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.addition(first: "Joiner", last: "Smith, Jr", event: "2026-11-02", school: "106934"))
        _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.removal("9(1)(a)", first: "Leaver", event: "2026-11-03"))
        _ = await f.send("POST", "/v1/roll-notifications", .school, json: Self.addition(first: "October", event: "2026-10-30", school: "106934"))
        let report = await f.send("GET", "/v1/reports/movement?school_urn=106934&month=2026-11", .school)
        #expect(report.status == 200)
        #expect(((report.body["joiners"] as? [[String: Any]]) ?? []).compactMap { $0["first_name"] as? String } == ["Joiner"])
        let leaver = try #require((report.body["leavers"] as? [[String: Any]])?.first)
        #expect(leaver["ground"] as? String == "9(1)(a)")
        #expect((leaver["destination"] as? [String: Any])?["school_urn"] as? String == "106935")
        let csv = try #require(await f.request("GET", "/v1/reports/movement?school_urn=106934&month=2026-11", token: f.tokens[.school],
                                                headers: ["Accept": "text/csv"]))
        let lines = String(decoding: csv.body, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[0] == MovementReport.columns.joined(separator: ","))
        #expect(lines[1].hasPrefix("joiner,2026-11-02,,Joiner,\"Smith, Jr\","))
        #expect(lines[2].hasPrefix("leaver,2026-11-03,,Leaver,Moss,2015-02-03,9(1)(a),9(1)(a),106935,"))
        #expect(await f.send("GET", "/v1/reports/movement?school_urn=106935&month=2026-11", .school).status == 403)
        #expect(await f.send("GET", "/v1/reports/movement?school_urn=106934&month=2026-13").status == 400)
        await f.database.shutdown()
    }
}

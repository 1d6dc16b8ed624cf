import CMEDomain
import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Enquiries seen only by whom they are addressed to (and audited on both sides across councils),
/// the partner status view, matching at intake against the roll, due dates on a council's calendar,
/// and the untraceable sweep.
@Suite(.serialized) struct EnquiryAndTaskTests {
    func token(_ f: SecurityFixture, _ role: String, la: String, agency: String? = nil) async throws -> (String, UUID) {
        try await f.create(NewClient(role: role, name: "\(role) \(la)", agencyType: agency, agencyName: agency.map { "The \($0)" }), la: la)
    }

    func call(_ f: SecurityFixture, _ method: String, _ target: String, token: String, json: String? = nil) async -> (Int, [String: Any]) {
        let r = await f.request(method, target, token: token, json: json)
        return (r?.status ?? 0, f.object(r))
    }

    @Test func enquiriesAreSeenAndAnsweredOnlyByWhomTheyAreAddressedTo() async throws {
        let f = try await SecurityFixture.casework("enq_visibility")
        let police = f.tokens[.agency]!, policeID = f.ids[.agency]!
        let (health, _) = try await token(f, "agency", la: "372", agency: "health")
        let (otherOfficer, _) = try await token(f, "officer", la: "373")
        _ = try await f.services.councils.register(laCode: LACode("341")!, name: nil, as: SecurityFixture.system("341"))
        let (thirdOfficer, _) = try await token(f, "officer", la: "341")
        let caseID = try await f.openCase(SecurityFixture.referralJSON(first: "Enquiry", last: "Subject", born: "2013-05-05", upn: "H801200001001"))

        let toPolice = await f.send("POST", "/v1/cases/\(caseID)/enquiries",
                                    json: #"{"agency_type": "police", "addressed_to": "\#(policeID.uuidString)", "question": "Known at this address?"}"#)
        #expect(toPolice.status == 201, "\(toPolice.body)")
        #expect(toPolice.body["due_on"] as? String == "2026-11-18", "10 working days after Wed 4 Nov")
        #expect((toPolice.body["child"] as? [String: Any])?["upn"] as? String == "H801200001001")
        let policeEnquiry = try #require(toPolice.body["id"] as? String)
        let toCouncil = await f.send("POST", "/v1/cases/\(caseID)/enquiries",
                                     json: #"{"agency_type": "other_la", "addressed_to": "373", "question": "Has the family moved to you?", "due_on": "2026-11-20"}"#)
        #expect(toCouncil.status == 201, "\(toCouncil.body)")
        let councilEnquiry = try #require(toCouncil.body["id"] as? String)
        #expect(await f.send("POST", "/v1/cases/\(caseID)/enquiries", json: #"{"agency_type": "other_la", "question": "?"}"#).status == 422)
        #expect(await f.send("POST", "/v1/cases/\(caseID)/enquiries",
                             json: #"{"agency_type": "police", "addressed_to": "\#(UUID().uuidString)", "question": "?"}"#).status == 422)

        func listed(_ token: String) async -> [String] {
            let (_, body) = await call(f, "GET", "/v1/enquiries", token: token)
            return ((body["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        }
        #expect(await listed(police) == [policeEnquiry])
        #expect(await listed(health).isEmpty)
        #expect(await listed(otherOfficer) == [councilEnquiry])
        #expect(await listed(thirdOfficer).isEmpty)
        #expect(Set(await listed(f.officer)) == [policeEnquiry, councilEnquiry])
        #expect(await call(f, "GET", "/v1/enquiries/\(policeEnquiry)", token: health).0 == 404)
        #expect(await call(f, "GET", "/v1/enquiries/\(policeEnquiry)", token: otherOfficer).0 == 404)
        #expect(await call(f, "GET", "/v1/enquiries/\(councilEnquiry)", token: thirdOfficer).0 == 404)
        #expect(await call(f, "POST", "/v1/enquiries/\(policeEnquiry)/response", token: health, json: #"{"outcome": "no_trace"}"#).0 == 404)
        // The other council sees nothing else of the case.
        #expect(await call(f, "GET", "/v1/cases/\(caseID)", token: otherOfficer).0 == 404)

        // The police answer theirs; council 373 answers its own.
        let (pStatus, pBody) = await call(f, "POST", "/v1/enquiries/\(policeEnquiry)/response", token: police,
                                          json: #"{"outcome": "information_found", "details": "family seen at a new address"}"#)
        #expect(pStatus == 200, "\(pBody)")
        #expect((pBody["response"] as? [String: Any])?["recorded_by"] as? String == "addressee")
        #expect(await call(f, "POST", "/v1/enquiries/\(policeEnquiry)/response", token: police, json: #"{"outcome": "no_trace"}"#).0 == 409)
        let (cStatus, cBody) = await call(f, "POST", "/v1/enquiries/\(councilEnquiry)/response", token: otherOfficer,
                                          json: #"{"outcome": "resident_here_on_roll", "school_urn": "106999"}"#)
        #expect(cStatus == 200, "\(cBody)")

        // Both answers are on the asking council's timeline; their chase tasks are done.
        let kinds = ((await f.send("GET", "/v1/cases/\(caseID)/timeline?limit=200").body["items"] as? [[String: Any]]) ?? [])
            .compactMap { $0["kind"] as? String }
        #expect(kinds.filter { $0 == "enquiry_answered" }.count == 2, "\(kinds)")
        let chases = ((await f.send("GET", "/v1/tasks?kind=chase_enquiry&case_id=\(caseID)").body["items"] as? [[String: Any]]) ?? [])
        #expect(chases.count == 2 && chases.allSatisfy { $0["status"] as? String == "completed" })
        #expect(await f.send("GET", "/v1/cases/\(caseID)").body["last_trace_on"] as? String == "2026-11-04")

        // The cross-council read and answer are in both councils' audit trails.
        let (otherAdmin, _) = try await token(f, "admin", la: "373")
        let mine = ((await f.send("GET", "/v1/audit?subject=enquiry:\(councilEnquiry)", .admin).body["items"] as? [[String: Any]]) ?? [])
            .compactMap { $0["action"] as? String }
        let theirs = ((await call(f, "GET", "/v1/audit?subject=enquiry:\(councilEnquiry)", token: otherAdmin).1["items"] as? [[String: Any]]) ?? [])
            .compactMap { $0["action"] as? String }
        #expect(mine.contains("create") && mine.contains("list_by_other_council"), "\(mine)")
        #expect(theirs.contains("list") && theirs.contains("answer"), "\(theirs)")
        await f.database.shutdown()
    }

    @Test func partnerStatusShowsOnlyItsFieldsAndOnlyToAgenciesInvolved() async throws {
        let f = try await SecurityFixture.casework("enq_status")
        let police = f.tokens[.agency]!
        let (health, healthID) = try await token(f, "agency", la: "372", agency: "health")
        let (housing, _) = try await token(f, "agency", la: "372", agency: "housing")
        // The police refer the child; health is asked about the case; housing has nothing to do with it.
        let posted = await f.send("POST", "/v1/referrals", .agency,
                                  json: SecurityFixture.referralJSON(first: "Status", last: "Seeker", kind: "agency",
                                                                     childExtra: #", "address": {"line1": "2 Low Rd", "postcode": "S60 2CC"}"#))
        #expect(posted.status == 201)
        #expect((posted.body["matches"] as? [Any])?.isEmpty == true, "a partner never sees matches")
        let rid = try #require(posted.body["id"] as? String)
        let caseID = try #require(await f.send("POST", "/v1/referrals/\(rid)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"").body["case_id"] as? String)
        _ = await f.send("POST", "/v1/cases/\(caseID)/enquiries",
                         json: #"{"agency_type": "health", "addressed_to": "\#(healthID.uuidString)", "question": "Registered with a GP?"}"#)
        _ = await f.send("PATCH", "/v1/cases/\(caseID)", json: #"{"assigned_officer": {"name": "Pat Officer", "email": "pat@example.org", "phone": "01709 000000"}}"#,
                         ifMatch: await f.etag(ofCase: caseID))
        for token in [police, health] {
            let (status, body) = await call(f, "GET", "/v1/cases/\(caseID)/status", token: token)
            #expect(status == 200)
            #expect(Set(body.keys) == ["reference", "status", "located", "education_secured", "updated_at", "officer"])
            #expect(body["located"] as? Bool == false && body["education_secured"] as? Bool == false)
            let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            for personal in ["Status", "Seeker", "2 Low Rd", "S60", "2014-05-06"] { #expect(!text.contains(personal), "\(personal) leaked") }
            #expect((body["officer"] as? [String: Any])?["email"] as? String == "pat@example.org")
        }
        #expect(await call(f, "GET", "/v1/cases/\(caseID)/status", token: housing).0 == 404)
        #expect(await call(f, "GET", "/v1/cases/\(caseID)", token: police).0 == 403)
        // Found and in school: both true.
        let etag = await f.etag(ofCase: caseID)
        #expect(await f.send("POST", "/v1/cases/\(caseID)/close", json: #"{"outcome": "on_roll", "school_urn": "106934", "start_date": "2026-11-04"}"#,
                             ifMatch: etag).status == 200)
        let (_, done) = await call(f, "GET", "/v1/cases/\(caseID)/status", token: police)
        #expect(done["located"] as? Bool == true && done["education_secured"] as? Bool == true && done["status"] as? String == "closed")
        // A referral the police sent is theirs to read; another client's is not.
        #expect(await call(f, "GET", "/v1/referrals/\(rid)", token: police).0 == 200)
        #expect(await call(f, "GET", "/v1/referrals/\(rid)", token: health).0 == 404)
        // Each lists only what it sent, and never with matches.
        _ = try await f.referral(SecurityFixture.referralJSON(first: "Other", last: "Child"))
        let (_, policeList) = await call(f, "GET", "/v1/referrals", token: police)
        #expect(((policeList["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [rid])
        #expect(((policeList["items"] as? [[String: Any]]) ?? []).allSatisfy { ($0["matches"] as? [Any])?.isEmpty == true })
        #expect(((await call(f, "GET", "/v1/referrals", token: health).1["items"] as? [Any]) ?? [1]).isEmpty)
        #expect(((await f.send("GET", "/v1/referrals").body["items"] as? [Any]) ?? []).count == 2)
        await f.database.shutdown()
    }

    @Test func intakeMatchesKnownChildrenTheirCasesAndTheSchoolTheyAreOnRollAt() async throws {
        let f = try await SecurityFixture.casework("enq_matching")
        let first = try await f.openCase(SecurityFixture.referralJSON(first: "Zoë", last: "O'Brien", born: "2014-03-04"))
        let child = try #require((await f.send("GET", "/v1/cases/\(first)").body["child"] as? [String: Any])?["id"] as? String)
        // The roll says the child is now at school 106934 (rows arrive from roll notifications later).
        try await f.database.write(as: SecurityFixture.system("372")) { unit in
            try await unit.roll.add(child: UUID(uuidString: child)!, school: "106934", since: CalendarDate("2026-09-03")!)
            unit.audit("test", subjectType: "child", subjectID: child)
        }
        let again = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "zoe", last: "OBrien", born: "2014-03-04"))
        #expect(again.status == 201)
        #expect(again.body["child_id"] as? String == child, "the same child by name and date of birth")
        let match = try #require((again.body["matches"] as? [[String: Any]])?.first)
        #expect(match["child_id"] as? String == child)
        #expect(match["case_id"] as? String == first)
        #expect(match["reasons"] as? [String] == ["name_dob_exact"])
        #expect((match["on_roll_at"] as? [String: Any])?["school_urn"] as? String == "106934")
        #expect((match["on_roll_at"] as? [String: Any])?["since"] as? String == "2026-09-03")
        #expect((await f.send("GET", "/v1/children/\(child)").body["on_roll_at"] as? [String: Any])?["school_urn"] as? String == "106934")
        // A misspelt name is a candidate, not the same record.
        let fuzzy = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Zoe", last: "O'Brian", born: "2014-03-04"))
        #expect(fuzzy.body["child_id"] as? String != child)
        #expect(((fuzzy.body["matches"] as? [[String: Any]]) ?? []).contains { $0["child_id"] as? String == child && ($0["reasons"] as? [String]) == ["fuzzy_name_dob"] })
        // Accepting another referral of a child with a live case is refused: link it instead.
        let rid = try #require(again.body["id"] as? String)
        #expect(await f.send("POST", "/v1/referrals/\(rid)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"").status == 409)
        let linked = await f.send("POST", "/v1/referrals/\(rid)/decision", json: #"{"decision": "link", "case_id": "\#(first)"}"#, ifMatch: "\"1\"")
        #expect(linked.status == 200 && linked.body["status"] as? String == "linked")
        #expect((await f.send("GET", "/v1/cases/\(first)").body["referral_ids"] as? [String])?.count == 2)
        await f.database.shutdown()
    }

    @Test func dueDatesCountSchoolDaysOnTheCouncilsCalendarAcrossHalfTerm() async throws {
        // Wednesday 21 October 2026; half term is 26-30 October.
        let f = try await SecurityFixture.casework("enq_due", now: Date(timeIntervalSince1970: 1_792_576_800))
        let calendar = #"{"terms": [{"start": "2026-09-02", "end": "2026-10-23"}, {"start": "2026-11-02", "end": "2026-12-18"}, {"start": "2027-01-05", "end": "2027-07-21"}], "closures": []}"#
        #expect(await f.send("PUT", "/v1/admin/calendar/2026", .admin, json: calendar).status == 200)
        var policy = (await f.send("GET", "/v1/admin/policy", .admin).body["policy"] as? [String: Any]) ?? [:]
        policy["triage_period"] = ["count": 3, "unit": "school_days"]
        policy["visit_due_period"] = ["count": 5, "unit": "school_days"]
        policy["review_period"] = ["count": 4, "unit": "weeks"]
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["policy": policy]), as: UTF8.self)
        let put = await f.send("PUT", "/v1/admin/policy", .admin, json: body)
        #expect(put.status == 200, "\(put.body)")

        let rid = try await f.referral()
        let triage = try #require((await f.send("GET", "/v1/tasks?kind=triage_referral").body["items"] as? [[String: Any]])?.first)
        #expect(triage["referral_id"] as? String == rid)
        #expect(triage["due_on"] as? String == "2026-11-02", "Thu 22, Fri 23, then Mon 2 Nov after half term")
        #expect(triage["calendar_approximate"] as? Bool == false)
        let caseID = try #require(await f.send("POST", "/v1/referrals/\(rid)/decision", json: #"{"decision": "accept"}"#, ifMatch: "\"1\"").body["case_id"] as? String)
        #expect(await f.send("GET", "/v1/cases/\(caseID)").body["next_review_on"] as? String == "2026-11-18")
        let visit = await f.send("POST", "/v1/cases/\(caseID)/visits", json: #"{}"#)
        #expect(visit.body["due_on"] as? String == "2026-11-04", "five school days: 22, 23 Oct, 2, 3, 4 Nov")
        let enquiry = await f.send("POST", "/v1/cases/\(caseID)/enquiries", json: #"{"agency_type": "housing", "question": "Tenancy?"}"#)
        #expect(enquiry.body["due_on"] as? String == "2026-11-04", "ten working days: half term is not a holiday for working days")
        #expect(await f.send("POST", "/v1/cases/\(caseID)/enquiries", json: #"{"agency_type": "housing", "question": "?", "due_on": "2026-10-20"}"#).status == 422,
                "a due date in the past")
        // Overdue is computed: nothing is overdue today.
        #expect(((await f.send("GET", "/v1/tasks?overdue=true").body["items"] as? [Any]) ?? [1]).isEmpty)
        #expect(((await f.send("GET", "/v1/cases?overdue=true").body["items"] as? [Any]) ?? [1]).isEmpty)

        // Thursday 5 November: the visit and the enquiry are past due (the triage was done), the review is not yet.
        let later = Date(timeIntervalSince1970: 1_792_576_800 + 15 * 86_400)
        let services = CMEServices(database: f.database, migrator: Migrator(database: f.database, migrations: []), clock: ServiceClock(now: { later }))
        let router = API.makeRouter(services: services, serverMetrics: ServerMetrics(shards: 1), openAPIDocument: "")
        let overdue = f.object(await TestSupport.call(router, "GET", "/v1/tasks?overdue=true", token: f.officer))
        let kinds = ((overdue["items"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
        #expect(Set(kinds) == ["visit_due", "chase_enquiry"], "\(kinds)")
        #expect(((overdue["items"] as? [[String: Any]]) ?? []).allSatisfy { $0["overdue"] as? Bool == true })
        let cases = f.object(await TestSupport.call(router, "GET", "/v1/cases?overdue=true", token: f.officer))
        #expect(((cases["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [caseID])
        let enquiries = f.object(await TestSupport.call(router, "GET", "/v1/enquiries?overdue=true", token: f.officer))
        #expect(((enquiries["items"] as? [[String: Any]]) ?? []).first?["overdue"] as? Bool == true)
        await f.database.shutdown()
    }

    @Test func theUntraceableSweepFlagsOnceEvenWhenTwoRunTogether() async throws {
        let opened = Date(timeIntervalSince1970: 1_792_576_800)   // Wed 21 Oct 2026
        let f = try await SecurityFixture.casework("enq_untraceable", now: opened)
        #expect(await f.send("PUT", "/v1/admin/policy", .admin, json: #"{"preset": "medway"}"#).status == 200)
        let caseID = try await f.openCase()
        let traced = try await f.openCase(SecurityFixture.referralJSON(first: "Seen", last: "Recently", born: "2012-12-12"))
        // Six weeks later, from two service instances at once.
        let later = opened.addingTimeInterval(42 * 86_400)
        let a = CMEServices(database: f.database, migrator: Migrator(database: f.database, migrations: []), clock: ServiceClock(now: { later }))
        let b = CMEServices(database: f.database, migrator: Migrator(database: f.database, migrations: []), clock: ServiceClock(now: { later }))
        // The second case had a trace a week ago: a visit saw the child.
        try await f.database.write(as: SecurityFixture.system("372")) { unit in
            try await unit.cases.noteTrace(UUID(uuidString: traced)!, on: CalendarDate("2026-11-25")!, at: later)
            unit.audit("test", subjectType: "case", subjectID: traced)
        }
        let admin = SecurityFixture.system("372")
        // What an instance that read its candidates just before another flagged them would hold.
        let stale = try await f.database.read(as: admin) { unit in try await unit.cases.untraceableCandidates() }
        #expect(stale.count == 2)
        async let one = a.cases.sweepUntraceable(as: admin)
        async let two = b.cases.sweepUntraceable(as: admin)
        let counts = try await [one, two]
        #expect(counts.reduce(0, +) == 1, "\(counts)")
        let flaggedTwice = try await f.database.write(as: admin) { unit in
            let again = try await unit.cases.markUntraceable(UUID(uuidString: caseID)!, flags: [.untraceable], noTraceSince: nil, at: later)
            unit.audit("test", subjectType: "case", subjectID: caseID)
            return again
        }
        #expect(!flaggedTwice, "a sweep holding a stale candidate cannot flag (and so raise tasks) a second time")
        let flags = await f.send("GET", "/v1/cases/\(caseID)").body["risk_flags"] as? [String]
        #expect(flags == ["untraceable"])
        #expect(await f.send("GET", "/v1/cases/\(traced)").body["risk_flags"] as? [String] == [])
        let police = (await f.send("GET", "/v1/tasks?kind=notify_police_untraceable").body["items"] as? [[String: Any]]) ?? []
        #expect(police.count == 1 && police.first?["case_id"] as? String == caseID, "Medway tells the police, once")
        // Run again over HTTP: nothing new.
        #expect(await f.send("POST", "/v1/admin/sweeps/run", .admin).body["untraceable_flagged"] as? Int == 0)
        // Locating the child clears the flag.
        let located = await f.send("POST", "/v1/cases/\(caseID)/locate", json: #"{"located_on": "2026-10-21"}"#, ifMatch: await f.etag(ofCase: caseID))
        #expect(located.status == 200)
        #expect(located.body["risk_flags"] as? [String] == [])
        await f.database.shutdown()
    }
}

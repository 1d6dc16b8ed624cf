import CMEDomain
import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Validation at the casework edge (docs/casework.md): every wrong field of a referral reported at
/// once, warnings that do not stop a referral, who may refer as what, query parameters, `If-Match`
/// before the body, idempotent replays and media types. Every refused request is checked to have
/// changed nothing.
@Suite(.serialized) struct CaseworkValidationTests {
    // MARK: Helpers

    /// The `pointer` of each field error of a 422 body, in order.
    static func pointers(_ body: [String: Any]) -> [String] {
        ((body["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
    }

    /// The warnings of a referral as `(code, pointer)` pairs.
    static func warnings(_ body: [String: Any]) -> [(code: String, pointer: String)] {
        ((body["warnings"] as? [[String: Any]]) ?? []).map { (($0["code"] as? String) ?? "?", ($0["pointer"] as? String) ?? "?") }
    }

    static func items(_ body: [String: Any]) -> [[String: Any]] {
        (body["items"] as? [[String: Any]]) ?? []
    }

    /// A valid UPN whose check letter is K (801200001041 gives K).
    static let validKUPN = "K801200001041"

    // MARK: 1. Every bad field at once

    @Test func aReferralWithManyBadFieldsGetsOne422NamingEveryPointer() async throws {
        let f = try await SecurityFixture.casework("val_many")
        let tooLong = String(repeating: "x", count: ReferralForm.maxLongText + 1)
        // No source kind, no names, no date of birth, no reason; bad enums, a non-boolean, a parent
        // without a name, a last school with a 5-digit URN and a full-width LA code, a text over its limit.
        let first = """
            {"source": {"name": "Reporter"},
             "child": {"gender": "robot", "sen": "lots", "looked_after": "yes"},
             "parents": [{"relationship": "mother"}],
             "last_school": {"urn": "12345", "la_code": "３７２"},
             "reason_detail": "\(tooLong)",
             "checks_completed": [{"check": "seance", "done_on": "2026-11-02"}]}
            """
        let r1 = await f.send("POST", "/v1/referrals", json: first)
        #expect(r1.status == 422, "\(r1.body)")
        let p1 = Self.pointers(r1.body)
        let expected1: Set<String> = ["/source/kind", "/child/first_name", "/child/last_name", "/child/date_of_birth", "/child/gender",
                                      "/child/sen", "/child/looked_after", "/parents/0/name", "/last_school/urn", "/last_school/la_code",
                                      "/reason_detail", "/checks_completed/0/check", "/reason"]
        #expect(Set(p1) == expected1, "\(p1)")
        #expect(p1.count == expected1.count, "one error per pointer: \(p1)")

        // A school source without its URN, a date that does not exist, a number for a boolean, too
        // many parents, and the service's own reason from a client.
        let parents = Array(repeating: #"{"name": "Parent"}"#, count: ReferralForm.maxParents + 1).joined(separator: ", ")
        let second = """
            {"source": {"kind": "school", "name": "Reporter"},
             "child": {"first_name": "Ada", "last_name": "Lovelace", "date_of_birth": "2014-02-30", "looked_after": 1},
             "parents": [\(parents)],
             "reason": "did_not_arrive"}
            """
        let r2 = await f.send("POST", "/v1/referrals", json: second)
        #expect(r2.status == 422, "\(r2.body)")
        let p2 = Self.pointers(r2.body)
        let expected2: Set<String> = ["/source/school_urn", "/child/date_of_birth", "/child/looked_after", "/parents", "/reason"]
        #expect(Set(p2) == expected2, "\(p2)")
        #expect(p2.count == expected2.count, "one error per pointer: \(p2)")

        // The same from a school client: the form is read first, so still one 422 with every pointer.
        let r2s = await f.send("POST", "/v1/referrals", .school, json: second)
        #expect(r2s.status == 422, "\(r2s.body)")
        let p2s = Self.pointers(r2s.body)
        #expect(Set(p2s) == expected2, "\(p2s)")

        // Dates of birth: in the future (tomorrow), not a date, before 1990, not zero-padded.
        for (born, label) in [("2026-11-05", "future"), ("2014-13-01", "month 13"), ("1989-12-31", "too early"), ("2014-5-6", "unpadded"),
                              ("06/05/2014", "UK format")] {
            let r = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(born: born))
            #expect(r.status == 422, "\(label): \(r.body)")
            let p = Self.pointers(r.body)
            #expect(p == ["/child/date_of_birth"], "\(label): \(p)")
        }
        // Today is not in the future (and a reason that is not a reason is a bad enum).
        let badReason = await f.send("POST", "/v1/referrals", json: #"""
            {"source": {"kind": "public"}, "child": {"first_name": "A", "last_name": "B", "date_of_birth": "2014-05-06"},
             "reason": "MOVED_NO_DESTINATION"}
            """#)
        #expect(badReason.status == 422)
        let pr = Self.pointers(badReason.body)
        #expect(pr == ["/reason"], "\(pr)")

        // Nothing refused was stored: no referral, no triage task.
        let list = await f.send("GET", "/v1/referrals")
        #expect(list.status == 200)
        #expect(Self.items(list.body).isEmpty, "\(list.body)")
        let tasks = await f.send("GET", "/v1/tasks?kind=triage_referral")
        #expect(Self.items(tasks.body).isEmpty, "\(tasks.body)")

        // The control: the valid form is taken.
        let ok = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(born: "2026-11-04"))
        #expect(ok.status == 201, "a child born today is not in the future: \(ok.body)")
        await f.database.shutdown()
    }

    // MARK: 2. Warnings, each alone

    @Test func aSchoolReferralMissingPolicyChecksIsTakenWithOneWarningPerCheck() async throws {
        let f = try await SecurityFixture.casework("val_warn_checks")
        // Without home_visit: one warning.
        let oneMissing = await f.send("POST", "/v1/referrals", .school, json: SecurityFixture.referralJSON(
            first: "Mary", last: "Somerville", kind: "school",
            extra: #", "checks_completed": [{"check": "phone_all_contacts", "done_on": "2026-11-03"}, {"check": "letter_sent"}]"#))
        #expect(oneMissing.status == 201, "\(oneMissing.body)")
        let w1 = Self.warnings(oneMissing.body)
        #expect(w1.count == 1, "\(w1)")
        #expect(w1.first?.code == "missing_school_check")
        #expect(w1.first?.pointer == "/checks_completed")

        // Without any check: one warning for each of home_visit and phone_all_contacts.
        let noneDone = await f.send("POST", "/v1/referrals", .school,
                                    json: SecurityFixture.referralJSON(first: "Caroline", last: "Herschel", kind: "school"))
        #expect(noneDone.status == 201, "\(noneDone.body)")
        let w2 = Self.warnings(noneDone.body)
        #expect(w2.count == 2, "\(w2)")
        #expect(w2.allSatisfy { $0.code == "missing_school_check" && $0.pointer == "/checks_completed" }, "\(w2)")
        let messages = ((noneDone.body["warnings"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("home_visit") } && messages.contains { $0.contains("phone_all_contacts") }, "\(messages)")

        // Both done: no warning. And the same form from a non-school source never gets the warning.
        let allDone = await f.send("POST", "/v1/referrals", .school, json: SecurityFixture.referralJSON(
            first: "Emmy", last: "Noether", kind: "school",
            extra: #", "checks_completed": [{"check": "home_visit"}, {"check": "phone_all_contacts"}]"#))
        #expect(allDone.status == 201, "\(allDone.body)")
        #expect(Self.warnings(allDone.body).isEmpty, "\(allDone.body)")
        let publicSource = await f.send("POST", "/v1/referrals", .intake,
                                        json: SecurityFixture.referralJSON(first: "Lise", last: "Meitner", kind: "public"))
        #expect(publicSource.status == 201, "\(publicSource.body)")
        #expect(Self.warnings(publicSource.body).isEmpty, "\(publicSource.body)")

        // The warnings are stored with the referral (an officer reads them later).
        let id = try #require(noneDone.body["id"] as? String)
        let read = await f.send("GET", "/v1/referrals/\(id)")
        #expect(read.status == 200)
        #expect(Self.warnings(read.body).count == 2, "\(read.body)")
        await f.database.shutdown()
    }

    @Test(arguments: ["2023-01-01", "2008-01-01"])
    func aChildNotOfCompulsorySchoolAgeIsTakenWithAWarning(born: String) async throws {
        let f = try await SecurityFixture.casework("val_warn_age_\(born.prefix(4))")
        let r = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Dora", last: "Age", born: born))
        #expect(r.status == 201, "\(r.body)")
        let w = Self.warnings(r.body)
        #expect(w.count == 1, "\(w)")
        #expect(w.first?.code == "not_compulsory_school_age")
        #expect(w.first?.pointer == "/child/date_of_birth")
        // A child of compulsory school age gets none.
        let control = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Cora", last: "Age", born: "2015-03-03"))
        #expect(control.status == 201)
        #expect(Self.warnings(control.body).isEmpty, "\(control.body)")
        await f.database.shutdown()
    }

    @Test func aUPNWithAWrongCheckLetterIsKeptAsSentWithAWarning() async throws {
        let f = try await SecurityFixture.casework("val_warn_upn")
        // H801200001001 is valid; A in its place is a wrong check letter. Sent lower-case.
        let sent = "a801200001001"
        let r = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Ida", last: "Check", upn: sent))
        #expect(r.status == 201, "\(r.body)")
        let w = Self.warnings(r.body)
        #expect(w.count == 1, "\(w)")
        #expect(w.first?.code == "upn_check_letter")
        #expect(w.first?.pointer == "/child/upn")
        let formUPN = (r.body["child"] as? [String: Any])?["upn"] as? String
        #expect(formUPN == "A801200001001")
        let childID = try #require(r.body["child_id"] as? String)
        let child = await f.send("GET", "/v1/children/\(childID)")
        #expect(child.status == 200, "\(child.body)")
        let storedUPN = child.body["upn"] as? String
        #expect(storedUPN == "A801200001001")

        // A valid UPN: no warning, stored as sent.
        let valid = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Una", last: "Valid", upn: Self.validKUPN))
        #expect(valid.status == 201, "\(valid.body)")
        #expect(Self.warnings(valid.body).isEmpty, "\(valid.body)")
        await f.database.shutdown()
    }

    @Test func aUPNWithLookAlikeCharactersIsAnErrorNotAWarning() async throws {
        let f = try await SecurityFixture.casework("val_upn_lookalike")
        let lookAlikes = [
            "\u{212A}801200001041",   // KELVIN SIGN for the (correct) check letter K
            "\u{212A}801200001001",   // KELVIN SIGN for K, the brief's example
            "H\u{FF18}01200001001",   // a full-width 8
            "H\u{FF18}\u{FF10}\u{FF11}\u{FF12}\u{FF10}\u{FF10}\u{FF10}\u{FF10}\u{FF11}\u{FF10}\u{FF10}\u{FF11}",   // every digit full-width
            "H80120000100\u{FF11}",   // a full-width final digit
        ]
        for upn in lookAlikes {
            let r = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Kay", last: "Alike", upn: upn))
            let scalars = upn.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")
            #expect(r.status == 422, "\(scalars): \(r.body)")
            let p = Self.pointers(r.body)
            #expect(p == ["/child/upn"], "\(scalars): \(p)")
            #expect(Self.warnings(r.body).isEmpty)
        }
        let list = await f.send("GET", "/v1/referrals")
        #expect(Self.items(list.body).isEmpty, "no look-alike UPN was stored: \(list.body)")
        let search = await f.send("GET", "/v1/children?last_name=Alike")
        #expect(Self.items(search.body).isEmpty, "no child was recorded: \(search.body)")
        await f.database.shutdown()
    }

    // MARK: 3. Who may refer as what

    @Test func schoolAndAgencyClientsReferOnlyAsThemselves() async throws {
        let f = try await SecurityFixture.casework("val_sources")
        // A school client for another school's URN: 403.
        let otherURN = """
            {"source": {"kind": "school", "school_urn": "106999"},
             "child": {"first_name": "Ann", "last_name": "Other", "date_of_birth": "2014-05-06"}, "reason": "moved_no_destination"}
            """
        let forbidden = await f.send("POST", "/v1/referrals", .school, json: otherURN)
        #expect(forbidden.status == 403, "\(forbidden.body)")

        // A school client as the public: 422 at /source/kind.
        let asPublic = await f.send("POST", "/v1/referrals", .school, json: SecurityFixture.referralJSON(kind: "public"))
        #expect(asPublic.status == 422, "\(asPublic.body)")
        let pPublic = Self.pointers(asPublic.body)
        #expect(pPublic == ["/source/kind"], "\(pPublic)")

        // A school client without its URN: 422 at /source/school_urn.
        let noURN = await f.send("POST", "/v1/referrals", .school, json: """
            {"source": {"kind": "school"},
             "child": {"first_name": "Ann", "last_name": "Other", "date_of_birth": "2014-05-06"}, "reason": "moved_no_destination"}
            """)
        #expect(noURN.status == 422, "\(noURN.body)")
        let pNoURN = Self.pointers(noURN.body)
        #expect(pNoURN == ["/source/school_urn"], "\(pNoURN)")

        // A school client with its own URN in full-width digits: not the same identifier, 422.
        let wideURN = await f.send("POST", "/v1/referrals", .school, json: """
            {"source": {"kind": "school", "school_urn": "\u{FF11}\u{FF10}\u{FF16}\u{FF19}\u{FF13}\u{FF14}"},
             "child": {"first_name": "Ann", "last_name": "Other", "date_of_birth": "2014-05-06"}, "reason": "moved_no_destination"}
            """)
        #expect(wideURN.status == 422, "\(wideURN.body)")
        let pWide = Self.pointers(wideURN.body)
        #expect(pWide == ["/source/school_urn"], "\(pWide)")

        // An agency client as a school: 422 at /source/kind.
        let agencyAsSchool = await f.send("POST", "/v1/referrals", .agency, json: SecurityFixture.referralJSON(kind: "school"))
        #expect(agencyAsSchool.status == 422, "\(agencyAsSchool.body)")
        let pAgency = Self.pointers(agencyAsSchool.body)
        #expect(pAgency == ["/source/kind"], "\(pAgency)")

        // Nothing was stored.
        let list = await f.send("GET", "/v1/referrals")
        #expect(Self.items(list.body).isEmpty, "\(list.body)")

        // The controls: each as itself is taken.
        let school = await f.send("POST", "/v1/referrals", .school, json: SecurityFixture.referralJSON(kind: "school"))
        #expect(school.status == 201, "\(school.body)")
        let agency = await f.send("POST", "/v1/referrals", .agency, json: SecurityFixture.referralJSON(first: "Bea", kind: "agency"))
        #expect(agency.status == 201, "\(agency.body)")
        await f.database.shutdown()
    }

    // MARK: 4. Query parameters and path ids

    @Test func badQueryParametersAre400AndIdsThatAreNotUUIDsAre404() async throws {
        let f = try await SecurityFixture.casework("val_query")
        let bad = [
            "/v1/referrals?status=bogus", "/v1/referrals?source_kind=x", "/v1/referrals?limit=0", "/v1/referrals?limit=201",
            "/v1/referrals?limit=-1", "/v1/referrals?limit=ten", "/v1/referrals?cursor=%%%",
            "/v1/cases?status=nope", "/v1/cases?risk_flag=x", "/v1/cases?overdue=yes", "/v1/cases?limit=0",
            "/v1/tasks?kind=x", "/v1/tasks?case_id=not-a-uuid", "/v1/tasks?status=done", "/v1/tasks?overdue=1",
            "/v1/enquiries?status=closed", "/v1/enquiries?overdue=maybe",
        ]
        for target in bad {
            let r = await f.send("GET", target)
            #expect(r.status == 400, "\(target): \(r.status) \(r.body)")
        }
        // The controls: the same parameters with good values are 200.
        let good = [
            "/v1/referrals?status=received&source_kind=public&limit=200", "/v1/referrals?limit=1",
            "/v1/cases?status=open&risk_flag=looked_after&overdue=false", "/v1/tasks?kind=triage_referral&case_id=\(UUID().uuidString.lowercased())",
            "/v1/enquiries?status=answered&overdue=true",
        ]
        for target in good {
            let r = await f.send("GET", target)
            #expect(r.status == 200, "\(target): \(r.status) \(r.body)")
        }

        for (method, target) in [("GET", "/v1/cases/123"), ("GET", "/v1/referrals/abc"), ("POST", "/v1/tasks/xyz/complete"),
                                 ("GET", "/v1/enquiries/1"), ("POST", "/v1/referrals/abc/decision")] {
            let r = await f.send(method, target, json: method == "POST" ? "{}" : nil, ifMatch: method == "POST" ? "\"1\"" : nil)
            #expect(r.status == 404, "\(method) \(target): \(r.status) \(r.body)")
        }
        await f.database.shutdown()
    }

    // MARK: 5. Preconditions

    @Test func aDecisionChecksIfMatchBeforeTheBodyAndARefusalChangesNothing() async throws {
        let f = try await SecurityFixture.casework("val_decision_pre")
        let id = try await f.referral()
        let path = "/v1/referrals/\(id)/decision"

        func unchanged(_ label: String) async {
            let r = await f.send("GET", "/v1/referrals/\(id)")
            #expect(r.status == 200)
            let etag = r.headers["ETag"]
            #expect(etag == "\"1\"", "\(label): the referral changed to \(etag ?? "nil")")
            #expect(r.body["status"] as? String == "received", "\(label)")
            let openTriage = await f.send("GET", "/v1/tasks?kind=triage_referral&status=open")
            #expect(Self.items(openTriage.body).count == 1, "\(label): the triage task is still open")
        }

        let noIfMatchBad = await f.send("POST", path, json: "{")
        #expect(noIfMatchBad.status == 428, "\(noIfMatchBad.body)")
        await unchanged("428 with malformed body")

        let noIfMatch = await f.send("POST", path, json: #"{"decision": "accept"}"#)
        #expect(noIfMatch.status == 428, "\(noIfMatch.body)")
        await unchanged("428")

        let staleBad = await f.send("POST", path, json: "{", ifMatch: "\"7\"")
        #expect(staleBad.status == 412, "\(staleBad.body)")
        await unchanged("412 with malformed body")

        let staleInvalid = await f.send("POST", path, json: #"{"decision": "maybe"}"#, ifMatch: "\"7\"")
        #expect(staleInvalid.status == 412, "\(staleInvalid.body)")
        await unchanged("412 with invalid body")

        let weak = await f.send("POST", path, json: #"{"decision": "accept"}"#, ifMatch: "W/\"1\"")
        #expect(weak.status == 412, "a weak ETag is not a match: \(weak.body)")
        await unchanged("412 weak")

        let maybe = await f.send("POST", path, json: #"{"decision": "maybe"}"#, ifMatch: "\"1\"")
        #expect(maybe.status == 422, "\(maybe.body)")
        let pMaybe = Self.pointers(maybe.body)
        #expect(pMaybe == ["/decision"], "\(pMaybe)")
        await unchanged("422 decision")

        let rejectNoReason = await f.send("POST", path, json: #"{"decision": "reject"}"#, ifMatch: "\"1\"")
        #expect(rejectNoReason.status == 422, "\(rejectNoReason.body)")
        let pReject = Self.pointers(rejectNoReason.body)
        #expect(pReject == ["/reason"], "\(pReject)")
        await unchanged("422 reject")

        let rejectBadReason = await f.send("POST", path, json: #"{"decision": "reject", "reason": "bored"}"#, ifMatch: "\"1\"")
        #expect(rejectBadReason.status == 422, "\(rejectBadReason.body)")
        let pRejectBad = Self.pointers(rejectBadReason.body)
        #expect(pRejectBad == ["/reason"], "\(pRejectBad)")
        await unchanged("422 reject reason")

        let linkNoCase = await f.send("POST", path, json: #"{"decision": "link"}"#, ifMatch: "\"1\"")
        #expect(linkNoCase.status == 422, "\(linkNoCase.body)")
        let pLink = Self.pointers(linkNoCase.body)
        #expect(pLink == ["/case_id"], "\(pLink)")
        await unchanged("422 link")

        let linkUnknownCase = await f.send("POST", path, json: "{\"decision\": \"link\", \"case_id\": \"\(UUID().uuidString.lowercased())\"}",
                                           ifMatch: "\"1\"")
        #expect(linkUnknownCase.status == 422, "\(linkUnknownCase.body)")
        let pLinkUnknown = Self.pointers(linkUnknownCase.body)
        #expect(pLinkUnknown == ["/case_id"], "\(pLinkUnknown)")
        await unchanged("422 link unknown case")

        let notObject = await f.send("POST", path, json: "[]", ifMatch: "\"1\"")
        #expect(notObject.status == 422, "\(notObject.body)")
        await unchanged("422 array")

        // The control: the right ETag and a valid body decide it, once.
        let accepted = await f.send("POST", path, json: #"{"decision": "accept"}"#, ifMatch: "\"1\"")
        #expect(accepted.status == 200, "\(accepted.body)")
        #expect(accepted.headers["ETag"] == "\"2\"")
        let cases = await f.send("GET", "/v1/cases")
        #expect(Self.items(cases.body).count == 1, "exactly one case opened: \(cases.body)")
        await f.database.shutdown()
    }

    @Test func aCasePatchChecksIfMatchBeforeTheBodyAndARefusalChangesNothing() async throws {
        let f = try await SecurityFixture.casework("val_patch_pre")
        let caseID = try await f.openCase()
        let path = "/v1/cases/\(caseID)"
        let etag = await f.etag(ofCase: caseID)
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""), "a strong ETag: \(etag)")
        let version = String(etag.dropFirst().dropLast())

        func unchanged(_ label: String) async {
            let r = await f.send("GET", path)
            #expect(r.status == 200)
            let now = r.headers["ETag"]
            #expect(now == etag, "\(label): the case changed from \(etag) to \(now ?? "nil")")
            #expect(r.body["status"] as? String == "open", "\(label)")
            #expect(r.body["assigned_officer"] is NSNull, "\(label): \(r.body["assigned_officer"] ?? "absent")")
            let first = (r.body["child"] as? [String: Any])?["first_name"] as? String
            #expect(first == "Ada", "\(label)")
        }

        let noIfMatchBad = await f.send("PATCH", path, json: "{")
        #expect(noIfMatchBad.status == 428, "\(noIfMatchBad.body)")
        await unchanged("428 malformed")

        let noIfMatch = await f.send("PATCH", path, json: #"{"assigned_officer": {"name": "Jo Bloggs"}}"#)
        #expect(noIfMatch.status == 428, "\(noIfMatch.body)")
        await unchanged("428")

        let staleBad = await f.send("PATCH", path, json: #"{"status": "closed"}"#, ifMatch: "\"7\"")
        #expect(staleBad.status == 412, "\(staleBad.body)")
        await unchanged("412 invalid body")

        let stale = await f.send("PATCH", path, json: #"{"assigned_officer": {"name": "Jo Bloggs"}}"#, ifMatch: "\"7\"")
        #expect(stale.status == 412, "\(stale.body)")
        await unchanged("412")

        let weak = await f.send("PATCH", path, json: #"{"assigned_officer": {"name": "Jo Bloggs"}}"#, ifMatch: "W/\(etag)")
        #expect(weak.status == 412, "a weak ETag W/\(etag) is not a match: \(weak.body)")
        await unchanged("412 weak")

        let unquoted = await f.send("PATCH", path, json: #"{"assigned_officer": {"name": "Jo Bloggs"}}"#, ifMatch: version)
        #expect(unquoted.status == 412, "an unquoted version is not the ETag: \(unquoted.body)")
        await unchanged("412 unquoted")

        let unknownKey = await f.send("PATCH", path, json: #"{"status": "closed"}"#, ifMatch: etag)
        #expect(unknownKey.status == 422, "\(unknownKey.body)")
        let pUnknown = Self.pointers(unknownKey.body)
        #expect(pUnknown == ["/status"], "\(pUnknown)")
        await unchanged("422 unknown key")

        // A valid change beside an invalid one: all or nothing.
        let mixed = await f.send("PATCH", path, json: #"{"status": "closed", "assigned_officer": {"name": "Jo Bloggs"}, "child": {"first_name": "Augusta"}}"#,
                                 ifMatch: etag)
        #expect(mixed.status == 422, "\(mixed.body)")
        let pMixed = Self.pointers(mixed.body)
        #expect(pMixed == ["/status"], "\(pMixed)")
        await unchanged("422 mixed")

        let badOfficer = await f.send("PATCH", path, json: #"{"assigned_officer": {"email": "not-an-email"}}"#, ifMatch: etag)
        #expect(badOfficer.status == 422, "\(badOfficer.body)")
        let pOfficer = Set(Self.pointers(badOfficer.body))
        #expect(pOfficer == ["/assigned_officer/name", "/assigned_officer/email"], "\(pOfficer)")
        await unchanged("422 officer")

        // The state changes need If-Match too, checked before the body.
        for action in ["locate", "transfer", "close", "reopen"] {
            let missing = await f.send("POST", "\(path)/\(action)", json: "{")
            #expect(missing.status == 428, "\(action): \(missing.body)")
            let staleAction = await f.send("POST", "\(path)/\(action)", json: "{", ifMatch: "\"99\"")
            #expect(staleAction.status == 412, "\(action): \(staleAction.body)")
            await unchanged("\(action) refused")
        }

        // The control: the right ETag and a valid patch change it, and the ETag moves.
        let ok = await f.send("PATCH", path, json: #"{"assigned_officer": {"name": "Jo Bloggs"}}"#, ifMatch: etag)
        #expect(ok.status == 200, "\(ok.body)")
        let newTag = ok.headers["ETag"]
        #expect(newTag != nil && newTag != etag, "\(newTag ?? "nil")")
        let again = await f.send("PATCH", path, json: #"{"assigned_officer": null}"#, ifMatch: etag)
        #expect(again.status == 412, "the old ETag is stale now: \(again.body)")
        await f.database.shutdown()
    }

    // MARK: 6. Idempotency

    @Test func aRepeatedIdempotencyKeyReplaysTheFirstAnswer() async throws {
        let f = try await SecurityFixture.casework("val_idem")
        let body = SecurityFixture.referralJSON(first: "Henrietta", last: "Leavitt")
        let first = await f.send("POST", "/v1/referrals", json: body, headers: ["Idempotency-Key": "k1"])
        #expect(first.status == 201, "\(first.body)")
        #expect(first.headers["Idempotent-Replayed"] == nil)
        let id = try #require(first.body["id"] as? String)

        let second = await f.send("POST", "/v1/referrals", json: body, headers: ["Idempotency-Key": "k1"])
        #expect(second.status == first.status, "\(second.body)")
        #expect(second.body["id"] as? String == id)
        #expect(second.headers["Idempotent-Replayed"] == "true")
        #expect(second.headers["ETag"] == first.headers["ETag"])

        let list = await f.send("GET", "/v1/referrals")
        let ids = Self.items(list.body).compactMap { $0["id"] as? String }
        #expect(ids == [id], "one referral: \(ids)")
        let triage = await f.send("GET", "/v1/tasks?kind=triage_referral")
        #expect(Self.items(triage.body).count == 1, "one triage task: \(triage.body)")

        // The same key with another body: 422, and nothing new.
        let other = await f.send("POST", "/v1/referrals", json: SecurityFixture.referralJSON(first: "Annie", last: "Cannon"),
                                 headers: ["Idempotency-Key": "k1"])
        #expect(other.status == 422, "\(other.body)")
        #expect(other.headers["Idempotent-Replayed"] == nil)
        let after = await f.send("GET", "/v1/referrals")
        let idsAfter = Self.items(after.body).compactMap { $0["id"] as? String }
        #expect(idsAfter == [id], "still one referral: \(idsAfter)")

        // A fresh key is a fresh referral.
        let fresh = await f.send("POST", "/v1/referrals", json: body, headers: ["Idempotency-Key": "k2"])
        #expect(fresh.status == 201, "\(fresh.body)")
        #expect(fresh.body["id"] as? String != id)
        #expect(fresh.headers["Idempotent-Replayed"] == nil)
        await f.database.shutdown()
    }

    // MARK: 7. Media types

    @Test func aReferralBodyMustBeAJSONObject() async throws {
        let f = try await SecurityFixture.casework("val_media")
        let body = Array(SecurityFixture.referralJSON().utf8)
        let plain = await call(f.router, "POST", "/v1/referrals",
                               headers: ["Authorization": "Bearer \(f.officer)", "Content-Type": "text/plain"], body: body)
        #expect(plain?.status == 415, "\(plain.map { String(decoding: $0.body, as: UTF8.self) } ?? "no route")")

        let untyped = await call(f.router, "POST", "/v1/referrals", headers: ["Authorization": "Bearer \(f.officer)"], body: body)
        #expect(untyped?.status == 415, "no Content-Type: \(untyped?.status ?? 0)")

        let malformed = await f.send("POST", "/v1/referrals", json: #"{"source": {"kind": "public"},"#)
        #expect(malformed.status == 400, "\(malformed.body)")

        let empty = await call(f.router, "POST", "/v1/referrals",
                               headers: ["Authorization": "Bearer \(f.officer)", "Content-Type": "application/json"], body: [])
        #expect(empty?.status == 400, "an empty body: \(empty?.status ?? 0)")

        let array = await f.send("POST", "/v1/referrals", json: "[" + SecurityFixture.referralJSON() + "]")
        #expect(array.status == 422, "\(array.body)")

        let list = await f.send("GET", "/v1/referrals")
        #expect(Self.items(list.body).isEmpty, "nothing stored: \(list.body)")

        // The control: JSON with a charset parameter is JSON.
        let charset = await call(f.router, "POST", "/v1/referrals",
                                 headers: ["Authorization": "Bearer \(f.officer)", "Content-Type": "application/json; charset=utf-8"], body: body)
        #expect(charset?.status == 201, "\(charset.map { String(decoding: $0.body, as: UTF8.self) } ?? "no route")")
        await f.database.shutdown()
    }
}

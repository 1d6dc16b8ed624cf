import Foundation
import HTTP
import Testing
import TestSupport
import CMEDomain
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// `PUT|GET /v1/admin/calendar/{academic_year}`: term dates stored and read back, every bad field at
/// once, who may do what, councils kept apart, and the audit trail.
@Suite(.serialized) struct CalendarTests {
    static let path = "/v1/admin/calendar/2025"

    /// Rotherham-like 2025-26: six half terms, closures given out of order.
    static let good = """
        {"terms": [
            {"start": "2025-09-03", "end": "2025-10-24"}, {"start": "2025-11-03", "end": "2025-12-19"},
            {"start": "2026-01-05", "end": "2026-02-13"}, {"start": "2026-02-23", "end": "2026-03-27"},
            {"start": "2026-04-13", "end": "2026-05-22"}, {"start": "2026-06-01", "end": "2026-07-22"}],
         "closures": ["2026-01-05", "2025-09-03", "2026-06-01"]}
        """

    static func pointers(_ f: SecurityFixture, _ r: Response?) -> [String] {
        ((f.object(r)["errors"] as? [[String: Any]]) ?? []).compactMap { $0["pointer"] as? String }
    }

    static func terms(_ o: [String: Any]) -> [[String]] {
        ((o["terms"] as? [[String: Any]]) ?? []).map { [$0["start"] as? String ?? "?", $0["end"] as? String ?? "?"] }
    }

    @Test func aGoodCalendarIsStoredAndReadBack() async throws {
        let f = try await SecurityFixture.make("calendar")
        #expect(await f.request("GET", Self.path, token: f.tokens[.admin])?.status == 404, "none stored yet")

        let put = try #require(await f.request("PUT", Self.path, token: f.tokens[.admin], json: Self.good))
        #expect(put.status == 200)
        #expect(put.headers["Content-Type"] == "application/json")
        let stored = f.object(put)
        #expect(stored["academic_year"] as? Int == 2025)
        #expect(Self.terms(stored) == [["2025-09-03", "2025-10-24"], ["2025-11-03", "2025-12-19"], ["2026-01-05", "2026-02-13"],
                                       ["2026-02-23", "2026-03-27"], ["2026-04-13", "2026-05-22"], ["2026-06-01", "2026-07-22"]])
        #expect(stored["closures"] as? [String] == ["2025-09-03", "2026-01-05", "2026-06-01"], "closures come back sorted")
        let updatedAt = try #require(stored["updated_at"] as? String)
        #expect(updatedAt.hasSuffix("Z") && updatedAt.count == 24, "RFC 3339 UTC with milliseconds: \(updatedAt)")

        for role in [Role.admin, .officer] {
            let get = try #require(await f.request("GET", Self.path, token: f.tokens[role]))
            #expect(get.status == 200)
            let read = f.object(get)
            #expect(read["academic_year"] as? Int == 2025)
            #expect(Self.terms(read) == Self.terms(stored))
            #expect(read["closures"] as? [String] == stored["closures"] as? [String])
            #expect(read["updated_at"] as? String == updatedAt)
        }

        // A second PUT replaces the whole year; still 200.
        let replaced = try #require(await f.request("PUT", Self.path, token: f.tokens[.admin],
                                                    json: #"{"terms": [{"start": "2025-09-01", "end": "2026-07-20"}], "closures": []}"#))
        #expect(replaced.status == 200)
        let read = f.object(await f.request("GET", Self.path, token: f.tokens[.officer]))
        #expect(Self.terms(read) == [["2025-09-01", "2026-07-20"]])
        #expect(read["closures"] as? [String] == [])

        // The edges of the year, a one-day term and 29 February of a leap year are all fine.
        let edges = await f.request("PUT", "/v1/admin/calendar/2027", token: f.tokens[.admin], json: """
            {"terms": [{"start": "2027-09-01", "end": "2027-09-01"}, {"start": "2027-09-02", "end": "2028-08-31"}],
             "closures": ["2028-02-29", "2027-09-01", "2028-08-31"]}
            """)
        #expect(edges?.status == 200)
        #expect(f.object(edges)["closures"] as? [String] == ["2027-09-01", "2028-02-29", "2028-08-31"])
        // Other years are untouched.
        #expect(await f.request("GET", "/v1/admin/calendar/2026", token: f.tokens[.admin])?.status == 404)
        #expect(Self.terms(f.object(await f.request("GET", Self.path, token: f.tokens[.admin]))) == [["2025-09-01", "2026-07-20"]])

        // What the store holds is what CMEDomain counts with.
        let row = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.calendars.find(academicYear: .init(startYear: 2027))
        }
        #expect(row?.terms.count == 2)
        #expect(row?.closures.map(\.iso8601) == ["2027-09-01", "2028-02-29", "2028-08-31"])
        await f.database.shutdown()
    }

    @Test func everyKindOfBadInputIsListedWithItsPointerInOne422() async throws {
        let f = try await SecurityFixture.make("calendar_bad")
        let admin = f.tokens[.admin]
        let bad = try #require(await f.request("PUT", Self.path, token: admin, json: """
            {"terms": [
                {"start": "2025-09-03", "end": "2025-10-24"},
                {"start": "2025-11-03", "end": "2025-10-30"},
                {"start": "2025-09-3", "end": "2025-12-19"},
                {"start": "2026-02-30", "end": "2026-03-27"},
                {"start": "2025-10-20", "end": "2025-10-31"},
                {"start": "2026-04-13", "end": "2026-09-02"},
                {"start": "2026-01-05", "end": "2026-02-13"},
                {"start": 20250901, "end": null},
                "autumn",
                {"start": "2025-08-29", "end": "2025-08-31"}],
             "closures": ["2025-10-20", "2026-09-01", "2025-10-20", "20-10-2025", 5, "2025-02-29", "2025-1２-01"]}
            """))
        #expect(bad.status == 422)
        #expect(bad.headers["Content-Type"] == "application/problem+json")
        let errors = (f.object(bad)["errors"] as? [[String: Any]]) ?? []
        func detail(_ pointer: String) -> String {
            errors.filter { $0["pointer"] as? String == pointer }.compactMap { $0["detail"] as? String }.joined(separator: " | ")
        }
        let expected: [String: String] = [
            "/terms/1/end": "ends before it starts",
            "/terms/2/start": "YYYY-MM-DD",
            "/terms/3/start": "not a day of the calendar",
            "/terms/4": "overlaps term 0",
            "/terms/5/end": "outside academic year 2025-26",
            "/terms/6/start": "list the terms in date order",
            "/terms/7/start": "must be a date string",
            "/terms/7/end": "is required",
            "/terms/8": "must be an object",
            "/terms/9/start": "outside academic year",
            "/terms/9/end": "outside academic year",
            "/closures/1": "outside academic year",
            "/closures/2": "repeats closures/0",
            "/closures/3": "YYYY-MM-DD",
            "/closures/4": "must be a date string",
            "/closures/5": "not a day of the calendar",
            "/closures/6": "YYYY-MM-DD",
        ]
        #expect(Set(Self.pointers(f, bad)) == Set(expected.keys), "\(Self.pointers(f, bad).sorted())")
        for (pointer, words) in expected {
            #expect(detail(pointer).contains(words), "\(pointer): \(detail(pointer))")
        }
        #expect(!Self.pointers(f, bad).contains("/terms/0"), "a good term is not blamed")

        // The shapes: required, arrays, at least one term, the limits.
        let empty = await f.request("PUT", Self.path, token: admin, json: "{}")
        #expect(empty?.status == 422)
        #expect(Set(Self.pointers(f, empty)) == ["/terms", "/closures"])
        let wrongTypes = await f.request("PUT", Self.path, token: admin, json: #"{"terms": "autumn", "closures": {"a": 1}}"#)
        #expect(wrongTypes?.status == 422)
        #expect(Self.pointers(f, wrongTypes).sorted() == ["/closures", "/terms"], "one error each: \(Self.pointers(f, wrongTypes))")
        let noTerms = await f.request("PUT", Self.path, token: admin, json: #"{"terms": [], "closures": []}"#)
        #expect(Self.pointers(f, noTerms) == ["/terms"])
        let term = #"{"start": "2025-09-03", "end": "2025-09-04"}"#
        let closure = #""2025-09-03""#
        let tooMany = await f.request("PUT", Self.path, token: admin, json: """
            {"terms": [\(Array(repeating: term, count: 11).joined(separator: ","))],
             "closures": [\(Array(repeating: closure, count: 101).joined(separator: ","))]}
            """)
        #expect(tooMany?.status == 422)
        #expect(Self.pointers(f, tooMany).sorted() == ["/closures", "/terms"], "the limits, not 100 repeats: \(Self.pointers(f, tooMany))")
        // Exactly at the limits is fine.
        let atLimits = await f.request("PUT", Self.path, token: admin, json: """
            {"terms": [\((0..<10).map { #"{"start": "2025-09-\#(10 + 2 * $0)", "end": "2025-09-\#(11 + 2 * $0)"}"# }.joined(separator: ","))],
             "closures": [\((0..<100).map { #""\#(CalendarDate(year: 2025, month: 10, day: 1)!.adding(days: $0).iso8601)""# }.joined(separator: ","))]}
            """)
        #expect(atLimits?.status == 200, "\(String(decoding: atLimits?.body ?? [], as: UTF8.self))")

        // Not JSON, not an object, not JSON at all.
        #expect(await f.request("PUT", "/v1/admin/calendar/2026", token: admin, json: #"{"terms": ["#)?.status == 400)
        #expect(await f.request("PUT", "/v1/admin/calendar/2026", token: admin, json: #"[{"start": "2026-09-01"}]"#)?.status == 422)
        let text = await call(f.router, "PUT", "/v1/admin/calendar/2026",
                              headers: ["Authorization": "Bearer " + admin!, "Content-Type": "text/plain"], body: Array(Self.good.utf8))
        #expect(text?.status == 415)

        // A path that is not a year we keep calendars for is 400, for PUT and GET alike.
        for year in ["25", "1999", "2101", "20255", "abcd", "2025-26", "%2B202", "02025", "٢٠٢٥"] {
            let segment = year.allSatisfy(\.isASCII) ? year : year.utf8.map { String(format: "%%%02X", $0) }.joined()
            let target = "/v1/admin/calendar/" + segment
            let put = await f.request("PUT", target, token: admin, json: Self.good)
            #expect(put?.status == 400, "PUT \(year): \(put?.status ?? 0)")
            let detail = String(decoding: put?.body ?? [], as: UTF8.self)
            #expect(detail.contains("academic_year must be the year the academic year starts"), "\(detail)")
            #expect(await f.request("GET", target, token: admin)?.status == 400, "GET \(year)")
        }
        #expect(await f.request("GET", "/v1/admin/calendar/2000", token: admin)?.status == 404, "2000 is a year, with no calendar")
        #expect(await f.request("GET", "/v1/admin/calendar/2100", token: admin)?.status == 404)

        // None of it was stored but the one good request (2025, at the limits).
        let years = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT academic_year FROM school_calendars ORDER BY 1").map { try $0.decode(Int.self, at: 0) }
        }
        #expect(years == [2025])
        await f.database.shutdown()
    }

    @Test func officersMayReadButOnlyAdminsWrite() async throws {
        let f = try await SecurityFixture.make("calendar_roles")
        #expect(await f.request("PUT", Self.path, token: f.tokens[.admin], json: Self.good)?.status == 200)
        #expect(await f.request("GET", Self.path, token: f.tokens[.officer])?.status == 200)
        let refused = try #require(await f.request("PUT", Self.path, token: f.tokens[.officer], json: Self.good))
        #expect(refused.status == 403)
        #expect(refused.headers["Content-Type"] == "application/problem+json")
        for role in [Role.school, .agency, .intake] {
            #expect(await f.request("GET", Self.path, token: f.tokens[role])?.status == 403, "\(role) GET")
            #expect(await f.request("PUT", Self.path, token: f.tokens[role], json: Self.good)?.status == 403, "\(role) PUT")
        }
        #expect(await f.request("GET", Self.path, token: nil)?.status == 401)
        #expect(await f.request("PUT", Self.path, token: nil, json: Self.good)?.status == 401)
        // The refused PUT changed nothing and wrote no audit event.
        let trail = f.object(await f.request("GET", "/v1/audit?subject=calendar:2025", token: f.tokens[.admin]))
        #expect((trail["items"] as? [Any])?.count == 1)
        await f.database.shutdown()
    }

    @Test func anotherCouncilsCalendarIs404AndItsOwnIsSeparate() async throws {
        let f = try await SecurityFixture.make("calendar_councils")
        #expect(await f.request("PUT", Self.path, token: f.tokens[.admin], json: Self.good)?.status == 200)
        let other = try #require(await f.request("GET", Self.path, token: f.otherCouncilAdmin))
        #expect(other.status == 404, "373 cannot see 372's calendar")
        #expect(!String(decoding: other.body, as: UTF8.self).contains("2025-09-03"))
        // 373 stores its own 2025-26; 372's is unchanged, and each sees only its own.
        let own = await f.request("PUT", Self.path, token: f.otherCouncilAdmin,
                                  json: #"{"terms": [{"start": "2025-09-08", "end": "2025-12-18"}], "closures": ["2025-09-08"]}"#)
        #expect(own?.status == 200)
        #expect(Self.terms(f.object(await f.request("GET", Self.path, token: f.otherCouncilAdmin))) == [["2025-09-08", "2025-12-18"]])
        let home = f.object(await f.request("GET", Self.path, token: f.tokens[.admin]))
        #expect(Self.terms(home).first == ["2025-09-03", "2025-10-24"])
        #expect(Self.terms(home).count == 6)
        #expect(home["closures"] as? [String] == ["2025-09-03", "2026-01-05", "2026-06-01"])
        await f.database.shutdown()
    }

    @Test func everyPutIsAudited() async throws {
        let f = try await SecurityFixture.make("calendar_audit")
        #expect(await f.request("PUT", Self.path, token: f.tokens[.admin], json: Self.good)?.status == 200)
        #expect(await f.request("PUT", Self.path, token: f.tokens[.admin], json: Self.good)?.status == 200)
        #expect(await f.request("PUT", Self.path, token: f.tokens[.admin], json: #"{"terms": [], "closures": []}"#)?.status == 422)
        #expect(await f.request("GET", Self.path, token: f.tokens[.officer])?.status == 200)
        let trail = try #require(await f.request("GET", "/v1/audit?subject=calendar:2025", token: f.tokens[.admin]))
        #expect(trail.status == 200)
        let items = (f.object(trail)["items"] as? [[String: Any]]) ?? []
        #expect(items.count == 2, "one event per stored PUT; none for the refused one or the read: \(items)")
        for item in items {
            #expect(item["action"] as? String == "update")
            #expect(item["subject_type"] as? String == "calendar")
            #expect(item["subject_id"] as? String == "2025")
            #expect(item["role"] as? String == "admin")
            #expect(item["client_id"] as? String == f.ids[.admin]?.uuidString.lowercased())
            #expect(item["request_id"] as? String == "test-request")
        }
        // 373's trail of calendar:2025 is its own, and empty.
        let other = f.object(await f.request("GET", "/v1/audit?subject=calendar:2025", token: f.otherCouncilAdmin))
        #expect((other["items"] as? [Any])?.isEmpty == true)
        await f.database.shutdown()
    }
}

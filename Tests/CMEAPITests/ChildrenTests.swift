import CMEDomain
import Foundation
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Child search and reading: scored candidates with reasons, names compared without case or accents,
/// only the caller's council, every child shown audited.
@Suite(.serialized) struct ChildrenTests {
    static func seed(_ f: SecurityFixture) async throws -> [String: UUID] {
        var ids: [String: UUID] = [:]
        let rows: [(String, String, String, String, String?)] = [
            ("zoe", "Zoë", "O'Brien-Smith", "2014-03-04", nil),
            ("jack", "Jack", "Smith", "2013-11-20", nil),
            ("upn", "Amelia", "Khan", "2012-06-01", "A372400126004"),
        ]
        for (key, first, last, dob, upnText) in rows {
            var row = ChildService.newRow(upn: nil, firstName: first, lastName: last, dateOfBirth: CalendarDate(dob))
            row.upn = upnText
            try await f.services.children.record(row, as: SecurityFixture.system("372"))
            ids[key] = row.id
        }
        // The same Zoë in the other council: never seen from 372.
        let twin = ChildService.newRow(upn: nil, firstName: "Zoë", lastName: "O'Brien-Smith", dateOfBirth: CalendarDate("2014-03-04"))
        try await f.services.children.record(twin, as: SecurityFixture.system("373"))
        ids["twin"] = twin.id
        return ids
    }

    func items(_ f: SecurityFixture, _ query: String) async -> [[String: Any]] {
        (f.object(await f.request("GET", "/v1/children?" + query, token: f.tokens[.officer]))["items"] as? [[String: Any]]) ?? []
    }

    @Test func candidatesAreScoredWithReasonsAcrossCaseAndAccents() async throws {
        let f = try await SecurityFixture.make("children_search")
        let ids = try await Self.seed(f)
        let exact = await items(f, "first_name=zoe&last_name=obrien%20smith&date_of_birth=2014-03-04")
        #expect(exact.first?["child_id"] as? String == ids["zoe"]!.uuidString.lowercased())
        #expect(exact.first?["reasons"] as? [String] == ["name_dob_exact"])
        #expect((exact.first?["child"] as? [String: Any])?["first_name"] as? String == "Zoë")
        #expect(!exact.contains { $0["child_id"] as? String == ids["twin"]!.uuidString.lowercased() }, "never another council's child")
        let misspelt = await items(f, "first_name=Zoe&last_name=O%27Brian-Smith&date_of_birth=2014-03-04")
        #expect(misspelt.first?["reasons"] as? [String] == ["fuzzy_name_dob"])
        let swapped = await items(f, "first_name=Zoe&last_name=OBrien-Smith&date_of_birth=2014-04-03")
        #expect(swapped.first?["reasons"] as? [String] == ["name_dob_day_month_swapped"])
        let byUPN = await items(f, "upn=A372400126004")
        #expect(byUPN.first?["child_id"] as? String == ids["upn"]!.uuidString.lowercased())
        #expect(byUPN.first?["score"] as? Double == 1)
        let byLastName = await items(f, "last_name=SMITH")
        #expect(byLastName.compactMap { $0["child_id"] as? String }.contains(ids["jack"]!.uuidString.lowercased()))
        #expect(await items(f, "last_name=Nobody&date_of_birth=2001-01-01").isEmpty)
        await f.database.shutdown()
    }

    @Test func readingAChildIsAuditedAndOtherCouncilsChildrenAre404() async throws {
        let f = try await SecurityFixture.make("children_read")
        let ids = try await Self.seed(f)
        let zoe = ids["zoe"]!.uuidString.lowercased()
        let read = try #require(await f.request("GET", "/v1/children/\(zoe)", token: f.tokens[.officer]))
        #expect(read.status == 200)
        #expect(f.object(read)["date_of_birth"] as? String == "2014-03-04")
        #expect(f.object(read)["on_roll_at"] is NSNull)
        #expect(await f.request("GET", "/v1/children/\(ids["twin"]!.uuidString)", token: f.tokens[.officer])?.status == 404)
        #expect(await f.request("GET", "/v1/children/not-a-uuid", token: f.tokens[.officer])?.status == 404)
        _ = await items(f, "upn=A372400126004")
        let trail = f.object(await f.request("GET", "/v1/audit?subject=child:\(zoe)", token: f.tokens[.admin]))
        let actions = ((trail["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
        #expect(actions == ["create", "read"])
        let searched = f.object(await f.request("GET", "/v1/audit?subject=child:\(ids["upn"]!.uuidString.lowercased())", token: f.tokens[.admin]))
        #expect(((searched["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String } == ["create", "search"])
        await f.database.shutdown()
    }

    @Test func badSearchesAre400() async throws {
        let f = try await SecurityFixture.make("children_bad")
        for query in ["", "date_of_birth=2014-02-30", "date_of_birth=14-03-2014", "upn=A37240012600", "upn=A37240012600\u{212A}".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!, "first_name=Zoe", "limit=0&last_name=x"] {
            #expect(await f.request("GET", "/v1/children?" + query, token: f.tokens[.officer])?.status == 400, "\(query)")
        }
        await f.database.shutdown()
    }
}

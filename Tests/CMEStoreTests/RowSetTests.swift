import CMEDomain
import Foundation
import Postgres
import Testing
import TestSupport
@testable import CMEStore

/// A RowSet's columns come back from `unnest` (or, for one row, from `VALUES`) as the rows they were
/// added as: every type the stores send, NULLs anywhere, an empty string that is not NULL, and text
/// that JSON would have escaped.
@Suite struct RowSetTests {
    @Test func rowsRoundTripThroughUnnest() async throws {
        let pool = PostgresPool(PostgresConfiguration(url: try await TestDatabase.makeFresh(named: "rowset"), poolSize: 1))
        defer { Task { await pool.shutdown() } }
        let ids = (0..<3).map { _ in UUID() }
        let instant = Date(timeIntervalSince1970: 1_794_216_600.123456)
        let values: [(UUID, String?, CalendarDate?, Bool, Int, String?)] = [
            (ids[0], "O'Brien \t\"Zoë\"\n\\", CalendarDate(year: 2014, month: 3, day: 4), true, -7, #"{"a": [1, "x"]}"#),
            (ids[1], nil, nil, false, 0, nil),
            (ids[2], "", CalendarDate(year: 2000, month: 2, day: 29), true, 2_000_000_000_000, "[]"),
        ]
        func rowSet(_ values: [(UUID, String?, CalendarDate?, Bool, Int, String?)]) -> RowSet {
            var rows = RowSet()
            for v in values {
                rows.row { $0.add("id", v.0); $0.add("name", v.1); $0.add("born", v.2); $0.add("flag", v.3); $0.add("n", v.4)
                           $0.add("at", instant); $0.json("doc", v.5) }
            }
            return rows
        }
        // All three rows at once (arrays, planned each run), and each alone (one row of values, prepared).
        var result: [PostgresRow] = []
        for set in [rowSet(values)] + values.map({ rowSet([$0]) }) {
            let source = set.source("x")
            #expect(source.plansEachRun == (set.count > 1))
            let rows = try await pool.query("""
                SELECT id, name, born, flag, n, at, doc::text, name IS NULL FROM \(sql: source) ORDER BY n
                """)
            #expect(rows.count == set.count)
            result += Array(rows)
        }
        #expect(result.count == 6)
        for (i, v) in values.enumerated() {
            let matching = try result.filter { try $0.decode(UUID.self, at: 0) == v.0 }
            #expect(matching.count == 2, "row \(i): once among the three, once alone")
        }
        let byID = Dictionary(try result.map { (try $0.decode(UUID.self, at: 0), [$0]) }, uniquingKeysWith: +)
        for v in values {
            for r in byID[v.0] ?? [] {
                #expect(try r.decode(String?.self, at: 1) == v.1)
                #expect(StoreCoding.date(try r.decode(PostgresDate?.self, at: 2)) == v.2)
                #expect(try r.decode(Bool.self, at: 3) == v.3)
                #expect(try r.decode(Int64.self, at: 4) == Int64(v.4))
                #expect(abs(try r.decode(Date.self, at: 5).timeIntervalSince(instant)) < 1e-6)
                #expect(try r.decode(String?.self, at: 6).map { JSONValue.parse(Array($0.utf8)) } == v.5.map { JSONValue.parse(Array($0.utf8)) })
                #expect(try r.decode(Bool.self, at: 7) == (v.1 == nil))
            }
        }
    }
}

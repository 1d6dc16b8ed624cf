import Foundation
import Postgres
import Testing

/// `text[]` (and a few other element types): NULL elements, quoting-hostile text, empty arrays.
@Suite struct ArrayCodecTests {
    static let hostile: [String?] = [
        "plain", nil, "", "NULL", "with \"quotes\"", "comma, separated", "back\\slash", "{braces}", "  spaced  ",
        "Zoë 日本 👩‍👩‍👧", "new\nline", nil,
    ]

    @Test func textArraysRoundTripWithNullsAndHostileText() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let rows = try await c.query("SELECT $1::text[], cardinality($1::text[]), ($1::text[])[2] IS NULL, ($1::text[])[4]", Self.hostile)
                #expect(try rows[0].decode([String?].self, at: 0) == Self.hostile)
                #expect(try rows[0].decode(Int.self, at: 1) == Self.hostile.count)
                #expect(try rows[0].decode(Bool.self, at: 2))
                #expect(try rows[0].decode(String.self, at: 3) == "NULL")
                // Element by element, the server sees exactly our strings.
                let unnested = try await c.query("SELECT u FROM unnest($1::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n", Self.hostile)
                #expect(try unnested.map { try $0.decode(String?.self, at: 0) } == Self.hostile)
                let plain = ["a", "b,c", "d\"e"]
                #expect(try await c.query("SELECT $1::text[]", plain)[0].decode([String].self, at: 0) == plain)
            }
        }
    }

    /// The wire bytes, written out: text arrays take a path of their own, and it must write what
    /// the general one writes.
    @Test func textArraysAreWrittenAsTheWireFormatSays() {
        func be(_ v: Int32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
        let header = be(1) + be(0) + be(25) + be(3) + be(1)   // one dimension, no NULL, text, 3 from 1
        let elements = be(1) + [0x61] + be(0) + be(2) + [0xC3, 0xA9]
        var texts: [UInt8] = []
        ["a", "", "é"].encodePostgres(into: &texts)
        #expect(texts == header + elements)
        var optionals: [UInt8] = []
        (["a", "", "é"] as [String?]).encodePostgres(into: &optionals)
        #expect(optionals == header + elements)
        var withNull: [UInt8] = []
        (["a", nil] as [String?]).encodePostgres(into: &withNull)
        #expect(withNull == be(1) + be(1) + be(25) + be(2) + be(1) + be(1) + [0x61] + be(-1))
        var uuids: [UInt8] = []
        [UUID(uuidString: "00000000-0000-0000-0000-000000000001")!].encodePostgres(into: &uuids)
        #expect(uuids == be(1) + be(0) + be(2950) + be(1) + be(1) + be(16) + Array(repeating: 0, count: 15) + [1])
    }

    @Test func emptyArraysBothWays() async throws {
        try await withPool(size: 1) { pool in
            let row = try await pool.query("SELECT $1::text[], cardinality($1::text[]), '{}'::text[], ARRAY[]::int4[]", [String]())[0]
            #expect(try row.decode([String].self, at: 0) == [])
            #expect(try row.decode(Int.self, at: 1) == 0)
            #expect(try row.decode([String].self, at: 2) == [])
            #expect(try row.decode([Int32].self, at: 3) == [])
        }
    }

    @Test func serverBuiltArrays() async throws {
        try await withPool(size: 1) { pool in
            let row = try await pool.query("""
                SELECT ARRAY['a', NULL, 'b"c', 'd,e', 'f\\g'], '{"x y",NULL,"NULL"}'::text[],
                       ARRAY['v'::varchar], '[0:1]={7,8}'::int4[], ARRAY[[1,2],[3,4]]
                """)[0]
            #expect(try row.decode([String?].self, at: 0) == ["a", nil, "b\"c", "d,e", "f\\g"])
            #expect(try row.decode([String?].self, at: 1) == ["x y", nil, "NULL"])
            #expect(try row.decode([String].self, at: 2) == ["v"])
            #expect(try row.decode([Int32].self, at: 3) == [7, 8], "any lower bound")
            let nonOptional = await expectPostgresError { _ = try row.decode([String].self, at: 0) }
            #expect(nonOptional?.kind == .decoding)
            #expect(nonOptional?.message.contains("NULL") == true)
            let twoDimensional = await expectPostgresError { _ = try row.decode([Int32].self, at: 4) }
            #expect(twoDimensional?.message.contains("2-dimensional") == true)
            let wrongElement = await expectPostgresError { _ = try row.decode([Int].self, at: 0) }
            #expect(wrongElement?.kind == .decoding)
        }
    }

    @Test func otherElementTypes() async throws {
        try await withPool(size: 1) { pool in
            let ids = [UUID(), UUID()]
            let ints: [Int?] = [Int.min, nil, Int.max]
            let days = [PostgresDate("2024-02-29")!, .infinity]
            let row = try await pool.query("SELECT $1::uuid[], $2::int8[], $3::date[], $4::bool[]", ids, ints, days, [true, false])[0]
            #expect(try row.decode([UUID].self, at: 0) == ids)
            #expect(try row.decode([Int?].self, at: 1) == ints)
            #expect(try row.decode([PostgresDate].self, at: 2) == days)
            #expect(try row.decode([Bool].self, at: 3) == [true, false])
            let any = try await pool.query("SELECT $1 = ANY($2::text[])", "b", ["a", "b"])[0]
            #expect(try any.decode(Bool.self, at: 0))
        }
    }
}

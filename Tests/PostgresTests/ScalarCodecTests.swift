import Foundation
import Postgres
import Testing

/// Every scalar type through the real server and back, at its edges. Each value is bound as a
/// binary parameter, echoed by the server, decoded; where PostgreSQL has a text form, the server's
/// own rendering is compared too, so the value meant on the server is the value meant here.
@Suite struct ScalarCodecTests {
    /// Sends `value` as `$1::sqlType`; returns the decoded echo and the server's text of it.
    func echo<T: PostgresCodable>(_ value: T, _ sqlType: String, on connection: PostgresConnection) async throws -> (T, String?) {
        let rows = try await connection.query("SELECT $1::\(sqlType), $1::\(sqlType)::text", parameters: [value])
        #expect(rows.count == 1)
        return (try rows[0].decode(T.self, at: 0), try rows[0].decode(String?.self, at: 1))
    }

    @Test func integersAtTheirLimits() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                for v: Int16 in [.min, -1, 0, 1, .max] {
                    let (back, text) = try await echo(v, "int2", on: c)
                    #expect(back == v && text == String(v))
                }
                for v: Int32 in [.min, -1, 0, 1, .max] {
                    let (back, text) = try await echo(v, "int4", on: c)
                    #expect(back == v && text == String(v))
                }
                for v: Int64 in [.min, -1, 0, 1, .max] {
                    let (back, text) = try await echo(v, "int8", on: c)
                    #expect(back == v && text == String(v))
                }
                for v: Int in [.min, 0, .max] {
                    let (back, _) = try await echo(v, "int8", on: c)
                    #expect(back == v)
                }
                // Widening decodes: int2 and int4 columns read as Int; count(*) is int8.
                let row = try await c.query("SELECT 7::int2, (-8)::int4, count(*) FROM generate_series(1, 3)")[0]
                #expect(try row.decode(Int.self, at: 0) == 7)
                #expect(try row.decode(Int.self, at: 1) == -8)
                #expect(try row.decode(Int32.self, at: 0) == 7)
                #expect(try row.decode(Int.self, at: 2) == 3)
            }
        }
    }

    @Test func narrowingIsADecodingErrorNamingTheColumn() async throws {
        try await withPool(size: 1) { pool in
            let rows = try await pool.query("SELECT 1::int8 AS big, 'x'::text AS word")
            let narrow = await expectPostgresError { _ = try rows[0].decode(Int32.self, column: "big") }
            #expect(narrow?.kind == .decoding)
            #expect(narrow?.message.contains("\"big\"") == true)
            #expect(narrow?.message.contains("int8") == true)
            let wrong = await expectPostgresError { _ = try rows[0].decode(Int.self, column: "word") }
            #expect(wrong?.kind == .decoding)
            let missing = await expectPostgresError { _ = try rows[0].decode(Int.self, column: "nope") }
            #expect(missing?.kind == .decoding)
            let outOfRange = await expectPostgresError { _ = try rows[0].decode(Int.self, at: 5) }
            #expect(outOfRange?.kind == .decoding)
        }
    }

    @Test func booleans() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                for value in [true, false] {
                    let (back, text) = try await echo(value, "bool", on: c)
                    #expect(back == value && text == String(value))
                }
            }
        }
    }

    @Test func float8SpecialValuesSurviveBitForBit() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let cases: [(Double, String)] = [
                    (.infinity, "Infinity"), (-.infinity, "-Infinity"), (.nan, "NaN"), (-0.0, "-0"), (0, "0"),
                    (.greatestFiniteMagnitude, "1.7976931348623157e+308"), (.leastNonzeroMagnitude, "5e-324"),
                    (0.1, "0.1"), (-123.456, "-123.456"),
                ]
                for (value, serverText) in cases {
                    let (back, text) = try await echo(value, "float8", on: c)
                    #expect(back.bitPattern == value.bitPattern, "\(value)")
                    #expect(text == serverText)
                }
                let fromServer = try await c.query("SELECT 'NaN'::float8, '-Infinity'::float8, '-0'::float8, 1.5::float4")[0]
                #expect(try fromServer.decode(Double.self, at: 0).isNaN)
                #expect(try fromServer.decode(Double.self, at: 1) == -.infinity)
                #expect(try fromServer.decode(Double.self, at: 2).sign == .minus)
                #expect(try fromServer.decode(Double.self, at: 3) == 1.5)
            }
        }
    }

    @Test func textIncludingUnicodeAndEmpty() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let values = ["", "plain", "Zoë Ağaoğlu-Ñúñez", "日本語テキスト", "👩‍👩‍👧‍👦 family", "quote ' and \" and \\ backslash",
                              "line\nbreak\ttab", "\u{10FFFF}", String(repeating: "long", count: 50_000)]
                for value in values {
                    let (back, text) = try await echo(value, "text", on: c)
                    #expect(back == value && text == value)
                }
                let lengths = try await c.query("SELECT length($1::text), octet_length($1::text)", "👩‍👩‍👧‍👦")[0]
                #expect(try lengths.decode(Int.self, at: 0) == 7)
                #expect(try lengths.decode(Int.self, at: 1) == 25)
                let kinds = try await c.query("SELECT 'a'::varchar(3), 'b'::char(2), 'c'::name")[0]
                #expect(try kinds.decode(String.self, at: 0) == "a")
                #expect(try kinds.decode(String.self, at: 1) == "b ")
                #expect(try kinds.decode(String.self, at: 2) == "c")
            }
        }
    }

    @Test func uuids() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                for value in [UUID(), UUID(uuidString: "00000000-0000-0000-0000-000000000000")!,
                              UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!,
                              UUID(uuidString: "0123E4A7-89AB-4CDE-8F01-23456789ABCD")!] {
                    let (back, text) = try await echo(value, "uuid", on: c)
                    #expect(back == value && text == value.uuidString.lowercased())
                }
                let fromServer = try await c.query("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid")[0]
                #expect(try fromServer.decode(UUID.self, at: 0) == UUID(uuidString: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
            }
        }
    }

    @Test func byteaWithAllByteValuesAndEmpty() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let all = Data((0...255).map { UInt8($0) })
                for value in [all, Data(), Data([0]), Data(all.reversed())] {
                    let rows = try await c.query("SELECT $1::bytea, octet_length($1::bytea), encode($1::bytea, 'hex')", value)
                    #expect(try rows[0].decode(Data.self, at: 0) == value)
                    #expect(try rows[0].decode(Int.self, at: 1) == value.count)
                    #expect(try rows[0].decode(String.self, at: 2) == value.map { String(format: "%02x", $0) }.joined())
                }
                let fromServer = try await c.query("SELECT '\\x00ff10'::bytea")[0]
                #expect(try fromServer.decode(Data.self, at: 0) == Data([0x00, 0xFF, 0x10]))
            }
        }
    }

    @Test func jsonbAsRawText() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let input = PostgresJSONB(#"{"b": [1, 2.50, null, true], "a": "Zoë \"q\" \\ 😀", "c": {}}"#)
                let (back, text) = try await echo(input, "jsonb", on: c)
                // jsonb normalises (key order, number text kept); our decode is exactly the server's text.
                #expect(back.text == text)
                #expect(back.text == #"{"a": "Zoë \"q\" \\ 😀", "b": [1, 2.50, null, true], "c": {}}"#)
                let parsed = try JSONSerialization.jsonObject(with: Data(back.utf8)) as? [String: Any]
                #expect(parsed?["a"] as? String == "Zoë \"q\" \\ 😀")
                let json = try await c.query(#"SELECT '{"z": 1,  "a": 2}'::json, '[]'::jsonb, 'null'::jsonb"#)[0]
                #expect(try json.decode(PostgresJSONB.self, at: 0).text == #"{"z": 1,  "a": 2}"#)
                #expect(try json.decode(PostgresJSONB.self, at: 1).text == "[]")
                #expect(try json.decode(PostgresJSONB.self, at: 2).text == "null")
                let invalid = await expectPostgresError { _ = try await c.query("SELECT $1::jsonb", PostgresJSONB("{nope")) }
                #expect(invalid?.sqlState == "22P02")
            }
        }
    }

    @Test func nullsOfEveryType() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let row = try await c.query(
                    "SELECT $1::text, $2::int2, $3::int4, $4::int8, $5::bool, $6::float8, $7::numeric, $8::uuid, $9::date, $10::timestamptz, $11::jsonb, $12::bytea, $13::text[], $14::int4",
                    String?.none, Int16?.none, Int32?.none, Int?.none, Bool?.none, Double?.none, PostgresNumeric?.none,
                    UUID?.none, PostgresDate?.none, PostgresTimestamp?.none, PostgresJSONB?.none, Data?.none, [String]?.none,
                    PostgresNull())[0]
                #expect(try row.decode(String?.self, at: 0) == nil)
                #expect(try row.decode(Int16?.self, at: 1) == nil)
                #expect(try row.decode(Int32?.self, at: 2) == nil)
                #expect(try row.decode(Int?.self, at: 3) == nil)
                #expect(try row.decode(Bool?.self, at: 4) == nil)
                #expect(try row.decode(Double?.self, at: 5) == nil)
                #expect(try row.decode(PostgresNumeric?.self, at: 6) == nil)
                #expect(try row.decode(UUID?.self, at: 7) == nil)
                #expect(try row.decode(PostgresDate?.self, at: 8) == nil)
                #expect(try row.decode(Date?.self, at: 9) == nil)
                #expect(try row.decode(PostgresJSONB?.self, at: 10) == nil)
                #expect(try row.decode(Data?.self, at: 11) == nil)
                #expect(try row.decode([String]?.self, at: 12) == nil)
                #expect(try row.decode(Int32?.self, at: 13) == nil)
                for index in 0..<14 {
                    let error = await expectPostgresError { _ = try row.decode(Int.self, at: index) }
                    #expect(error?.kind == .decoding)
                }
                let nonOptional = await expectPostgresError { _ = try row.decode(String.self, at: 0) }
                #expect(nonOptional?.message.contains("unexpected NULL") == true)
                // Some values are present: an Optional decodes them.
                let present = try await c.query("SELECT $1::text", String?.some("x"))[0]
                #expect(try present.decode(String?.self, at: 0) == "x")
            }
        }
    }
}

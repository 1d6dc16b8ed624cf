import Foundation
import Postgres
import Testing

/// `numeric`: exact text both ways, huge, negative, fractional, scale, NaN and infinities.
@Suite struct NumericCodecTests {
    static let huge = "9" + String(repeating: "0123456789", count: 100) + "." + String(repeating: "9876543210", count: 50) + "1"

    @Test(arguments: [
        "0", "1", "-1", "10000", "-10000", "9999", "0.5", "-0.5", "0.0001", "0.00001", "-0.000000000000000000000000000001",
        "1.10", "1.000", "0.000", "123456789012345678901234567890.123456789012345678901234567890",
        "-99999999999999999999999999999999999999999999999999", "100000000000000000000", "3.14159265358979323846264338327950288",
        "NaN", "Infinity", "-Infinity", huge, "-" + huge,
    ])
    func roundTripsExactly(_ text: String) async throws {
        let value = try #require(PostgresNumeric(text))
        #expect(value.text == text)
        try await withPool(size: 1) { pool in
            let row = try await pool.query("SELECT $1::numeric, $1::numeric::text, $2::text::numeric", value, text)[0]
            #expect(try row.decode(PostgresNumeric.self, at: 0) == value)
            #expect(try row.decode(String.self, at: 1) == text)
            #expect(try row.decode(PostgresNumeric.self, at: 2) == value)
        }
    }

    @Test func canonicalTextAndRejectedInput() {
        #expect(PostgresNumeric("+007.50")?.text == "7.50")
        #expect(PostgresNumeric(".5")?.text == "0.5")
        #expect(PostgresNumeric("5.")?.text == "5")
        #expect(PostgresNumeric("-0.00")?.text == "0.00")
        #expect(PostgresNumeric(-42).text == "-42")
        for bad in ["", "-", ".", "1e5", "1,5", "abc", "1.2.3", " 1", "nan", "--1"] {
            #expect(PostgresNumeric(bad) == nil, "\(bad)")
        }
    }

    @Test func serverScaleIsKept() async throws {
        try await withPool(size: 1) { pool in
            let row = try await pool.query("SELECT 1.5::numeric(10,4), (-2)::numeric(5,2), 12345.678::numeric(8,0), 0.1 + 0.2")[0]
            #expect(try row.decode(PostgresNumeric.self, at: 0).text == "1.5000")
            #expect(try row.decode(PostgresNumeric.self, at: 1).text == "-2.00")
            #expect(try row.decode(PostgresNumeric.self, at: 2).text == "12346")
            #expect(try row.decode(PostgresNumeric.self, at: 3).text == "0.3")
        }
    }

    @Test func decimalWhenItFitsAndAnErrorWhenItWouldRound() async throws {
        try await withPool(size: 1) { pool in
            let money = Decimal(string: "-1234.56", locale: Locale(identifier: "en_US_POSIX"))!
            let back = try await pool.query("SELECT $1::numeric, $1::numeric::text", money)[0]
            #expect(try back.decode(Decimal.self, at: 0) == money)
            #expect(try back.decode(String.self, at: 1) == "-1234.56")
            let nan = try await pool.query("SELECT 'NaN'::numeric")[0].decode(Decimal.self, at: 0)
            #expect(nan.isNaN)
            let row = try await pool.query("SELECT $1::numeric, 'Infinity'::numeric", PostgresNumeric(Self.huge)!)[0]
            for index in 0..<2 {
                let error = await expectPostgresError { _ = try row.decode(Decimal.self, at: index) }
                #expect(error?.kind == .decoding)
            }
        }
    }
}

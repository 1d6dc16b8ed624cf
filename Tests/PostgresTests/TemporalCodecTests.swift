import Foundation
import Postgres
import Testing

/// `date` and `timestamptz` at their edges: microseconds, time zones, before 2000 (negative
/// offsets), far past (4713 BC) and future (PostgreSQL's maxima), and ±infinity.
@Suite struct TemporalCodecTests {
    @Test func datesRoundTripAndMatchTheServersText() async throws {
        let cases: [(PostgresDate, String)] = [
            (PostgresDate(year: 2000, month: 1, day: 1)!, "2000-01-01"),
            (PostgresDate(year: 1999, month: 12, day: 31)!, "1999-12-31"),
            (PostgresDate(year: 2024, month: 2, day: 29)!, "2024-02-29"),
            (PostgresDate(year: 1970, month: 1, day: 1)!, "1970-01-01"),
            (PostgresDate(year: 1, month: 1, day: 1)!, "0001-01-01"),
            (PostgresDate(year: 0, month: 12, day: 31)!, "0001-12-31 BC"),
            (PostgresDate(year: -4712, month: 1, day: 1)!, "4713-01-01 BC"),
            (PostgresDate(year: 5_874_897, month: 12, day: 31)!, "5874897-12-31"),
            (.infinity, "infinity"),
            (.negativeInfinity, "-infinity"),
        ]
        try await withPool(size: 1) { pool in
            for (date, text) in cases {
                #expect(date.description == text)
                #expect(PostgresDate(text) == date)
                let row = try await pool.query("SELECT $1::date, $1::date::text, $2::text::date", date, text)[0]
                #expect(try row.decode(PostgresDate.self, at: 0) == date)
                #expect(try row.decode(String.self, at: 1) == text)
                #expect(try row.decode(PostgresDate.self, at: 2) == date)
            }
        }
    }

    @Test func dateFieldsAndValidation() throws {
        let day = try #require(PostgresDate("2026-12-02"))
        #expect((day.year, day.month, day.day) == (2026, 12, 2))
        #expect(day.components?.year == 2026)
        #expect(day.date == Date(timeIntervalSince1970: 1_796_169_600))
        #expect(PostgresDate(Date(timeIntervalSince1970: 1_796_169_600 + 86_399.999)) == day)
        #expect(PostgresDate(Date(timeIntervalSince1970: 1_796_169_600 - 0.001)) == PostgresDate("2026-12-01"))
        #expect(PostgresDate(year: 2023, month: 2, day: 29) == nil)
        #expect(PostgresDate(year: 1900, month: 2, day: 29) == nil)
        #expect(PostgresDate(year: 2024, month: 13, day: 1) == nil)
        for bad in ["2024-1-01", "2024/01/01", "", "24-01-01", "0000-01-01 BC", "2024-01-01x", "+2024-01-01"] {
            #expect(PostgresDate(bad) == nil, "\(bad)")
        }
        #expect(PostgresDate.infinity.date == nil)
        #expect(PostgresDate.infinity.components == nil)
        #expect(!PostgresDate.negativeInfinity.isFinite)
        #expect(PostgresDate.negativeInfinity < day && day < PostgresDate.infinity)
    }

    @Test func timestampsKeepEveryMicrosecond() async throws {
        let cases: [(PostgresTimestamp, String)] = [
            (PostgresTimestamp(year: 2024, month: 6, day: 1, hour: 12, minute: 34, second: 56, microsecond: 123_456)!,
             "2024-06-01 12:34:56.123456+00"),
            (PostgresTimestamp(year: 2000, month: 1, day: 1, microsecond: 1)!, "2000-01-01 00:00:00.000001+00"),
            (PostgresTimestamp(year: 1999, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_999)!,
             "1999-12-31 23:59:59.999999+00"),
            (PostgresTimestamp(year: 1900, month: 3, day: 1, microsecond: 500_000)!, "1900-03-01 00:00:00.5+00"),
            (PostgresTimestamp(year: 1970, month: 1, day: 1)!, "1970-01-01 00:00:00+00"),
            (PostgresTimestamp(year: -4712, month: 1, day: 1)!, "4713-01-01 00:00:00+00 BC"),
            (PostgresTimestamp(year: 294_276, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_999)!,
             "294276-12-31 23:59:59.999999+00"),
            (.infinity, "infinity"),
            (.negativeInfinity, "-infinity"),
        ]
        try await withPool(size: 1) { pool in
            for (timestamp, text) in cases {
                #expect(timestamp.description == text)
                let row = try await pool.query("SELECT $1::timestamptz, $1::timestamptz::text, $2::text::timestamptz", timestamp, text)[0]
                #expect(try row.decode(PostgresTimestamp.self, at: 0) == timestamp)
                #expect(try row.decode(String.self, at: 1) == text)
                #expect(try row.decode(PostgresTimestamp.self, at: 2) == timestamp)
            }
            // One microsecond apart stays one microsecond apart.
            let a = PostgresTimestamp(year: 2026, month: 12, day: 2, hour: 8, microsecond: 1)!
            let b = PostgresTimestamp(microsecondsSince2000: a.microsecondsSince2000 + 1)
            let diff = try await pool.query("SELECT extract(microseconds FROM $2::timestamptz - $1::timestamptz)::int8", a, b)[0]
            #expect(try diff.decode(Int.self, at: 0) == 1)
        }
    }

    @Test func timeZonesAreInstantsNotWallClocks() async throws {
        try await withPool(size: 1) { pool in
            try await pool.withConnection { c in
                let show = try await c.query("SHOW TimeZone")[0]
                #expect(try show.decode(String.self, at: 0) == "UTC")
                let expected = PostgresTimestamp(year: 2024, month: 6, day: 1, hour: 7, minute: 4, second: 56, microsecond: 123_456)!
                let offsets = try await c.query("""
                    SELECT '2024-06-01 12:34:56.123456+05:30'::timestamptz,
                           '2024-06-01 03:04:56.123456-04'::timestamptz,
                           '2024-06-01 08:04:56.123456 Europe/London'::timestamptz
                    """)[0]
                for index in 0..<3 { #expect(try offsets.decode(PostgresTimestamp.self, at: index) == expected) }
                // The session time zone changes text output, never the binary instant.
                try await c.execute("SET TimeZone = 'America/New_York'")
                let row = try await c.query("SELECT $1::timestamptz, $1::timestamptz::text", expected)[0]
                #expect(try row.decode(PostgresTimestamp.self, at: 0) == expected)
                #expect(try row.decode(String.self, at: 1) == "2024-06-01 03:04:56.123456-04")
                try await c.execute("RESET TimeZone")
                // timestamp without time zone reads as UTC wall time.
                let naive = try await c.query("SELECT '2024-06-01 07:04:56.123456'::timestamp")[0]
                #expect(try naive.decode(PostgresTimestamp.self, at: 0) == expected)
            }
        }
    }

    @Test func foundationDatesRoundTripToTheMicrosecond() async throws {
        try await withPool(size: 1) { pool in
            let now = Date()
            let micros = (now.timeIntervalSince1970 * 1_000_000).rounded()
            let exact = Date(timeIntervalSince1970: micros / 1_000_000)
            let back = try await pool.query("SELECT $1::timestamptz", exact)[0].decode(Date.self, at: 0)
            #expect(PostgresTimestamp(back) == PostgresTimestamp(exact))
            #expect(abs(back.timeIntervalSince(exact)) < 0.000_001)
            let fromServer = try await pool.query("SELECT '2001-01-01 00:00:00.000001+00'::timestamptz")[0]
            #expect(try fromServer.decode(Date.self, at: 0) == Date(timeIntervalSinceReferenceDate: 0.000_001))
            let old = try await pool.query("SELECT '1850-06-15 10:00:00.25+00'::timestamptz")[0].decode(Date.self, at: 0)
            #expect(PostgresTimestamp(old).description == "1850-06-15 10:00:00.25+00")
        }
    }

    @Test func infinityCannotBeAFoundationDate() async throws {
        try await withPool(size: 1) { pool in
            let row = try await pool.query("SELECT 'infinity'::timestamptz, '-infinity'::timestamptz")[0]
            #expect(try row.decode(PostgresTimestamp.self, at: 0) == .infinity)
            for index in 0..<2 {
                let error = await expectPostgresError { _ = try row.decode(Date.self, at: index) }
                #expect(error?.kind == .decoding)
                #expect(error?.message.contains("infinity") == true)
            }
            #expect(PostgresTimestamp.infinity.date == nil)
        }
    }

    @Test func outOfRangeTimestampIsTheServersError() async throws {
        try await withPool(size: 1) { pool in
            #expect(PostgresTimestamp(year: 300_000, month: 1, day: 1) == nil, "beyond Int64 microseconds")
            let tooLate = PostgresTimestamp(microsecondsSince2000: .max - 1)
            let error = await expectPostgresError { _ = try await pool.query("SELECT $1::timestamptz", tooLate) }
            #expect(error?.sqlState == "22008")
            #expect(error?.kind == .server)
        }
    }
}

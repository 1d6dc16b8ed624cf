import Foundation
import Testing
@testable import CMEDomain

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test(arguments: ["2024-02-29", "2000-02-29", "2025-12-31", "0001-01-01", "9999-12-31"])
    func parsesRealDates(_ text: String) throws {
        let date = try #require(CalendarDate(text))
        #expect(date.iso8601 == text)
    }

    /// Every day from 1899 to 2101 is written as Foundation formats it, and read back as itself.
    @Test func writesEveryDayOfTwoCenturies() throws {
        let first = try #require(CalendarDate("1899-01-01")).dayNumber, last = try #require(CalendarDate("2101-12-31")).dayNumber
        for n in first...last {
            let date = CalendarDate(dayNumber: n)
            let text = String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
            guard date.iso8601 == text, CalendarDate(text) == date else {
                Issue.record("day \(n): \(date.iso8601) against \(text)")
                return
            }
        }
    }

    @Test(arguments: ["2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                      "2024-1-01", "2024/01/01", "20240101", " 2024-01-01", "2024-01-01T00:00", "２０２４-01-01", ""])
    func rejectsAnythingElse(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test(arguments: [("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11_017), ("2024-02-29", 19_782)])
    func dayNumbers(_ text: String, _ number: Int) {
        #expect(d(text).dayNumber == number)
        #expect(CalendarDate(dayNumber: number) == d(text))
    }

    @Test(arguments: [("2024-06-28", Weekday.friday), ("2022-12-25", .sunday), ("2021-12-25", .saturday),
                      ("1970-01-01", .thursday), ("2000-01-01", .saturday), ("2036-06-27", .friday)])
    func weekdays(_ text: String, _ weekday: Weekday) {
        #expect(d(text).weekday == weekday)
    }

    @Test func arithmeticAndOrder() {
        #expect(d("2024-02-28").adding(days: 1) == d("2024-02-29"))
        #expect(d("2023-02-28").adding(days: 1) == d("2023-03-01"))
        #expect(d("2024-12-31").adding(days: 1) == d("2025-01-01"))
        #expect(d("2025-01-01").days(since: d("2024-01-01")) == 366)
        #expect(d("2024-02-29").adding(years: 1) == d("2025-03-01"))
        #expect(d("2024-02-29").adding(years: 4) == d("2028-02-29"))
        #expect(d("2024-12-31") < d("2025-01-01"))
        #expect(d("2024-02-01") > d("2024-01-31"))
    }

    @Test func jsonRoundTrip() throws {
        let data = try JSONEncoder().encode([d("2024-02-29")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2024-02-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [d("2024-02-29")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2023-02-29"]"#.utf8)) }
    }

    static let instants: [(String, String)] = [
        ("2025-07-01T23:30:00Z", "2025-07-02"), // BST: already the next day in London
        ("2025-12-01T23:30:00Z", "2025-12-01"), // GMT
        ("2025-03-29T23:30:00Z", "2025-03-29"), // the night before BST starts
        ("2025-03-30T23:30:00Z", "2025-03-31"), // BST began at 01:00 UTC that day
        ("2025-10-25T23:30:00Z", "2025-10-26"), // still BST
        ("2025-10-26T23:30:00Z", "2025-10-26"), // GMT again from 01:00 UTC
    ]

    @Test(arguments: instants)
    func londonDateOfAnInstant(_ instant: String, _ expected: String) throws {
        let date = try #require(ISO8601DateFormatter().date(from: instant))
        #expect(CalendarDate.inLondon(at: date) == d(expected))
    }

    @Test func summerTimeRuleAgreesWithTheTimeZoneDatabase() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        // Every hour through 2024 and 2025, including both changes each year.
        var instant = try #require(ISO8601DateFormatter().date(from: "2024-01-01T00:30:00Z"))
        for _ in 0..<(2 * 366 * 24) {
            #expect(CalendarDate.britishSummerTimeOffset(at: instant) == london.secondsFromGMT(for: instant), "\(instant)")
            instant += 3_600
        }
    }
}

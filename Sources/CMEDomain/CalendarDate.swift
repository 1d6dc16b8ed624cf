import Foundation

/// A calendar date with no time of day and no time zone: the `date` of the API (`YYYY-MM-DD`).
///
/// Every statutory rule here counts whole days, so dates are kept as year, month and day and the
/// arithmetic is done on a proleptic Gregorian day count; no `TimeZone` can shift a date by one.
/// Parsing accepts years 0001-9999; arithmetic is not bounded, so callers keep dates to
/// realistic ranges (a child's lifetime, a case's deadlines).
public struct CalendarDate: Hashable, Comparable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil when the day does not exist (2023-02-29, 2024-04-31) or the year is outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, hyphens, ten characters); anything else is nil.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `dayNumber` days after 1970-01-01 (negative before it).
    public init(dayNumber: Int) {
        // Civil-from-days over 400-year eras of 146,097 days (H. Hinnant's algorithm).
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DD`, as the API writes dates.
    public var iso8601: String {
        // Written byte by byte for the years a date here has (it is a key of every batch's lookups).
        if (0...9999).contains(year) && (1...12).contains(month) && (1...31).contains(day) {
            return String(unsafeUninitializedCapacity: 10) { out in
                func digits(_ value: Int, _ width: Int, at start: Int) {
                    var v = value
                    for i in stride(from: start + width - 1, through: start, by: -1) {
                        out[i] = UInt8(0x30 + v % 10)
                        v /= 10
                    }
                }
                digits(year, 4, at: 0)
                out[4] = 0x2D
                digits(month, 2, at: 5)
                out[7] = 0x2D
                digits(day, 2, at: 8)
                return 10
            }
        }
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (ISO 4).
        let index = ((dayNumber + 3) % 7 + 7) % 7
        return Weekday(rawValue: index + 1)!
    }

    public var isWeekend: Bool { weekday == .saturday || weekday == .sunday }

    /// The date with day and month exchanged (3 April for 4 March), the usual slip between British
    /// and American order; nil when the day is over 12 or equals the month.
    public var withDayAndMonthSwapped: CalendarDate? {
        day <= 12 && day != month ? CalendarDate(year: year, month: day, day: month) : nil
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// Whole days from `other` to this date (positive when this date is later).
    public func days(since other: CalendarDate) -> Int { dayNumber - other.dayNumber }

    /// The same day `years` later; 29 February becomes 1 March in a common year.
    ///
    /// A person born on 29 February attains an age on 1 March in a common year (the usual reading
    /// in England of the Family Law Reform Act 1969 s9); the statutory rules (docs/domain.md) are silent, and no compulsory
    /// school age boundary falls between 28 February and 1 March, so either reading gives the
    /// same results here.
    public func adding(years: Int) -> CalendarDate {
        if let same = CalendarDate(year: year + years, month: month, day: day) { return same }
        return CalendarDate(year: year + years, month: 3, day: 1)!
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeap(year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year: year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The last date in `month` of `year` that falls on `weekday` (e.g. the last Friday in June).
    public static func last(_ weekday: Weekday, of month: Int, in year: Int) -> CalendarDate {
        let lastDay = CalendarDate(year: year, month: month, day: daysIn(month: month, year: year))!
        let back = (lastDay.weekday.rawValue - weekday.rawValue + 7) % 7
        return lastDay.adding(days: -back)
    }

    /// The first date in `month` of `year` that falls on `weekday` (e.g. the first Monday in May).
    public static func first(_ weekday: Weekday, of month: Int, in year: Int) -> CalendarDate {
        let firstDay = CalendarDate(year: year, month: month, day: 1)!
        let forward = (weekday.rawValue - firstDay.weekday.rawValue + 7) % 7
        return firstDay.adding(days: forward)
    }
}

extension CalendarDate: CustomStringConvertible {
    public var description: String { iso8601 }
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

/// A day of the week, numbered as ISO 8601 does (Monday 1 ... Sunday 7).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Codable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday
}

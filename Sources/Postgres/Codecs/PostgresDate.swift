import Runtime
import Foundation

/// A `date`: a calendar day, stored as PostgreSQL does (days since 2000-01-01, proleptic Gregorian).
///
/// Decision: `infinity` and `-infinity` are values (`.infinity`, `.negativeInfinity`), because
/// PostgreSQL allows them and open-ended ranges use them; `isFinite` tells them apart. Converting one
/// to `Date` gives nil, and decoding one as Foundation `Date` is an error.
///
/// `description` is PostgreSQL's own ISO text: `YYYY-MM-DD`, with ` BC` for years before 1 AD
/// (astronomical year 0 is 1 BC), and `infinity` / `-infinity`.
public struct PostgresDate: PostgresArrayElement, Hashable, Comparable, CustomStringConvertible {
    public var daysSince2000: Int32

    public init(daysSince2000: Int32) { self.daysSince2000 = daysSince2000 }

    public static let infinity = PostgresDate(daysSince2000: .max)
    public static let negativeInfinity = PostgresDate(daysSince2000: .min)

    /// Valid proleptic Gregorian dates only; `year` is astronomical (0 is 1 BC, -1 is 2 BC).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month) else { return nil }
        let days = CivilCalendar.days(year: year, month: month, day: day)
        guard let narrow = Int32(exactly: days), narrow != .max, narrow != .min else { return nil }
        self.daysSince2000 = narrow
    }

    /// Parses `YYYY-MM-DD` (optionally followed by ` BC`), `infinity` and `-infinity`.
    public init?(_ text: String) {
        switch text {
        case "infinity": self = .infinity; return
        case "-infinity": self = .negativeInfinity; return
        default: break
        }
        var body = Substring(text)
        var bc = false
        if body.hasSuffix(" BC") { bc = true; body = body.dropLast(3) }
        let fields = body.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              fields[0].count >= 4, fields[1].count == 2, fields[2].count == 2,
              let y = Int(fields[0]), let m = Int(fields[1]), let d = Int(fields[2]), y >= 0 else { return nil }
        if bc && y == 0 { return nil }
        self.init(year: bc ? 1 - y : y, month: m, day: d)
    }

    /// The UTC calendar day of `date`.
    public init(_ date: Date) {
        let seconds = date.timeIntervalSinceReferenceDate.rounded(.down) + CivilCalendar.secondsFrom2000To2001
        self.daysSince2000 = Int32(clamping: Int((seconds / 86_400).rounded(.down)))
    }

    public var isFinite: Bool { self != .infinity && self != .negativeInfinity }

    /// (astronomical year, month, day), or nil for ±infinity.
    public var components: (year: Int, month: Int, day: Int)? {
        isFinite ? CivilCalendar.civil(days: Int(daysSince2000)) : nil
    }

    /// Year, month and day of a finite date. For ±infinity they are those of the nearest finite
    /// extreme (so they never trap); check `isFinite` first when that matters.
    public var year: Int { clampedComponents.year }
    public var month: Int { clampedComponents.month }
    public var day: Int { clampedComponents.day }

    private var clampedComponents: (year: Int, month: Int, day: Int) {
        CivilCalendar.civil(days: Int(daysSince2000 == .max ? .max - 1 : daysSince2000 == .min ? .min + 1 : daysSince2000))
    }

    /// Midnight UTC of the day, or nil for ±infinity.
    public var date: Date? {
        guard isFinite else { return nil }
        return Date(timeIntervalSinceReferenceDate: Double(Int(daysSince2000) * 86_400) - CivilCalendar.secondsFrom2000To2001)
    }

    public var description: String {
        if self == .infinity { return "infinity" }
        if self == .negativeInfinity { return "-infinity" }
        let (y, m, d) = CivilCalendar.civil(days: Int(daysSince2000))
        let iso = CivilCalendar.isoDate(year: y, month: m, day: d)
        return iso.text + iso.suffix
    }

    public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool { lhs.daysSince2000 < rhs.daysSince2000 }

    public static var postgresDataType: PostgresDataType { .date }
    public static var postgresArrayDataType: PostgresDataType { .dateArray }

    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(daysSince2000) }

    public static func decodePostgres(_ cell: PostgresCell) throws -> PostgresDate {
        PostgresDate(daysSince2000: try cell.exactInteger(Int32.self, for: PostgresDate.self, accepting: .date))
    }
}

/// Proleptic Gregorian arithmetic relative to 2000-01-01 (PostgreSQL's epoch), after Howard
/// Hinnant's `days_from_civil` / `civil_from_days`; exact over PostgreSQL's whole range.
enum CivilCalendar {
    /// 2000 is a leap year: 366 days to 2001-01-01, Foundation's reference date.
    static let secondsFrom2000To2001: Double = 31_622_400
    private static let daysFrom1970To2000 = 10_957

    static func isLeap(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468 - daysFrom1970To2000
    }

    static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        Runtime.CivilCalendar.date(daysSince1970: days + daysFrom1970To2000)
    }

    /// PostgreSQL's ISO rendering: BC years are written as positive numbers with a ` BC` suffix.
    static func isoDate(year: Int, month: Int, day: Int) -> (text: String, suffix: String) {
        let shownYear = year > 0 ? year : 1 - year
        return ("\(pad(shownYear, 4))-\(pad(month, 2))-\(pad(day, 2))", year > 0 ? "" : " BC")
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

import Foundation

/// A `timestamptz` (or `timestamp`) instant, exactly as PostgreSQL stores it: whole microseconds
/// since 2000-01-01 00:00:00 UTC. No precision is lost on the way in or out (old wrappers truncated
/// to seconds; `Date`'s Double can blur microseconds far from 2001).
///
/// Decision: `infinity` and `-infinity` are values (`.infinity`, `.negativeInfinity`); `date` is nil
/// for them and decoding them as Foundation `Date` is an error. `description` is PostgreSQL's own
/// text for the value in UTC (`2024-06-01 12:34:56.123456+00`, ` BC` suffix before 1 AD).
public struct PostgresTimestamp: PostgresArrayElement, Hashable, Comparable, CustomStringConvertible {
    public var microsecondsSince2000: Int64

    public init(microsecondsSince2000: Int64) { self.microsecondsSince2000 = microsecondsSince2000 }

    public static let infinity = PostgresTimestamp(microsecondsSince2000: .max)
    public static let negativeInfinity = PostgresTimestamp(microsecondsSince2000: .min)

    /// The instant of `date`, rounded to the nearest microsecond (exact for any `Date` made from a
    /// whole number of microseconds within a few thousand years of now).
    public init(_ date: Date) {
        let micros = (date.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        self.microsecondsSince2000 = Int64(micros) + Int64(CivilCalendar.secondsFrom2000To2001) * 1_000_000
    }

    /// A UTC instant; nil when a field is out of range. `year` is astronomical (0 is 1 BC).
    public init?(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        guard let date = PostgresDate(year: year, month: month, day: day),
              (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second),
              (0..<1_000_000).contains(microsecond) else { return nil }
        let seconds = Int64(date.daysSince2000) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow, micros <= Int64.max - 1_000_000 else { return nil }
        self.microsecondsSince2000 = micros + Int64(microsecond)
    }

    public var isFinite: Bool { self != .infinity && self != .negativeInfinity }

    public var date: Date? {
        guard isFinite else { return nil }
        let sinceReference = microsecondsSince2000 - Int64(CivilCalendar.secondsFrom2000To2001) * 1_000_000
        let seconds = sinceReference.quotientAndRemainderFlooring(dividingBy: 1_000_000)
        return Date(timeIntervalSinceReferenceDate: Double(seconds.quotient) + Double(seconds.remainder) / 1_000_000)
    }

    /// UTC calendar day and time of day.
    public var components: (date: PostgresDate, hour: Int, minute: Int, second: Int, microsecond: Int)? {
        guard isFinite else { return nil }
        let (days, micros) = microsecondsSince2000.quotientAndRemainderFlooring(dividingBy: 86_400_000_000)
        let secondOfDay = Int(micros / 1_000_000)
        return (PostgresDate(daysSince2000: Int32(days)), secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60,
                Int(micros % 1_000_000))
    }

    public var description: String {
        guard let c = components, let ymd = c.date.components else {
            return self == .infinity ? "infinity" : "-infinity"
        }
        let day = CivilCalendar.isoDate(year: ymd.year, month: ymd.month, day: ymd.day)
        var text = "\(day.text) \(CivilCalendar.pad(c.hour, 2)):\(CivilCalendar.pad(c.minute, 2)):\(CivilCalendar.pad(c.second, 2))"
        if c.microsecond != 0 {
            var fraction = CivilCalendar.pad(c.microsecond, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "+00" + day.suffix
    }

    public static func < (lhs: PostgresTimestamp, rhs: PostgresTimestamp) -> Bool {
        lhs.microsecondsSince2000 < rhs.microsecondsSince2000
    }

    public static var postgresDataType: PostgresDataType { .timestamptz }
    public static var postgresArrayDataType: PostgresDataType { .timestamptzArray }

    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(microsecondsSince2000) }

    /// Reads `timestamptz` and also `timestamp` (without time zone), taken as UTC.
    public static func decodePostgres(_ cell: PostgresCell) throws -> PostgresTimestamp {
        PostgresTimestamp(microsecondsSince2000: try cell.exactInteger(Int64.self, for: PostgresTimestamp.self,
                                                                       accepting: .timestamptz, .timestamp))
    }
}

extension Int64 {
    /// Division rounding towards negative infinity, so instants before 2000 split into a day and a
    /// non-negative time of day.
    func quotientAndRemainderFlooring(dividingBy divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var (q, r) = quotientAndRemainder(dividingBy: divisor)
        if r < 0 { q -= 1; r += divisor }
        return (q, r)
    }
}

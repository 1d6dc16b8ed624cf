import Foundation

/// Instants as the API writes them: RFC 3339 in UTC with milliseconds, `2026-11-04T10:00:00.000Z`.
/// Computed with integer arithmetic: Foundation's `ISO8601DateFormatter` builds an ICU formatter per
/// instance, which cost more than the rest of a case's JSON.
public enum Timestamp {
    public static func rfc3339(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let ms = millis - days * 86_400_000
        // Civil date from days since 1970-01-01 (the proleptic Gregorian calendar).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ value: Int64, _ width: Int) {
            var v = value
            var buffer = [UInt8](repeating: 0x30, count: width)
            for i in stride(from: width - 1, through: 0, by: -1) {
                buffer[i] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            out += buffer
        }
        digits(year, 4); out.append(0x2D); digits(month, 2); out.append(0x2D); digits(day, 2); out.append(0x54)
        digits(ms / 3_600_000, 2); out.append(0x3A); digits(ms / 60_000 % 60, 2); out.append(0x3A); digits(ms / 1000 % 60, 2)
        out.append(0x2E); digits(ms % 1000, 3); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }
}

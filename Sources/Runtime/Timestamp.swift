import Foundation

/// Instants as the API writes them: RFC 3339 in UTC with milliseconds, `2026-11-04T10:00:00.000Z`.
/// Computed with integer arithmetic: Foundation's `ISO8601DateFormatter` builds an ICU formatter per
/// instance, which cost more than the rest of a case's JSON.
public enum Timestamp {
    public static func rfc3339(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let ms = millis - days * 86_400_000
        let (y, m, d) = CivilCalendar.date(daysSince1970: Int(days))
        let (year, month, day) = (Int64(y), Int64(m), Int64(d))
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

import Foundation

extension CalendarDate {
    /// The calendar date in England at `instant`: the API counts a notice's "received" date in
    /// Europe/London (docs/roll-notifications.md), so a notice posted at 23:30 UTC in summer was received the
    /// next day.
    public static func inLondon(at instant: Date) -> CalendarDate {
        let offset: Int
        if let london = TimeZone(identifier: "Europe/London") {
            offset = london.secondsFromGMT(for: instant)
        } else {
            // No tz database on this machine: apply the UK rule directly.
            offset = britishSummerTimeOffset(at: instant)
        }
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        return CalendarDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// The UTC calendar date of `instant`.
    public static func inUTC(at instant: Date) -> CalendarDate {
        CalendarDate(dayNumber: Int((instant.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// Seconds ahead of UTC in the UK at `instant` under the Summer Time Order 2002: British Summer
    /// Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
    /// October.
    static func britishSummerTimeOffset(at instant: Date) -> Int {
        let utc = CalendarDate.inUTC(at: instant)
        let start = CalendarDate.last(.sunday, of: 3, in: utc.year)
        let end = CalendarDate.last(.sunday, of: 10, in: utc.year)
        let seconds = instant.timeIntervalSince1970
        let startInstant = Double(start.dayNumber * 86_400 + 3_600)
        let endInstant = Double(end.dayNumber * 86_400 + 3_600)
        return seconds >= startInstant && seconds < endInstant ? 3_600 : 0
    }
}

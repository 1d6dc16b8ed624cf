/// How late a statutory notice was received, against the policy's deadline (docs/roll-notifications.md). A
/// late notice is never refused: it is stored and flagged with this.
public struct Lateness: Hashable, Sendable {
    public let isLate: Bool
    /// 0 when on time.
    public let schoolDaysLate: Int
    public let calendarApproximate: Bool

    public init(isLate: Bool, schoolDaysLate: Int, calendarApproximate: Bool) {
        self.isLate = isLate
        self.schoolDaysLate = schoolDaysLate
        self.calendarApproximate = calendarApproximate
    }

    /// An addition is late when received more than `deadlineSchoolDays` school days after its
    /// event date (Regulation 13: within 5 days of entering the name). School days are counted
    /// over (event_date, received_date].
    public static func ofAddition(eventDate: CalendarDate, receivedOn: CalendarDate, deadlineSchoolDays: Int,
                                  calendar: SchoolCalendar) -> Lateness {
        let elapsed = calendar.schoolDays(between: eventDate, and: receivedOn)
        let late = max(0, elapsed.value - deadlineSchoolDays)
        return Lateness(isLate: late > 0, schoolDaysLate: late, calendarApproximate: elapsed.isApproximate)
    }

    /// A removal is late when received after its event date: the ground must be reported no later
    /// than the deletion (Regulation 13). `schoolDaysLate` counts school days over
    /// (event_date, received_date], so a removal dated Friday and received on Saturday is late
    /// with 0 school days late.
    public static func ofRemoval(eventDate: CalendarDate, receivedOn: CalendarDate, calendar: SchoolCalendar) -> Lateness {
        let elapsed = calendar.schoolDays(between: eventDate, and: receivedOn)
        return Lateness(isLate: receivedOn > eventDate, schoolDaysLate: elapsed.value, calendarApproximate: elapsed.isApproximate)
    }
}

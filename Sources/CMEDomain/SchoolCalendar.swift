/// A figure computed from school days, with whether it is approximate: computed for a day outside
/// every academic year whose term dates the council has loaded (docs/domain.md, "School days"). The API reports
/// `calendar_approximate` from `isApproximate`.
public struct SchoolDayFigure<Value: Sendable>: Sendable {
    public let value: Value
    public let isApproximate: Bool

    public init(value: Value, isApproximate: Bool) {
        self.value = value
        self.isApproximate = isApproximate
    }
}

extension SchoolDayFigure: Equatable where Value: Equatable {}
extension SchoolDayFigure: Hashable where Value: Hashable {}

/// Which days are school days for a council: its loaded term dates per academic year, and outside
/// them the default calendar, weekdays minus England and Wales bank holidays, flagged approximate.
public struct SchoolCalendar: Hashable, Sendable {
    public let termDates: [AcademicYear: TermDates]

    /// The calendar of a council that has loaded no term dates: every answer is approximate.
    public static let approximate = SchoolCalendar(termDates: [])

    public init(termDates: [TermDates]) {
        var byYear: [AcademicYear: TermDates] = [:]
        for year in termDates { byYear[year.academicYear] = year }
        self.termDates = byYear
    }

    public func isSchoolDay(_ date: CalendarDate) -> SchoolDayFigure<Bool> {
        if let configured = termDates[AcademicYear.containing(date)] {
            return SchoolDayFigure(value: configured.isSchoolDay(date), isApproximate: false)
        }
        return SchoolDayFigure(value: WorkingDays.isWorkingDay(date), isApproximate: true)
    }

    /// School days in (start, end]: from the day after `start` through `end`, the way lateness is
    /// counted (docs/roll-notifications.md: "over (event_date, received_date]"). Zero when `end` is not after
    /// `start`.
    public func schoolDays(between start: CalendarDate, and end: CalendarDate) -> SchoolDayFigure<Int> {
        guard end > start else {
            // No day is counted; the figure is exact only if the day in question is configured.
            return SchoolDayFigure(value: 0, isApproximate: termDates[AcademicYear.containing(start)] == nil)
        }
        var count = 0
        var approximate = false
        var day = start.adding(days: 1)
        while day <= end {
            let answer = isSchoolDay(day)
            if answer.value { count += 1 }
            approximate = approximate || answer.isApproximate
            day = day.adding(days: 1)
        }
        return SchoolDayFigure(value: count, isApproximate: approximate)
    }

    /// The `count`-th school day after `date` (`date` itself when `count` is 0): an expected
    /// arrival due 10 school days after a removal is `date(adding: 10, schoolDaysTo: removal)`.
    public func date(adding count: Int, schoolDaysTo date: CalendarDate) -> SchoolDayFigure<CalendarDate> {
        precondition(count >= 0, "count school days forward only")
        var day = date
        var remaining = count
        var approximate = count == 0 && termDates[AcademicYear.containing(date)] == nil
        while remaining > 0 {
            day = day.adding(days: 1)
            let answer = isSchoolDay(day)
            approximate = approximate || answer.isApproximate
            if answer.value { remaining -= 1 }
        }
        return SchoolDayFigure(value: day, isApproximate: approximate)
    }
}

/// A period a council's procedure is written in, kept in the council's own unit (school days,
/// working days or weeks) rather than converted, so the policy reads as the council wrote it.
public struct PolicyPeriod: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The unit a council counts the period in.
    public enum Unit: String, Hashable, Sendable, Codable, CaseIterable {
        /// Days the school is open (the council's term dates, else approximate).
        case schoolDays = "school_days"
        /// Monday to Friday except bank holidays.
        case workingDays = "working_days"
        /// Calendar weeks of 7 days.
        case weeks
    }

    public let count: Int
    public let unit: Unit

    public init(_ count: Int, _ unit: Unit) {
        self.count = count
        self.unit = unit
    }

    public static func schoolDays(_ count: Int) -> PolicyPeriod { PolicyPeriod(count, .schoolDays) }
    public static func workingDays(_ count: Int) -> PolicyPeriod { PolicyPeriod(count, .workingDays) }
    public static func weeks(_ count: Int) -> PolicyPeriod { PolicyPeriod(count, .weeks) }

    /// The date this period ends when it starts after `date`: e.g. an enquiry sent on `date` with
    /// a period of 10 working days is due on the 10th working day after it. Only a school-day
    /// period can be approximate.
    public func end(after date: CalendarDate, calendar: SchoolCalendar) -> SchoolDayFigure<CalendarDate> {
        switch unit {
        case .schoolDays:
            return calendar.date(adding: count, schoolDaysTo: date)
        case .workingDays:
            return SchoolDayFigure(value: WorkingDays.date(adding: count, to: date), isApproximate: false)
        case .weeks:
            return SchoolDayFigure(value: date.adding(days: 7 * count), isApproximate: false)
        }
    }

    public var description: String {
        switch unit {
        case .schoolDays: return "\(count) school day\(count == 1 ? "" : "s")"
        case .workingDays: return "\(count) working day\(count == 1 ? "" : "s")"
        case .weeks: return "\(count) week\(count == 1 ? "" : "s")"
        }
    }
}

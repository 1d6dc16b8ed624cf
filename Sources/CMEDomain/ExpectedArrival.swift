/// When a child removed to a named school is expected to arrive there.
public enum ExpectedArrival {
    /// Due `schoolDays` school days after the later of the removal's event date and the
    /// destination's start date (docs/roll-notifications.md).
    public static func dueDate(removalDate: CalendarDate, destinationStartDate: CalendarDate?, schoolDays: Int,
                               calendar: SchoolCalendar) -> SchoolDayFigure<CalendarDate> {
        let from = max(removalDate, destinationStartDate ?? removalDate)
        return calendar.date(adding: schoolDays, schoolDaysTo: from)
    }

    /// Whether an addition at the destination school fulfils the expected arrival: the same UPN,
    /// or the same name and date of birth (docs/roll-notifications.md). A fuzzy match is
    /// left to an officer; it never confirms an arrival on its own.
    public static func isFulfilled(removed: ChildRecord, by added: ChildRecord) -> Bool {
        let reasons = ChildMatching.match(removed, added).reasons
        return reasons.contains(.upnExact) || reasons.contains(.nameAndDateOfBirthExact)
    }
}

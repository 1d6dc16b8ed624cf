/// One term or half-term of a school year: the first and last days pupils attend, inclusive.
public struct Term: Hashable, Sendable, Codable {
    public let start: CalendarDate
    public let end: CalendarDate

    public init(start: CalendarDate, end: CalendarDate) {
        self.start = start
        self.end = end
    }

    public func contains(_ date: CalendarDate) -> Bool { date >= start && date <= end }
}

/// A council's term dates for one academic year, as loaded by `PUT /v1/admin/calendar/{year}`:
/// terms, and closure days inside them (INSET days, polling days). There is no national
/// machine-readable source of term dates (docs/domain.md, "School days"), so these are always data.
public struct TermDates: Hashable, Sendable {
    public let academicYear: AcademicYear
    public let terms: [Term]
    public let closures: Set<CalendarDate>

    /// Checks every rule at once: each term starts on or before it ends, lies within the
    /// academic year and overlaps no other; each closure lies within the academic year.
    /// Pointers are relative to the `{terms, closures}` body.
    public static func validated(academicYear: AcademicYear, terms: [Term], closures: [CalendarDate]) -> Result<TermDates, FieldErrors> {
        var errors = FieldErrors()
        let termsPointer: JSONPointer = "/terms"
        for (index, term) in terms.enumerated() {
            let pointer = termsPointer.appending(index)
            if term.start > term.end {
                errors.add(pointer.appending("end"), "ends before it starts (\(term.start))")
            }
            if !academicYear.contains(term.start) {
                errors.add(pointer.appending("start"), "is outside academic year \(academicYear) (\(academicYear.firstDay) to \(academicYear.lastDay))")
            }
            if !academicYear.contains(term.end) {
                errors.add(pointer.appending("end"), "is outside academic year \(academicYear) (\(academicYear.firstDay) to \(academicYear.lastDay))")
            }
            for (otherIndex, other) in terms.enumerated() where otherIndex < index {
                if term.start <= other.end && other.start <= term.end {
                    errors.add(pointer, "overlaps term \(otherIndex)")
                }
            }
        }
        for (index, closure) in closures.enumerated() where !academicYear.contains(closure) {
            errors.add(JSONPointer(tokens: ["closures"]).appending(index), "is outside academic year \(academicYear)")
        }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(TermDates(academicYear: academicYear, terms: terms.sorted { $0.start < $1.start }, closures: Set(closures)))
    }

    /// A school day of a configured year: inside a term, a weekday, not a closure day and not a
    /// bank holiday. Bank holidays are excluded even inside a term because schools in England
    /// close on them and councils rarely list them among closures (e.g. early May in the summer
    /// term).
    public func isSchoolDay(_ date: CalendarDate) -> Bool {
        !date.isWeekend && !closures.contains(date) && terms.contains { $0.contains(date) }
            && !BankHolidays.isBankHoliday(date)
    }
}

import Testing
import CMEDomain

@Suite("School calendar (docs/domain.md, School days)")
struct SchoolCalendarTests {
    // The default calendar: weekdays minus bank holidays, always approximate.
    static let defaultAdding: [(from: String, days: Int, to: String)] = [
        ("2022-12-23", 1, "2022-12-28"), // Christmas 2022 on a Sunday: 26th and 27th off
        ("2021-12-24", 1, "2021-12-29"), // Christmas 2021 on a Saturday: 27th and 28th off
        ("2027-12-24", 1, "2027-12-29"), // Christmas 2027 on a Saturday
        ("2021-12-31", 1, "2022-01-04"), // New Year 2022 on a Saturday: Monday 3rd off
        ("2025-04-17", 1, "2025-04-22"), // Good Friday and Easter Monday
        ("2020-05-07", 1, "2020-05-11"), // VE Day Friday 8 May 2020
        ("2020-05-01", 1, "2020-05-04"), // ... so Monday 4 May 2020 was an ordinary day
        ("2022-06-01", 1, "2022-06-06"), // Platinum Jubilee Thursday and Friday
        ("2022-05-27", 1, "2022-05-30"), // ... so the last Monday of May 2022 was ordinary
        ("2022-09-16", 1, "2022-09-20"), // state funeral
        ("2023-05-05", 1, "2023-05-09"), // coronation Monday 8 May after early May Monday 1 May
        ("2025-09-05", 0, "2025-09-05"),
        ("2025-09-06", 0, "2025-09-06"), // zero days from a Saturday is the Saturday
        ("2025-09-08", 10, "2025-09-22"),
    ]

    @Test(arguments: defaultAdding)
    func defaultCalendarAdding(_ from: String, _ days: Int, _ to: String) {
        let result = SchoolCalendar.approximate.date(adding: days, schoolDaysTo: d(from))
        #expect(result.value == d(to))
        #expect(result.isApproximate)
    }

    static let defaultCounting: [(after: String, through: String, days: Int)] = [
        ("2022-12-23", "2022-12-30", 3),
        ("2027-12-24", "2027-12-31", 3),
        ("2025-04-17", "2025-04-22", 1),
        ("2025-04-17", "2025-04-17", 0),
        ("2025-04-22", "2025-04-17", 0),
        ("2025-09-05", "2025-09-06", 0), // Friday to Saturday
        ("2025-09-05", "2025-09-08", 1),
        ("2024-12-31", "2025-12-31", 253), // 2025: 261 weekdays minus 8 bank holidays
    ]

    @Test(arguments: defaultCounting)
    func defaultCalendarCounting(_ after: String, _ through: String, _ days: Int) {
        let result = SchoolCalendar.approximate.schoolDays(between: d(after), and: d(through))
        #expect(result.value == days)
        #expect(result.isApproximate)
    }

    // A configured year, shaped like a council's published term dates for 2025-26: six half-terms,
    // INSET days on 3 Nov and 5 Jan; Easter falls in the holiday, early May in the summer term.
    static let termDates2025: TermDates = {
        let terms = [("2025-09-03", "2025-10-24"), ("2025-11-03", "2025-12-19"), ("2026-01-05", "2026-02-13"),
                     ("2026-02-23", "2026-03-27"), ("2026-04-13", "2026-05-22"), ("2026-06-01", "2026-07-22")]
            .map { Term(start: d($0.0), end: d($0.1)) }
        return try! TermDates.validated(academicYear: AcademicYear(startYear: 2025), terms: terms,
                                        closures: [d("2025-11-03"), d("2026-01-05")]).get()
    }()
    static let configured = SchoolCalendar(termDates: [termDates2025])

    static let configuredAdding: [(from: String, days: Int, to: String, approximate: Bool)] = [
        ("2025-10-24", 1, "2025-11-04", false), // October half-term, then an INSET day
        ("2025-12-19", 1, "2026-01-06", false), // Christmas holiday, then an INSET day
        ("2026-02-13", 1, "2026-02-23", false), // February half-term
        ("2026-03-27", 1, "2026-04-13", false), // Easter holiday (Good Friday 3 Apr, Easter Monday 6 Apr)
        ("2026-05-01", 1, "2026-05-05", false), // early May bank holiday inside the term
        ("2026-05-22", 1, "2026-06-01", false), // May half-term
        ("2025-09-01", 1, "2025-09-03", false), // before the first day of term
        ("2026-07-22", 1, "2026-09-01", true),  // summer holiday, then 2026-27, not loaded
        ("2025-08-29", 1, "2025-09-03", true),  // walked through 2024-25, not loaded
    ]

    @Test(arguments: configuredAdding)
    func configuredCalendarAdding(_ from: String, _ days: Int, _ to: String, _ approximate: Bool) {
        let result = Self.configured.date(adding: days, schoolDaysTo: d(from))
        #expect(result.value == d(to))
        #expect(result.isApproximate == approximate)
    }

    @Test func configuredCalendarCounting() {
        // 38 + 34 + 29 + 25 + 29 + 38 school days, worked from the terms above.
        let year = Self.configured.schoolDays(between: d("2025-08-31"), and: d("2026-08-31"))
        #expect(year == SchoolDayFigure(value: 193, isApproximate: false))
        let halfTerm = Self.configured.schoolDays(between: d("2025-10-23"), and: d("2025-11-05"))
        #expect(halfTerm == SchoolDayFigure(value: 3, isApproximate: false))
        let across = Self.configured.schoolDays(between: d("2026-07-21"), and: d("2026-09-01"))
        // 22 Jul in term; the summer holiday is still 2025-26; 1 Sep 2026 is in a year not loaded.
        #expect(across == SchoolDayFigure(value: 2, isApproximate: true))
    }

    @Test func configuredSchoolDays() {
        #expect(Self.configured.isSchoolDay(d("2025-09-02")) == SchoolDayFigure(value: false, isApproximate: false))
        #expect(Self.configured.isSchoolDay(d("2025-09-03")) == SchoolDayFigure(value: true, isApproximate: false))
        #expect(Self.configured.isSchoolDay(d("2025-11-03")) == SchoolDayFigure(value: false, isApproximate: false))
        #expect(Self.configured.isSchoolDay(d("2025-10-27")) == SchoolDayFigure(value: false, isApproximate: false))
        #expect(Self.configured.isSchoolDay(d("2026-09-01")) == SchoolDayFigure(value: true, isApproximate: true))
        #expect(Self.configured.isSchoolDay(d("2026-08-31")) == SchoolDayFigure(value: false, isApproximate: false))
    }

    @Test func termDatesAreValidatedAllAtOnce() {
        let terms = [Term(start: d("2025-09-03"), end: d("2025-09-01")),   // ends before it starts
                     Term(start: d("2025-08-20"), end: d("2025-10-24")),   // starts in the previous year, overlaps 0
                     Term(start: d("2026-06-01"), end: d("2026-09-02"))]   // ends in the next year
        let result = TermDates.validated(academicYear: AcademicYear(startYear: 2025), terms: terms, closures: [d("2026-09-01")])
        guard case .failure(let errors) = result else { Issue.record("accepted bad term dates"); return }
        #expect(errors.pointers == ["/terms/0/end", "/terms/1/start", "/terms/1", "/terms/2/end", "/closures/0"])
    }

    @Test func academicYears() {
        #expect(AcademicYear.containing(d("2025-08-31")) == AcademicYear(startYear: 2024))
        #expect(AcademicYear.containing(d("2025-09-01")) == AcademicYear(startYear: 2025))
        #expect(AcademicYear(startYear: 2025).description == "2025-26")
        #expect(AcademicYear(startYear: 2099).description == "2099-00")
    }

    // Lateness of roll notifications (docs/roll-notifications.md), on the default calendar.
    static let additions: [(event: String, received: String, late: Bool, daysLate: Int)] = [
        ("2025-09-03", "2025-09-03", false, 0),
        ("2025-09-03", "2025-09-10", false, 0), // exactly 5 school days: on time
        ("2025-09-03", "2025-09-11", true, 1),
        ("2025-09-03", "2025-09-13", true, 2), // Saturday adds nothing
        ("2025-12-19", "2025-12-31", true, 1), // 22, 23, 24, 29, 30, 31: six school days
        ("2025-09-10", "2025-09-03", false, 0), // received before the event date
    ]

    @Test(arguments: additions)
    func lateAdditions(_ event: String, _ received: String, _ late: Bool, _ daysLate: Int) {
        let lateness = Lateness.ofAddition(eventDate: d(event), receivedOn: d(received), deadlineSchoolDays: 5,
                                           calendar: .approximate)
        #expect(lateness == Lateness(isLate: late, schoolDaysLate: daysLate, calendarApproximate: true))
    }

    static let removals: [(event: String, received: String, late: Bool, daysLate: Int)] = [
        ("2025-09-05", "2025-09-05", false, 0),
        ("2025-09-05", "2025-09-04", false, 0),
        ("2025-09-05", "2025-09-06", true, 0),  // Friday's removal received on Saturday
        ("2025-09-05", "2025-09-08", true, 1),
        ("2025-12-24", "2025-12-29", true, 1),
    ]

    @Test(arguments: removals)
    func lateRemovals(_ event: String, _ received: String, _ late: Bool, _ daysLate: Int) {
        let lateness = Lateness.ofRemoval(eventDate: d(event), receivedOn: d(received), calendar: .approximate)
        #expect(lateness == Lateness(isLate: late, schoolDaysLate: daysLate, calendarApproximate: true))
    }

    @Test func lateAdditionOnAConfiguredCalendar() {
        // Added Friday 24 Oct 2025, received Wednesday 12 Nov: half-term and the 3 Nov INSET day do
        // not count, so 4-7 and 10-12 Nov are 7 school days, 2 late.
        let lateness = Lateness.ofAddition(eventDate: d("2025-10-24"), receivedOn: d("2025-11-12"), deadlineSchoolDays: 5,
                                           calendar: Self.configured)
        #expect(lateness == Lateness(isLate: true, schoolDaysLate: 2, calendarApproximate: false))
    }

    @Test func expectedArrivalIsDueAfterTheLaterDate() {
        let fromStart = ExpectedArrival.dueDate(removalDate: d("2025-09-05"), destinationStartDate: d("2025-09-08"),
                                                schoolDays: 10, calendar: .approximate)
        #expect(fromStart == SchoolDayFigure(value: d("2025-09-22"), isApproximate: true))
        let fromRemoval = ExpectedArrival.dueDate(removalDate: d("2025-10-17"), destinationStartDate: d("2025-09-08"),
                                                  schoolDays: 10, calendar: Self.configured)
        // 20-24 Oct (5), half-term, 3 Nov INSET, 4-7 Nov (4), 10 Nov (the 10th).
        #expect(fromRemoval == SchoolDayFigure(value: d("2025-11-10"), isApproximate: false))
    }
}

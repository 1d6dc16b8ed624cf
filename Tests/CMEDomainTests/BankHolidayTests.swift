import Testing
import CMEDomain

/// Expected dates are the published England and Wales bank holidays (gov.uk) for 2020-2026, and
/// for 2027-2028 the rules of the 1971 Act applied by hand.
@Suite("Bank holidays of England and Wales")
struct BankHolidayTests {
    static let years: [(year: Int, dates: [String])] = [
        (2020, ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"]),
        (2021, ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"]),
        (2022, ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29",
                "2022-09-19", "2022-12-26", "2022-12-27"]),
        (2023, ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28",
                "2023-12-25", "2023-12-26"]),
        (2024, ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"]),
        (2025, ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"]),
        (2026, ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"]),
        (2027, ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"]),
        (2028, ["2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"]),
    ]

    @Test(arguments: years)
    func holidaysOfAYear(_ year: Int, _ dates: [String]) {
        #expect(BankHolidays.holidays(in: year).map(\.date) == dates.map(d))
    }

    @Test func namesTheSubstitutes() {
        let christmas2022 = BankHolidays.holidays(in: 2022).filter { $0.date.month == 12 }
        #expect(christmas2022.map(\.holiday) == [.boxingDay, .christmasDay]) // 26th Boxing Day, 27th for Christmas
        let christmas2021 = BankHolidays.holidays(in: 2021).filter { $0.date.month == 12 }
        #expect(christmas2021.map(\.holiday) == [.christmasDay, .boxingDay])
    }

    @Test(arguments: ["2020-05-04", "2022-05-30", "2021-12-25", "2022-12-25", "2023-01-01"])
    func movedOrWeekendDaysAreNotHolidays(_ text: String) {
        #expect(!BankHolidays.isBankHoliday(d(text)))
    }

    static let easters: [(Int, String)] = [
        (1818, "1818-03-22"), (2008, "2008-03-23"), (2011, "2011-04-24"), (2019, "2019-04-21"), (2020, "2020-04-12"),
        (2021, "2021-04-04"), (2022, "2022-04-17"), (2023, "2023-04-09"), (2024, "2024-03-31"), (2025, "2025-04-20"),
        (2026, "2026-04-05"), (2027, "2027-03-28"), (2038, "2038-04-25"), (2285, "2285-03-22"),
    ]

    @Test(arguments: easters)
    func easterSunday(_ year: Int, _ expected: String) {
        #expect(BankHolidays.easterSunday(in: year) == d(expected))
    }

    @Test func workingDays() {
        // Medway's "referral within 10 working days" from Friday 19 Dec 2025: Christmas, Boxing Day
        // and New Year's Day do not count.
        #expect(WorkingDays.date(adding: 10, to: d("2025-12-19")) == d("2026-01-07"))
        #expect(WorkingDays.count(after: d("2025-12-19"), through: d("2026-01-07")) == 10)
        #expect(WorkingDays.count(after: d("2026-01-07"), through: d("2025-12-19")) == 0)
        #expect(WorkingDays.date(adding: 0, to: d("2025-12-25")) == d("2025-12-25"))
        #expect(!WorkingDays.isWorkingDay(d("2027-12-28")))
        #expect(WorkingDays.isWorkingDay(d("2027-12-29")))
    }
}

/// The bank holidays of England and Wales, computed (Banking and Financial Dealings Act 1971 and
/// the annual proclamations), so the default school calendar needs no data file.
///
/// The regular rules, with the one-off changes proclaimed since 2020. Years before 2020 are
/// computed with the regular rules only (their one-offs, e.g. 2012's jubilee, are not listed);
/// holidays not yet proclaimed for future years cannot be known.
public enum BankHolidays {
    /// Why a day is a bank holiday, for messages and tests.
    public enum Holiday: String, Sendable, Hashable, CaseIterable {
        case newYearsDay = "new_years_day"
        case goodFriday = "good_friday"
        case easterMonday = "easter_monday"
        case earlyMay = "early_may"
        case spring = "spring"
        case summer = "summer"
        case christmasDay = "christmas_day"
        case boxingDay = "boxing_day"
        case platinumJubilee = "platinum_jubilee"
        case stateFuneral = "state_funeral_of_queen_elizabeth_ii"
        case coronation = "coronation_of_king_charles_iii"
    }

    /// Every bank holiday in `year`, in date order.
    public static func holidays(in year: Int) -> [(date: CalendarDate, holiday: Holiday)] {
        var result: [(date: CalendarDate, holiday: Holiday)] = []
        func date(_ month: Int, _ day: Int) -> CalendarDate { CalendarDate(year: year, month: month, day: day)! }

        // 1 January, or the next Monday when it falls at a weekend.
        result.append((nextWeekday(onOrAfter: date(1, 1)), .newYearsDay))

        let easter = easterSunday(in: year)
        result.append((easter.adding(days: -2), .goodFriday))
        result.append((easter.adding(days: 1), .easterMonday))

        // 2020: moved to Friday 8 May for the 75th anniversary of VE Day.
        result.append((year == 2020 ? date(5, 8) : CalendarDate.first(.monday, of: 5, in: year), .earlyMay))

        if year == 2022 {
            // 2022: the spring holiday moved to Thursday 2 June, plus Friday 3 June (Platinum Jubilee).
            result.append((date(6, 2), .spring))
            result.append((date(6, 3), .platinumJubilee))
        } else {
            result.append((CalendarDate.last(.monday, of: 5, in: year), .spring))
        }

        result.append((CalendarDate.last(.monday, of: 8, in: year), .summer))
        if year == 2022 { result.append((date(9, 19), .stateFuneral)) }
        if year == 2023 { result.append((date(5, 8), .coronation)) }

        // Christmas and Boxing Day: a day that falls on a weekday is kept; one at a weekend moves
        // to the next weekday not already a holiday (so Christmas on a Sunday gives Tuesday 27th,
        // Boxing Day keeping Monday 26th).
        let christmas = date(12, 25)
        let boxing = date(12, 26)
        var taken = Set([christmas, boxing].filter { !$0.isWeekend })
        for (day, holiday) in [(christmas, Holiday.christmasDay), (boxing, Holiday.boxingDay)] {
            if !day.isWeekend {
                result.append((day, holiday))
                continue
            }
            var substitute = day.adding(days: 1)
            while substitute.isWeekend || taken.contains(substitute) { substitute = substitute.adding(days: 1) }
            taken.insert(substitute)
            result.append((substitute, holiday))
        }
        return result.sorted { $0.date < $1.date }
    }

    public static func isBankHoliday(_ date: CalendarDate) -> Bool {
        if let dates = precomputed[date.year] { return dates.contains(date) }
        return holidays(in: date.year).contains { $0.date == date }
    }

    // School-day counting asks about every day of a range; the years any case can touch are
    // computed once (a static let is initialised once, thread-safely).
    private static let precomputed: [Int: Set<CalendarDate>] = {
        var table: [Int: Set<CalendarDate>] = [:]
        for year in 1990...2100 { table[year] = Set(holidays(in: year).map(\.date)) }
        return table
    }()

    /// Easter Sunday in the Gregorian calendar (the anonymous Gregorian computus, as given by
    /// Meeus / Jones / Butcher).
    public static func easterSunday(in year: Int) -> CalendarDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(year: year, month: month, day: day)!
    }

    private static func nextWeekday(onOrAfter date: CalendarDate) -> CalendarDate {
        var day = date
        while day.isWeekend { day = day.adding(days: 1) }
        return day
    }
}

/// Working days: Monday to Friday except bank holidays of England and Wales. Council deadlines
/// such as Medway's "referral within 10 working days" count these, not school days.
public enum WorkingDays {
    public static func isWorkingDay(_ date: CalendarDate) -> Bool {
        !date.isWeekend && !BankHolidays.isBankHoliday(date)
    }

    /// Working days in (start, end]: the day after `start` through `end`. Zero when `end` is not
    /// after `start`.
    public static func count(after start: CalendarDate, through end: CalendarDate) -> Int {
        guard end > start else { return 0 }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// The `count`-th working day after `date` (`date` itself when `count` is 0).
    public static func date(adding count: Int, to date: CalendarDate) -> CalendarDate {
        precondition(count >= 0, "count working days forward only")
        var day = date
        var remaining = count
        while remaining > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }
}

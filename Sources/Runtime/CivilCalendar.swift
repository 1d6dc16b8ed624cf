/// The proleptic Gregorian calendar by day count, shared by the PostgreSQL date codec and API
/// timestamps. (CMEDomain keeps its own copy in `CalendarDate`: the domain library depends on
/// nothing.)
public enum CivilCalendar {
    /// The date `days` days after 1970-01-01 (negative before it), by 400-year eras of 146,097 days
    /// (H. Hinnant's civil-from-days).
    public static func date(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

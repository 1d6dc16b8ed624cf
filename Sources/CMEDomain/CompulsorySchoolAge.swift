/// Compulsory school age under s8 Education Act 1996 (docs/domain.md, "Compulsory school age") for a child born on a date.
public struct CompulsorySchoolAge: Hashable, Sendable {
    public let dateOfBirth: CalendarDate

    public init(dateOfBirth: CalendarDate) {
        self.dateOfBirth = dateOfBirth
    }

    /// The first of 31 December, 31 March and 31 August falling on or after the 5th birthday
    /// (the prescribed days of s8(2); a birthday on one of them starts that day).
    public var startDate: CalendarDate {
        let fifth = dateOfBirth.adding(years: 5)
        let candidates = [
            CalendarDate(year: fifth.year, month: 3, day: 31)!,
            CalendarDate(year: fifth.year, month: 8, day: 31)!,
            CalendarDate(year: fifth.year, month: 12, day: 31)!,
        ]
        // 31 December is on or after any birthday in its year, so a candidate always exists.
        return candidates.first { $0 >= fifth }!
    }

    /// The last Friday in June of the school year (1 September - 31 August) in which the child
    /// turns 16 (s8(3) and the Education (School Leaving Date) Order 1997). The child is of
    /// compulsory school age up to and including this day.
    public var endDate: CalendarDate {
        let sixteenth = dateOfBirth.adding(years: 16)
        let schoolYear = AcademicYear.containing(sixteenth)
        return CalendarDate.last(.friday, of: 6, in: schoolYear.startYear + 1)
    }

    public func isOfCompulsorySchoolAge(on date: CalendarDate) -> Bool {
        date >= startDate && date <= endDate
    }

    /// Where the child stands on `date`, for messages such as a referral's
    /// `not_compulsory_school_age` warning.
    public func status(on date: CalendarDate) -> Status {
        if date < startDate { return .notYetOfCompulsorySchoolAge }
        if date > endDate { return .pastCompulsorySchoolAge }
        return .ofCompulsorySchoolAge
    }

    /// Before, within or after compulsory school age.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case notYetOfCompulsorySchoolAge = "not_yet_of_compulsory_school_age"
        case ofCompulsorySchoolAge = "of_compulsory_school_age"
        case pastCompulsorySchoolAge = "past_compulsory_school_age"
    }

    /// The year group a child of this birth date is in on `date`: Reception in the school year in
    /// which the child turns 5, Year 1 the next, ... Year 11 in the year the child turns 16.
    /// Nil before Reception or after Year 11.
    public func yearGroup(on date: CalendarDate) -> YearGroup? {
        let turnsFiveIn = AcademicYear.containing(dateOfBirth.adding(years: 5))
        let number = AcademicYear.containing(date).startYear - turnsFiveIn.startYear
        return YearGroup(number: number)
    }
}

/// A national curriculum year group from Reception (Year R) to Year 11, as the DfE CME/EHE
/// collection reports them.
public struct YearGroup: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 0 for Reception, 1...11 for Years 1-11.
    public let number: Int

    public init?(number: Int) {
        guard (0...11).contains(number) else { return nil }
        self.number = number
    }

    /// `R` for Reception, else the year's number (`1` ... `11`).
    public init?(code: String) {
        if code == "R" { self.number = 0; return }
        guard code.isAllASCIIDigits, let number = Int(code), (1...11).contains(number) else { return nil }
        self.number = number
    }

    public static let reception = YearGroup(number: 0)!

    public var code: String { number == 0 ? "R" : String(number) }
    public var description: String { "Year \(code)" }

    public static func < (lhs: YearGroup, rhs: YearGroup) -> Bool { lhs.number < rhs.number }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let group = YearGroup(code: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected R or 1-11")
        }
        self = group
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

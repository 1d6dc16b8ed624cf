/// A school year, 1 September to 31 August, named by the year it starts in (2025 = 2025-26), as
/// the API's `academic_year=2025` does.
public struct AcademicYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let startYear: Int

    public init(startYear: Int) {
        self.startYear = startYear
    }

    public static func containing(_ date: CalendarDate) -> AcademicYear {
        AcademicYear(startYear: date.month >= 9 ? date.year : date.year - 1)
    }

    public var firstDay: CalendarDate { CalendarDate(year: startYear, month: 9, day: 1)! }
    public var lastDay: CalendarDate { CalendarDate(year: startYear + 1, month: 8, day: 31)! }

    public func contains(_ date: CalendarDate) -> Bool { date >= firstDay && date <= lastDay }

    public var next: AcademicYear { AcademicYear(startYear: startYear + 1) }

    /// `2025-26`.
    public var description: String {
        let end = (startYear + 1) % 100
        return "\(startYear)-\(end < 10 ? "0" : "")\(end)"
    }

    public static func < (lhs: AcademicYear, rhs: AcademicYear) -> Bool { lhs.startYear < rhs.startYear }

    public init(from decoder: any Decoder) throws {
        startYear = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(startYear)
    }
}

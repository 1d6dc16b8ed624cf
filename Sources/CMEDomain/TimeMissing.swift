/// How long a child has been missing education at a census date, in the bands of the DfE's termly
/// CME collection (docs/domain.md, "Reporting"): up to 12 weeks, more than 12 weeks, or unknown.
public enum TimeMissing: String, Sendable, Hashable, Codable, CaseIterable {
    case upToTwelveWeeks = "up_to_12_weeks"
    case overTwelveWeeks = "over_12_weeks"
    case unknown

    /// The band for a child missing since `missingSince` (nil when not known), counted in
    /// calendar days: 12 weeks is 84 days.
    public static func band(missingSince: CalendarDate?, on censusDate: CalendarDate) -> TimeMissing {
        guard let missingSince, missingSince <= censusDate else { return .unknown }
        return censusDate.days(since: missingSince) <= 84 ? .upToTwelveWeeks : .overTwelveWeeks
    }
}

import CMEDomain
import CMEStore

/// The council's reports (officers and admins): aggregates over its own register only.
public struct ReportService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    /// Periods longer than this are refused: a scorecard is for a quarter or a year, and the bound
    /// keeps every report's cost known.
    public static let longestPeriodDays = 3_660

    /// The scorecard of `from`...`to` (Europe/London dates, inclusive); the read is audited.
    public func scorecard(from: CalendarDate, to: CalendarDate, as caller: Caller) async throws -> Scorecard {
        guard from <= to else { throw ServiceError.malformed("from must not be after to.") }
        guard to.dayNumber - from.dayNumber < Self.longestPeriodDays else {
            throw ServiceError.malformed("A scorecard covers at most \(Self.longestPeriodDays) days.")
        }
        return try await work.database.read(as: caller.actor) { unit in
            let card = try await unit.reports.scorecard(from: from, to: to)
            unit.audit("scorecard", subjectType: "report", subjectID: from.iso8601 + "/" + to.iso8601)
            return card
        }
    }
}

import CMEDomain
import CMEStore
import Foundation

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

    /// A year's census dates: each term's date and whether the council recorded it (else the rule's).
    public func censusDates(_ year: AcademicYear, as caller: Caller) async throws -> [(term: CensusTerm, date: CalendarDate, recorded: Bool)] {
        try await work.database.read(as: caller.actor) { unit in
            Self.effective(try await unit.reports.censusDates(year), year)
        }
    }

    /// Records a year's census dates (a term given null or absent follows the rule); 422 for a date
    /// outside the months its term's census falls in.
    public func putCensusDates(_ year: AcademicYear, body: RequestBody, as caller: Caller) async throws
        -> [(term: CensusTerm, date: CalendarDate, recorded: Bool)] {
        var r = FormReader(try body.object())
        var dates: [CensusTerm: CalendarDate] = [:]
        for term in CensusTerm.allCases {
            let pointer = JSONPointer(tokens: [term.rawValue])
            guard let date = r.date(pointer) else { continue }
            if term.admits(date, in: year) {
                dates[term] = date
            } else {
                r.errors.add(pointer, "must be a day of the \(term.rawValue) census months of \(year) (\(term.censusMonths))")
            }
        }
        r.rejectUnknownKeys(.root, known: Set(CensusTerm.allCases.map(\.rawValue)))
        try r.errors.throwIfAny()
        return try await work.database.write(as: caller.actor) { unit in
            try await unit.reports.putCensusDates(year, dates)
            unit.audit("update", subjectType: "census_dates", subjectID: String(year.startYear))
            return Self.effective(dates, year)
        }
    }

    static func effective(_ recorded: [CensusTerm: CalendarDate], _ year: AcademicYear) -> [(term: CensusTerm, date: CalendarDate, recorded: Bool)] {
        CensusTerm.allCases.map { ($0, recorded[$0] ?? $0.ruleDate(in: year), recorded[$0] != nil) }
    }

    /// The termly CME and EHE return for the census date of `term` in `year`; the read is audited.
    public func cmeEHEReturn(_ year: AcademicYear, term: CensusTerm, as caller: Caller) async throws -> CMEEHEReturn {
        try await work.database.read(as: caller.actor) { unit in
            let recorded = try await unit.reports.censusDates(year)
            let census = recorded[term] ?? term.ruleDate(in: year)
            let before = term.previous(in: year)
            let previous = before.year == year ? recorded[before.term] ?? before.term.ruleDate(in: year)
                : try await unit.reports.censusDates(before.year)[before.term] ?? before.term.ruleDate(in: before.year)
            let yearFrom = CMEEHEReturn.yearStart(census: census)
            let figures = try await unit.reports.cmeEHEFigures(census: census, periodFrom: previous.adding(days: 1), yearFrom: yearFrom)
            unit.audit("cme_ehe_return", subjectType: "report", subjectID: "\(year.startYear)/\(term.rawValue)")
            return CMEEHEReturn(academicYear: year, term: term, censusDate: census, censusDateFromCouncil: recorded[term] != nil,
                                previousCensusDate: previous, cme: figures.cme, cmeInYear: figures.cmeInYear, ehe: figures.ehe,
                                eheStarted: figures.flows["ehe_started"] ?? 0, eheReturnedToSchool: figures.flows["ehe_returned_to_school"] ?? 0,
                                s437Notices: figures.flows["s437_notices"] ?? 0, saosIssued: figures.flows["saos_issued"] ?? 0,
                                saosRevoked: figures.flows["saos_revoked"] ?? 0)
        }
    }
}

import CMEDomain
import CMEStore
import Foundation

/// A council's term dates per academic year (`GET|PUT /v1/admin/calendar/{academic_year}`): what
/// school days are counted with. There is no national source of term dates (docs/domain.md, "School days").
public struct CalendarService: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Academic years a calendar may be stored for (the table's check), by the year they start in.
    public static let years = 2000...2100
    public static let maxTerms = 10
    public static let maxClosures = 100

    /// A calendar as the request gave it, before validation.
    public struct NewCalendar: Sendable, Equatable {
        public struct NewTerm: Sendable, Equatable {
            public var start: String?
            public var end: String?
            public init(start: String?, end: String?) {
                self.start = start
                self.end = end
            }
        }

        /// Nil when absent; an element is nil when it was not an object.
        public var terms: [NewTerm?]?
        /// Nil when absent; an element is nil when it was not a string.
        public var closures: [String?]?

        public init(terms: [NewTerm?]?, closures: [String?]?) {
            self.terms = terms
            self.closures = closures
        }
    }

    /// The academic year a path names: four digits, 2000 to 2100 (2025 is 2025-26); nil otherwise.
    public static func academicYear(_ text: String) -> AcademicYear? {
        guard text.utf8.count == 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(text), years.contains(n) else {
            return nil
        }
        return AcademicYear(startYear: n)
    }

    static func checkYear(_ year: AcademicYear) throws(ServiceError) {
        guard years.contains(year.startYear) else {
            throw .malformed("academic_year must be the year the academic year starts, from \(years.lowerBound) to \(years.upperBound).")
        }
    }

    /// Every rule at once, with pointers into the `{terms, closures}` body: dates real and written
    /// `YYYY-MM-DD`; one to 10 terms, each starting on or before it ends, inside the academic year,
    /// listed in date order and overlapping no other; up to 100 closures inside the academic year,
    /// none repeated. CMEDomain's `TermDates` is built from the result.
    public static func validate(_ input: NewCalendar, academicYear year: AcademicYear) -> (FieldErrors, TermDates?) {
        var errors = FieldErrors()
        let outside = "is outside academic year \(year) (\(year.firstDay) to \(year.lastDay))"

        var terms: [Term] = []
        if let items = input.terms {
            if items.isEmpty {
                errors.add("/terms", "must list at least one term")
            } else if items.count > maxTerms {
                errors.add("/terms", "must list at most \(maxTerms) terms (\(items.count) given)")
            } else {
                var earlier: [(index: Int, term: Term)] = []
                for (index, item) in items.enumerated() {
                    let pointer = JSONPointer(tokens: ["terms", String(index)])
                    guard let item else { errors.add(pointer, "must be an object with start and end"); continue }
                    let start = date(item.start, at: pointer.appending("start"), missing: "is required", &errors)
                    let end = date(item.end, at: pointer.appending("end"), missing: "is required", &errors)
                    if let start, !year.contains(start) { errors.add(pointer.appending("start"), outside) }
                    if let end, !year.contains(end) { errors.add(pointer.appending("end"), outside) }
                    guard let start, let end else { continue }
                    guard start <= end else { errors.add(pointer.appending("end"), "ends before it starts (\(start))"); continue }
                    let term = Term(start: start, end: end)
                    let overlapping = earlier.filter { start <= $0.term.end && $0.term.start <= end }
                    for other in overlapping {
                        errors.add(pointer, "overlaps term \(other.index) (\(other.term.start) to \(other.term.end))")
                    }
                    if overlapping.isEmpty, let latest = earlier.max(by: { $0.term.start < $1.term.start }), start < latest.term.start {
                        errors.add(pointer.appending("start"),
                                   "is before term \(latest.index), which starts \(latest.term.start): list the terms in date order")
                    }
                    earlier.append((index, term))
                    terms.append(term)
                }
            }
        } else {
            errors.add("/terms", "is required")
        }

        var closures: [CalendarDate] = []
        if let items = input.closures {
            if items.count > maxClosures {
                errors.add("/closures", "must list at most \(maxClosures) dates (\(items.count) given)")
            } else {
                var seen: [CalendarDate: Int] = [:]
                for (index, item) in items.enumerated() {
                    let pointer = JSONPointer(tokens: ["closures", String(index)])
                    guard let day = date(item, at: pointer, missing: "must be a date (YYYY-MM-DD)", &errors) else { continue }
                    if !year.contains(day) { errors.add(pointer, outside) }
                    if let first = seen[day] {
                        errors.add(pointer, "repeats closures/\(first) (\(day))")
                    } else {
                        seen[day] = index
                    }
                    closures.append(day)
                }
            }
        } else {
            errors.add("/closures", "is required (an empty list when there are none)")
        }

        guard errors.isEmpty else { return (errors, nil) }
        switch TermDates.validated(academicYear: year, terms: terms, closures: closures) {
        case .success(let calendar): return (errors, calendar)
        case .failure(let domain): return (domain, nil)
        }
    }

    /// A `YYYY-MM-DD` date that exists; the error says which of the two it is not.
    static func date(_ text: String?, at pointer: JSONPointer, missing: String, _ errors: inout FieldErrors) -> CalendarDate? {
        guard let text else { errors.add(pointer, missing); return nil }
        if let date = CalendarDate(text) { return date }
        let bytes = Array(text.utf8)
        let shaped = bytes.count == 10 && bytes.enumerated().allSatisfy { i, b in
            i == 4 || i == 7 ? b == UInt8(ascii: "-") : (b >= 0x30 && b <= 0x39)
        }
        errors.add(pointer, shaped ? "is not a day of the calendar" : "must be a date written YYYY-MM-DD")
        return nil
    }

    /// Replaces the year's calendar (creating it when there was none) after validation; audited as
    /// `update` of `calendar:<year>`. Returns the calendar as stored.
    public func put(_ input: NewCalendar, academicYear: AcademicYear, as actor: Actor) async throws -> CalendarRow {
        try Self.checkYear(academicYear)
        let (errors, calendar) = Self.validate(input, academicYear: academicYear)
        guard let calendar else { throw ServiceError.invalid(errors) }
        return try await database.write(as: actor) { unit in
            let stored = try await unit.calendars.put(calendar)
            unit.audit("update", subjectType: "calendar", subjectID: String(academicYear.startYear))
            return stored
        }
    }

    /// The year's stored calendar; `notFound` when this council has stored none for it.
    public func calendar(academicYear: AcademicYear, as actor: Actor) async throws -> CalendarRow {
        try Self.checkYear(academicYear)
        return try await database.read(as: actor) { unit in
            guard let row = try await unit.calendars.find(academicYear: academicYear) else { throw ServiceError.notFound }
            return row
        }
    }
}

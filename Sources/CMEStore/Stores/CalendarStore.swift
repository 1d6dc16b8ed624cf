import CMEDomain
import Foundation
import Postgres

/// A council's stored term dates for one academic year: terms in date order, closures sorted.
public struct CalendarRow: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var terms: [Term]
    public var closures: [CalendarDate]
    public var updatedAt: Date

    public init(academicYear: AcademicYear, terms: [Term], closures: [CalendarDate], updatedAt: Date) {
        self.academicYear = academicYear
        self.terms = terms
        self.closures = closures
        self.updatedAt = updatedAt
    }
}

/// The stored form of a calendar is not what the service validated (a broken row, edited by hand).
public struct MalformedCalendarRow: Error, Sendable {}

/// The `school_calendars` table: one row per council and academic year. Terms are kept as a jsonb
/// array of `{start, end}` (`YYYY-MM-DD`), closures as `date[]`.
public struct CalendarStore: Sendable {
    let unit: UnitOfWork

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    public func find(academicYear: AcademicYear) async throws -> CalendarRow? {
        let rows = try await unit.query("""
            SELECT terms, closures, updated_at FROM school_calendars
            WHERE la_code = \(unit.actor.laCode) AND academic_year = \(Int32(academicYear.startYear))
            """)
        guard let row = rows.first else { return nil }
        return try Self.calendar(academicYear, terms: try row.decode(PostgresJSONB.self, at: 0),
                                 closures: try row.decode([PostgresDate].self, at: 1), updatedAt: try row.decode(Date.self, at: 2))
    }

    /// Replaces (or creates) the year's calendar; returns it as stored.
    public func put(_ calendar: TermDates) async throws -> CalendarRow {
        let terms = PostgresJSONB(String(decoding: try Self.encoder.encode(calendar.terms), as: UTF8.self))
        let closures = calendar.closures.sorted().map(Self.postgresDate)
        let rows = try await unit.query("""
            INSERT INTO school_calendars (la_code, academic_year, terms, closures)
            VALUES (\(unit.actor.laCode), \(Int32(calendar.academicYear.startYear)), \(terms), \(closures))
            ON CONFLICT (la_code, academic_year) DO UPDATE SET terms = excluded.terms, closures = excluded.closures,
                updated_at = now()
            RETURNING terms, closures, updated_at
            """)
        let row = rows[0]
        return try Self.calendar(calendar.academicYear, terms: try row.decode(PostgresJSONB.self, at: 0),
                                 closures: try row.decode([PostgresDate].self, at: 1), updatedAt: try row.decode(Date.self, at: 2))
    }

    /// Every year of term dates the council has loaded, as the school-day calendar counts with them.
    public func schoolCalendar() async throws -> SchoolCalendar {
        let rows = try await unit.query("""
            SELECT academic_year, terms, closures, updated_at FROM school_calendars WHERE la_code = \(unit.actor.laCode)
            """)
        var years: [TermDates] = []
        for row in rows {
            let stored = try Self.calendar(AcademicYear(startYear: try row.decode(Int.self, at: 0)), terms: try row.decode(PostgresJSONB.self, at: 1),
                                           closures: try row.decode([PostgresDate].self, at: 2), updatedAt: try row.decode(Date.self, at: 3))
            guard case .success(let dates) = TermDates.validated(academicYear: stored.academicYear, terms: stored.terms,
                                                                 closures: stored.closures) else { throw MalformedCalendarRow() }
            years.append(dates)
        }
        return SchoolCalendar(termDates: years)
    }

    static func postgresDate(_ date: CalendarDate) -> PostgresDate {
        PostgresDate(year: date.year, month: date.month, day: date.day)!   // CalendarDate's years 1-9999 all fit
    }

    static func calendar(_ year: AcademicYear, terms: PostgresJSONB, closures: [PostgresDate], updatedAt: Date) throws -> CalendarRow {
        let decoded = try JSONDecoder().decode([Term].self, from: Data(terms.utf8))
        let dates = try closures.map { d -> CalendarDate in
            guard d.isFinite, let date = CalendarDate(year: d.year, month: d.month, day: d.day) else { throw MalformedCalendarRow() }
            return date
        }
        return CalendarRow(academicYear: year, terms: decoded.sorted { $0.start < $1.start }, closures: dates.sorted(), updatedAt: updatedAt)
    }
}

extension UnitOfWork {
    public var calendars: CalendarStore { CalendarStore(unit: self) }
}

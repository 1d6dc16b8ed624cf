import CMEDomain
import Foundation
import Postgres

/// Aggregates for the council's reports. Periods are Europe/London dates, inclusive; an instant
/// (`opened_at`, `closed_at`) counts on its London date.
public struct ReportStore: Sendable {
    let unit: UnitOfWork

    /// A report's statement, planned with its dates each run: a report runs rarely and reads much,
    /// so the plan that suits its period matters more than the planning saved.
    private func query(_ statement: PostgresQuery) async throws -> PostgresRows {
        try await unit.query(statement.plannedEachRun())
    }

    public func scorecard(from: CalendarDate, to: CalendarDate) async throws -> Scorecard {
        let la = unit.actor.laCode
        let first = StoreCoding.date(from), last = StoreCoding.date(to)
        // The period as instants: from the start of `from` to the start of the day after `to`, London time.
        let bounds: PostgresQuery = """
            (\(first)::date::timestamp AT TIME ZONE 'Europe/London') AS lo, ((\(last)::date + 1)::timestamp AT TIME ZONE 'Europe/London') AS hi
            """
        var card = Scorecard(from: from, to: to)
        func counts(_ statement: PostgresQuery) async throws -> [String: Int] {
            var out: [String: Int] = [:]
            for r in try await query(statement) { out[try r.decode(String.self, at: 0)] = Int(try r.decode(Int64.self, at: 1)) }
            return out
        }
        card.byReason = try await counts("""
            SELECT c.reason, count(*) FROM cases c, (SELECT \(sql: bounds)) b
            WHERE c.la_code = \(la) AND c.opened_at >= b.lo AND c.opened_at < b.hi GROUP BY c.reason
            """)
        card.casesOpened = card.byReason.values.reduce(0, +)
        card.byVulnerableGroup = try await counts("""
            SELECT g, count(*) FROM children ch JOIN cases c ON c.la_code = ch.la_code AND c.child_id = ch.id,
                 unnest(ch.vulnerable_groups) AS g, (SELECT \(sql: bounds)) b
            WHERE ch.la_code = \(la) AND ch.vulnerable_groups <> '{}' AND c.opened_at >= b.lo AND c.opened_at < b.hi GROUP BY g
            """)
        card.casesClosed = try await counts("""
            SELECT c.outcome, count(*) FROM cases c, (SELECT \(sql: bounds)) b
            WHERE c.la_code = \(la) AND c.status = 'closed' AND c.closed_at >= b.lo AND c.closed_at < b.hi GROUP BY c.outcome
            """)
        // Notices received and late in one pass (a council's year of notices is the largest set read).
        let totals = try await query("""
            SELECT
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (c.closed_at AT TIME ZONE 'Europe/London')::date - c.opened_on)
                 FROM cases c WHERE c.la_code = \(la) AND c.status = 'closed' AND c.closed_at >= b.lo AND c.closed_at < b.hi),
              (SELECT count(*) FROM cases c WHERE c.la_code = \(la) AND c.opened_at < b.hi AND (c.closed_at IS NULL OR c.closed_at >= b.hi)),
              n.received, n.late,
              (SELECT count(*) FROM expected_arrivals e WHERE e.la_code = \(la) AND e.status = 'overdue' AND e.due_on BETWEEN \(first) AND \(last))
            FROM (SELECT \(sql: bounds)) b,
                 (SELECT count(*) AS received, count(*) FILTER (WHERE late) AS late FROM roll_notifications
                  WHERE la_code = \(la) AND received_on BETWEEN \(first) AND \(last)) n
            """)
        guard let row = totals.first else { return card }
        card.medianDaysToClose = try row.decode(Double?.self, at: 0)
        card.openAtEnd = Int(try row.decode(Int64.self, at: 1))
        card.rollNotificationsReceived = Int(try row.decode(Int64.self, at: 2))
        card.rollNotificationsLate = Int(try row.decode(Int64.self, at: 3))
        card.expectedArrivalsOverdue = Int(try row.decode(Int64.self, at: 4))
        card.referralsBySource = try await counts("""
            SELECT source_kind, count(*) FROM referrals WHERE la_code = \(la) AND received_on BETWEEN \(first) AND \(last) GROUP BY source_kind
            """)
        return card
    }

    // MARK: The termly CME and EHE return

    /// The census dates the council recorded for `year` (terms absent follow the rule).
    public func censusDates(_ year: AcademicYear) async throws -> [CensusTerm: CalendarDate] {
        var out: [CensusTerm: CalendarDate] = [:]
        for r in try await query("""
            SELECT term, census_on FROM census_dates WHERE la_code = \(unit.actor.laCode) AND academic_year = \(Int32(year.startYear))
            """) {
            out[try StoreCoding.enumValue(try r.decode(String.self, at: 0), CensusTerm.self)] = try StoreCoding.requiredDate(try r.decode(PostgresDate.self, at: 1))
        }
        return out
    }

    /// Replaces the year's recorded census dates: terms not given follow the rule again.
    public func putCensusDates(_ year: AcademicYear, _ dates: [CensusTerm: CalendarDate]) async throws {
        try await unit.execute("DELETE FROM census_dates WHERE la_code = \(unit.actor.laCode) AND academic_year = \(Int32(year.startYear))")
        for (term, date) in dates.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await unit.execute("""
                INSERT INTO census_dates (la_code, academic_year, term, census_on)
                VALUES (\(unit.actor.laCode), \(Int32(year.startYear)), \(term.rawValue), \(CalendarStore.postgresDate(date)))
                """)
        }
    }

    /// The children counted by the return at `census` (the end of that London day), and the flows of
    /// `periodFrom`...`census`: each child once (a child's latest case or spell).
    public func cmeEHEFigures(census: CalendarDate, periodFrom: CalendarDate, yearFrom: CalendarDate)
        async throws -> (cme: [CMEEHEReturn.Child], cmeInYear: Int, ehe: [CMEEHEReturn.Child], flows: [String: Int]) {
        let la = unit.actor.laCode
        let day = CalendarStore.postgresDate(census)
        let end: PostgresQuery = "((\(day)::date + 1)::timestamp AT TIME ZONE 'Europe/London')"
        // CME: cases opened by the end of the census day and not closed by then. Time missing runs
        // from the case's first referral's last day attended (else last day on roll).
        let cme = try await query("""
            SELECT DISTINCT ON (c.child_id) ch.gender, ch.date_of_birth, c.reason,
                   (SELECT coalesce(r.form->>'date_last_attended', r.form->>'date_last_on_roll') FROM referrals r
                    WHERE r.case_id = c.id AND r.la_code = c.la_code ORDER BY r.seq LIMIT 1)
            FROM cases c JOIN children ch ON ch.la_code = c.la_code AND ch.id = c.child_id
            WHERE c.la_code = \(la) AND c.opened_at < \(sql: end) AND (c.closed_at IS NULL OR c.closed_at >= \(sql: end))
            ORDER BY c.child_id, c.opened_at DESC
            """).map { r in
            CMEEHEReturn.Child(gender: try r.decode(String?.self, at: 0), dateOfBirth: StoreCoding.date(try r.decode(PostgresDate?.self, at: 1)),
                               reason: try r.decode(String.self, at: 2), missingSince: try r.decode(String?.self, at: 3).flatMap(CalendarDate.init))
        }
        let ehe = try await query("""
            SELECT DISTINCT ON (e.child_id) ch.gender, ch.date_of_birth, e.reason
            FROM ehe_records e JOIN children ch ON ch.la_code = e.la_code AND ch.id = e.child_id
            WHERE e.la_code = \(la) AND e.starts_on <= \(day) AND (e.ended_on IS NULL OR e.ended_on > \(day))
            ORDER BY e.child_id, e.starts_on DESC
            """).map { r in
            CMEEHEReturn.Child(gender: try r.decode(String?.self, at: 0), dateOfBirth: StoreCoding.date(try r.decode(PostgresDate?.self, at: 1)),
                               reason: try r.decode(String.self, at: 2))
        }
        let from = CalendarStore.postgresDate(periodFrom)
        let totals = try await query("""
            SELECT
              (SELECT count(DISTINCT child_id) FROM cases WHERE la_code = \(la) AND opened_at < \(sql: end)
                 AND (closed_at IS NULL OR closed_at >= (\(CalendarStore.postgresDate(yearFrom))::date::timestamp AT TIME ZONE 'Europe/London'))),
              (SELECT count(*) FROM ehe_records WHERE la_code = \(la) AND starts_on BETWEEN \(from) AND \(day)),
              (SELECT count(*) FROM ehe_records WHERE la_code = \(la) AND end_reason = 'returned_to_school' AND ended_on BETWEEN \(from) AND \(day)),
              (SELECT count(*) FROM ehe_events WHERE la_code = \(la) AND kind = 's437_notice' AND on_date BETWEEN \(from) AND \(day)),
              (SELECT count(*) FROM ehe_events WHERE la_code = \(la) AND kind = 'sao_issued' AND on_date BETWEEN \(from) AND \(day)),
              (SELECT count(*) FROM ehe_events WHERE la_code = \(la) AND kind = 'sao_revoked' AND on_date BETWEEN \(from) AND \(day))
            """)
        let row = totals[0]
        func n(_ i: Int) throws -> Int { Int(try row.decode(Int64.self, at: i)) }
        return (cme, try n(0), ehe, ["ehe_started": try n(1), "ehe_returned_to_school": try n(2), "s437_notices": try n(3),
                                     "saos_issued": try n(4), "saos_revoked": try n(5)])
    }
}

extension UnitOfWork {
    public var reports: ReportStore { ReportStore(unit: self) }
}

import CMEDomain
import Foundation
import Postgres

/// Aggregates for the council's reports. Periods are Europe/London dates, inclusive; an instant
/// (`opened_at`, `closed_at`) counts on its London date.
public struct ReportStore: Sendable {
    let unit: UnitOfWork

    public func scorecard(from: CalendarDate, to: CalendarDate) async throws -> Scorecard {
        let la = unit.actor.laCode
        let first = StoreCoding.date(from), last = StoreCoding.date(to)
        // The period as instants: from the start of `from` to the start of the day after `to`, London time.
        let bounds: PostgresQuery = """
            (\(first)::date::timestamp AT TIME ZONE 'Europe/London') AS lo, ((\(last)::date + 1)::timestamp AT TIME ZONE 'Europe/London') AS hi
            """
        var card = Scorecard(from: from, to: to)
        func counts(_ query: PostgresQuery) async throws -> [String: Int] {
            var out: [String: Int] = [:]
            for r in try await unit.query(query) { out[try r.decode(String.self, at: 0)] = Int(try r.decode(Int64.self, at: 1)) }
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
        let totals = try await unit.query("""
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
}

extension UnitOfWork {
    public var reports: ReportStore { ReportStore(unit: self) }
}

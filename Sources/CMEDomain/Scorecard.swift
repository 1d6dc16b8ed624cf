/// The council's scorecard for a period (`GET /v1/reports/scorecard`): the figures a safeguarding
/// partnership's quarterly report asks for (docs/domain.md, "Reporting"). Breakdowns map a value
/// (an outcome, a reason, a group, a source) to a count; values with no case are absent.
public struct Scorecard: Sendable, Equatable {
    /// The period, inclusive, as Europe/London dates.
    public var from: CalendarDate
    public var to: CalendarDate
    /// Cases opened in the period.
    public var casesOpened: Int
    /// Cases closed in the period (and not since reopened), by outcome.
    public var casesClosed: [String: Int]
    /// Cases open at the end of the period's last day.
    public var openAtEnd: Int
    /// The median of the cases closed in the period, in calendar days from opening to closing; nil
    /// when none closed.
    public var medianDaysToClose: Double?
    /// Cases opened in the period, by referral reason.
    public var byReason: [String: Int]
    /// Cases opened in the period, by the child's vulnerable groups (a child in two groups counts in
    /// both).
    public var byVulnerableGroup: [String: Int]
    /// Referrals received in the period, by the kind of their source.
    public var referralsBySource: [String: Int]
    /// Roll notifications received in the period (by received date), and those of them late.
    public var rollNotificationsReceived: Int
    public var rollNotificationsLate: Int
    /// Expected arrivals due in the period that the child never made (turned overdue).
    public var expectedArrivalsOverdue: Int

    public init(from: CalendarDate, to: CalendarDate, casesOpened: Int = 0, casesClosed: [String: Int] = [:], openAtEnd: Int = 0,
                medianDaysToClose: Double? = nil, byReason: [String: Int] = [:], byVulnerableGroup: [String: Int] = [:],
                referralsBySource: [String: Int] = [:], rollNotificationsReceived: Int = 0, rollNotificationsLate: Int = 0,
                expectedArrivalsOverdue: Int = 0) {
        self.from = from
        self.to = to
        self.casesOpened = casesOpened
        self.casesClosed = casesClosed
        self.openAtEnd = openAtEnd
        self.medianDaysToClose = medianDaysToClose
        self.byReason = byReason
        self.byVulnerableGroup = byVulnerableGroup
        self.referralsBySource = referralsBySource
        self.rollNotificationsReceived = rollNotificationsReceived
        self.rollNotificationsLate = rollNotificationsLate
        self.expectedArrivalsOverdue = expectedArrivalsOverdue
    }

    /// The figures as `(metric, breakdown, value)` rows, the CSV form: a total has an empty
    /// breakdown; a breakdown gives one row per value, in byte order. A missing median is an empty value.
    public var rows: [(metric: String, breakdown: String, value: String)] {
        func count(_ n: Int) -> String { String(n) }
        func by(_ metric: String, _ counts: [String: Int]) -> [(String, String, String)] {
            counts.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { (metric, $0.key, count($0.value)) }
        }
        var out: [(String, String, String)] = [("cases_opened", "", count(casesOpened))]
        out += by("cases_closed", casesClosed)
        out.append(("open_at_end", "", count(openAtEnd)))
        out.append(("median_days_to_close", "", medianDaysToClose.map(Self.decimal) ?? ""))
        out += by("by_reason", byReason)
        out += by("by_vulnerable_group", byVulnerableGroup)
        out += by("referrals_by_source", referralsBySource)
        out.append(("roll_notifications_received", "", count(rollNotificationsReceived)))
        out.append(("roll_notifications_late", "", count(rollNotificationsLate)))
        out.append(("expected_arrivals_overdue", "", count(expectedArrivalsOverdue)))
        return out.map { (metric: $0.0, breakdown: $0.1, value: $0.2) }
    }

    /// A median of whole days is whole or a half: "12" or "12.5".
    static func decimal(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x)
    }
}

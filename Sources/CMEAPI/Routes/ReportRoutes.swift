import CMEDomain
import CMEService
import HTTP

/// The council's reports (officers and admins): JSON, or CSV (`metric,breakdown,value`) with
/// `Accept: text/csv`. The movement report, which schools read too, is with the roll notifications.
enum ReportRoutes {
    static func register(on api: inout RouteBuilder) {
        let reports = api.services.reports
        let group = RouteBuilder.Group(prefix: "/v1/reports", roles: [.officer, .admin])

        api.add("GET", "/scorecard", in: group) { request, context in
            let from = try API.queryDate(request, "from", required: true)!, to = try API.queryDate(request, "to", required: true)!
            let card = try await reports.scorecard(from: from, to: to, as: context.caller)
            if API.wantsCSV(request) {
                return CSVReply.response(header: ["metric", "breakdown", "value"], rows: card.rows.map { [$0.metric, $0.breakdown, $0.value] },
                                         filename: "scorecard-\(from.iso8601)-\(to.iso8601).csv")
            }
            return API.json(scorecard(card))
        }
    }

    static func scorecard(_ c: Scorecard) -> JSONTree {
        func counts(_ d: [String: Int]) -> JSONValue { .object(d.mapValues { .number(Double($0)) }) }
        return JSONTree(.object([
            "from": .string(c.from.iso8601), "to": .string(c.to.iso8601),
            "cases_opened": .number(Double(c.casesOpened)), "cases_closed": counts(c.casesClosed), "open_at_end": .number(Double(c.openAtEnd)),
            "median_days_to_close": c.medianDaysToClose.map(JSONValue.number) ?? .null,
            "by_reason": counts(c.byReason), "by_vulnerable_group": counts(c.byVulnerableGroup),
            "referrals_by_source": counts(c.referralsBySource),
            "roll_notifications_received": .number(Double(c.rollNotificationsReceived)),
            "roll_notifications_late": .number(Double(c.rollNotificationsLate)),
            "expected_arrivals_overdue": .number(Double(c.expectedArrivalsOverdue)),
        ]))
    }
}

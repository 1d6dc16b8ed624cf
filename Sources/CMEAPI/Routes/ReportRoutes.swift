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

        api.add("GET", "/cme-ehe-return", in: group) { request, context in
            guard let yearText = request.query["academic_year"] else { throw ServiceError.malformed("academic_year is required (2025 for 2025-26).") }
            let year = try CalendarRoutes.academicYear(yearText)
            guard let term = try API.queryEnum(request, "term", CensusTerm.self) else {
                throw ServiceError.malformed("term is required: autumn, spring or summer.")
            }
            let r = try await reports.cmeEHEReturn(year, term: term, as: context.caller)
            if API.wantsCSV(request) {
                return CSVReply.response(header: ["metric", "breakdown", "value"], rows: r.rows.map { [$0.metric, $0.breakdown, $0.value] },
                                         filename: "cme-ehe-return-\(year.startYear)-\(term.rawValue).csv")
            }
            return API.json(cmeEHEReturn(r))
        }

        let admin = RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin])
        api.add("GET", "/census-dates/{academic_year}", in: admin, roles: [.admin, .officer]) { request, context in
            let year = try CalendarRoutes.academicYear(request)
            return API.json(censusDates(year, try await reports.censusDates(year, as: context.caller)))
        }
        api.add("PUT", "/census-dates/{academic_year}", in: admin) { request, context in
            let year = try CalendarRoutes.academicYear(request)
            return API.json(censusDates(year, try await reports.putCensusDates(year, body: API.body(request), as: context.caller)))
        }
    }

    static func censusDates(_ year: AcademicYear, _ dates: [(term: CensusTerm, date: CalendarDate, recorded: Bool)]) -> JSONTree {
        var o: [String: JSONValue] = ["academic_year": .number(Double(year.startYear))]
        for d in dates {
            o[d.term.rawValue] = .object(["date": .string(d.date.iso8601), "source": .string(d.recorded ? "council" : "rule")])
        }
        return JSONTree(.object(o))
    }

    static func cmeEHEReturn(_ r: CMEEHEReturn) -> JSONTree {
        func counts(_ d: [String: Int]) -> JSONValue { .object(d.mapValues { .number(Double($0)) }) }
        func breakdown(_ b: CMEEHEReturn.Breakdown) -> JSONValue {
            var o: [String: JSONValue] = ["total": .number(Double(b.total)), "by_sex": counts(b.bySex), "by_year_group": counts(b.byYearGroup),
                                          "by_reason": counts(b.byReason)]
            if let t = b.byTimeMissing { o["by_time_missing"] = counts(t) }
            return .object(o)
        }
        func n(_ x: Int) -> JSONValue { .number(Double(x)) }
        return JSONTree(.object([
            "academic_year": n(r.academicYear.startYear), "term": .string(r.term.rawValue), "census_date": .string(r.censusDate.iso8601),
            "census_date_source": .string(r.censusDateFromCouncil ? "council" : "rule"),
            "period": .object(["from": .string(r.periodFrom.iso8601), "to": .string(r.periodTo.iso8601)]),
            "cme_at_census": breakdown(r.cme),
            "cme_in_year": .object(["from": .string(r.yearFrom.iso8601), "to": .string(r.censusDate.iso8601), "total": n(r.cmeInYear)]),
            "ehe_at_census": breakdown(r.ehe),
            "ehe_started": n(r.eheStarted), "ehe_returned_to_school": n(r.eheReturnedToSchool), "s437_notices": n(r.s437Notices),
            "saos_issued": n(r.saosIssued), "saos_revoked": n(r.saosRevoked),
        ]))
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

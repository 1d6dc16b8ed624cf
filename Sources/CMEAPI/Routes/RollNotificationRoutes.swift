import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP
import Runtime

/// `/v1/roll-notifications` (single and batch), `/v1/expected-arrivals`, deregistration
/// authorisations and the monthly movement report.
enum RollNotificationRoutes {
    static func json(_ n: RollNotificationRecord) -> JSONTree {
        let s = CaseworkJSON.s, date = CaseworkJSON.date
        return JSONTree(.object([
            "id": CaseworkJSON.id(n.id), "type": .string(n.type.rawValue), "school_urn": .string(n.schoolURN), "event_date": date(n.eventDate),
            "received_at": CaseworkJSON.instant(n.receivedAt), "received_on": date(n.receivedOn), "submitted_by": CaseworkJSON.id(n.submittedBy),
            "child_id": CaseworkJSON.id(n.childID), "pupil": n.pupil, "parents": n.parents, "ground": s(n.ground),
            "reported_ground": s(n.reportedGround), "future_address": n.futureAddress ?? .null, "future_address_from": date(n.futureAddressFrom),
            "destination": n.destination ?? .null, "notes": s(n.notes), "late": .bool(n.late), "days_late": .number(Double(n.daysLate)),
            "school_days_late": .number(Double(n.schoolDaysLate)), "calendar_approximate": .bool(n.calendarApproximate),
            "flags": .array(n.flags.map(JSONValue.string)), "actions": n.actions,
        ]))
    }

    /// An arrival past its due date that no sweep has reached yet is shown `overdue` already.
    static func arrival(_ a: ExpectedArrivalRecord, today: CalendarDate) -> JSONTree {
        let status = a.status == .pending && a.dueOn < today ? ExpectedArrivalStatus.overdue : a.status
        return JSONTree(.object([
            "id": CaseworkJSON.id(a.id), "child_id": CaseworkJSON.id(a.childID), "removal_id": CaseworkJSON.id(a.removalID),
            "from_school_urn": .string(a.fromSchoolURN), "school_urn": .string(a.schoolURN), "due_on": CaseworkJSON.date(a.dueOn),
            "calendar_approximate": .bool(a.dueApproximate), "status": .string(status.rawValue), "arrival_id": CaseworkJSON.id(a.arrivalID),
            "case_id": CaseworkJSON.id(a.caseID), "created_at": CaseworkJSON.instant(a.createdAt),
        ]))
    }

    static func authorisation(_ a: DeregistrationAuthorisation) -> JSONTree {
        JSONTree(.object([
            "id": CaseworkJSON.id(a.id), "case_id": CaseworkJSON.id(a.caseID), "child_id": CaseworkJSON.id(a.childID),
            "school_urn": .string(a.schoolURN), "authorised_from": CaseworkJSON.date(a.authorisedFrom),
            "created_at": CaseworkJSON.instant(a.createdAt),
        ]))
    }

    /// The batch answer, `{"results": [{index, status, id | errors, …}]}`, written straight to its
    /// bytes: thousands of items, each of which would otherwise be a dictionary built, sorted and
    /// written. The keys of each item go in the order of their bytes, as `JSONValue` writes every
    /// object (tested against it). Every answer that says `late` says how late, so the figures
    /// never look contradictory.
    static func batchBody(_ results: [RollNotificationService.ItemResult]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + results.count * 200)
        func put(_ text: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
        func put(_ n: Int) { JSONValue.writeInteger(Int64(n), to: &out) }
        func put(_ b: Bool) { b ? put("true") : put("false") }
        put(#"{"results":["#)
        for (n, r) in results.enumerated() {
            if n > 0 { out.append(0x2C) }
            // The first key opens the object: "actions" for a stored item, "errors" for another.
            if let rec = r.record {
                put(#"{"actions":"#); rec.actions.write(to: &out)
                put(#","calendar_approximate":"#); put(rec.calendarApproximate)
                put(#","days_late":"#); put(rec.daysLate)
                put(#","id":""#); rec.id.appendLowercased(to: &out); out.append(0x22)
                put(#","index":"#); put(r.index)
                put(#","late":"#); put(rec.late)
                put(#","school_days_late":"#); put(rec.schoolDaysLate)
            } else {
                var errors: [(pointer: String, detail: String)] = []
                if let why = r.forbidden { errors.append(("", why)) }
                if let fields = r.errors { errors += fields.map { ($0.pointer, $0.message) } }
                put(#"{"errors":["#)
                for (i, e) in errors.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    put(#"{"detail":"#); JSONValue.string(e.detail).write(to: &out)
                    put(#","pointer":"#); JSONValue.string(e.pointer).write(to: &out)
                    out.append(0x7D)
                }
                put(#"],"index":"#); put(r.index)
            }
            put(#","status":"#); put(r.status)
            out.append(0x7D)
        }
        put("]}")
        return out
    }

    static func register(on api: inout RouteBuilder) {
        let roll = api.services.rollNotifications, clock = api.services.clock
        let senders: Set<Role> = [.school, .officer, .admin]
        let group = RouteBuilder.Group(prefix: "/v1/roll-notifications", roles: senders)

        api.add("POST", "", in: group) { request, context in
            API.response(try await roll.post(API.body(request), as: context.caller, idempotency: try API.idempotency(request)) {
                API.stored(201, json($0))
            })
        }

        // A batch of up to 5,000 notices: 16 MiB.
        let batch = RouteBuilder.Group(prefix: "/v1/roll-notifications", roles: senders, bodyLimit: 16 << 20)
        api.add("POST", "/batch", in: batch) { request, context in
            API.response(try await roll.postBatch(API.body(request), as: context.caller, idempotency: try API.idempotency(request)) {
                StoredReply(status: 200, body: batchBody($0))
            })
        }

        api.add("GET", "", in: group) { request, context in
            var school: String?
            if let text = request.query["school_urn"] {
                guard let urn = URN(text), text.utf8.count == 6 else { throw ServiceError.malformed("school_urn must be a URN of 6 digits.") }
                school = urn.value
            }
            var since: CalendarDate?
            if let text = request.query["since"] {
                guard text.utf8.count == 10, let d = CalendarDate(text) else { throw ServiceError.malformed("since must be a date, YYYY-MM-DD.") }
                since = d
            }
            let page = try await roll.list(school: school, type: try API.queryEnum(request, "type", RollNotificationType.self), since: since,
                                           cursor: try API.cursor(request), limit: try API.limit(request), as: context.caller)
            return try API.page(page, json)
        }

        api.add("GET", "/{id}", in: group) { request, context in
            API.json(json(try await roll.notification(try API.id(request), as: context.caller)))
        }

        api.add("GET", "/v1/expected-arrivals", in: RouteBuilder.Group(prefix: "", roles: senders)) { request, context in
            let page = try await roll.expectedArrivals(status: try API.queryEnum(request, "status", ExpectedArrivalStatus.self),
                                                       cursor: try API.cursor(request), limit: try API.limit(request), as: context.caller)
            let today = clock.today
            return try API.page(page) { arrival($0, today: today) }
        }

        api.add("POST", "/v1/cases/{id}/deregistration-authorisations", in: RouteBuilder.Group(prefix: "", roles: [.officer, .admin])) { request, context in
            API.response(try await roll.authorise(caseID: try API.id(request), body: API.body(request), as: context.caller,
                                                  idempotency: try API.idempotency(request)) {
                API.stored(201, authorisation($0))
            })
        }

        api.add("GET", "/v1/deregistration-authorisations", in: RouteBuilder.Group(prefix: "", roles: senders)) { _, context in
            try API.json(API.Page(items: try await roll.authorisations(as: context.caller).map(authorisation), nextCursor: nil))
        }

        api.add("GET", "/v1/reports/movement", in: RouteBuilder.Group(prefix: "", roles: senders)) { request, context in
            guard let urnText = request.query["school_urn"], urnText.utf8.count == 6, let urn = URN(urnText) else {
                throw ServiceError.malformed("school_urn must be a URN of 6 digits.")
            }
            let monthText = request.query["month"] ?? ""
            let parts = monthText.split(separator: "-")
            guard monthText.utf8.count == 7, parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (2000...2100).contains(y), (1...12).contains(m) else {
                throw ServiceError.malformed("month must be YYYY-MM.")
            }
            let rows = try await roll.movements(school: urn, month: (y, m), as: context.caller)
            return API.wantsCSV(request) ? MovementReport.csv(rows, school: urn.value, month: monthText)
                            : API.json(MovementReport.json(rows, school: urn.value, month: monthText))
        }
    }
}

/// The monthly movement-of-children return of one school: joiners and leavers of the month.
enum MovementReport {
    static func line(_ n: RollNotificationRecord) -> [String: JSONValue] {
        var o: [String: JSONValue] = [
            "notification_id": CaseworkJSON.id(n.id), "event_date": CaseworkJSON.date(n.eventDate), "received_on": CaseworkJSON.date(n.receivedOn),
            "late": .bool(n.late), "child_id": CaseworkJSON.id(n.childID),
        ]
        for k in ["upn", "first_name", "last_name", "date_of_birth"] { o[k] = n.pupil[k] ?? .null }
        if n.type == .removal {
            o["ground"] = CaseworkJSON.s(n.ground)
            o["reported_ground"] = CaseworkJSON.s(n.reportedGround)
            o["destination"] = n.destination ?? .null
        }
        return o
    }

    static func json(_ rows: [RollNotificationRecord], school: String, month: String) -> JSONTree {
        JSONTree(.object([
            "school_urn": .string(school), "month": .string(month),
            "joiners": .array(rows.filter { $0.type == .addition }.map { .object(line($0)) }),
            "leavers": .array(rows.filter { $0.type == .removal }.map { .object(line($0)) }),
        ]))
    }

    static let columns = ["movement", "event_date", "upn", "first_name", "last_name", "date_of_birth", "ground", "reported_ground",
                          "destination_school_urn", "destination_ctf_code", "destination_la_code", "destination_country", "received_on", "late"]

    /// One CSV row per notice (`CSVReply`: RFC 4180).
    static func csv(_ rows: [RollNotificationRecord], school: String, month: String) -> Response {
        func field(_ v: JSONValue?) -> String {
            switch v {
            case .string(let s)?: return s
            case .bool(let b)?: return b ? "true" : "false"
            case .number(let n)?: return String(Int(n))
            default: return ""
            }
        }
        let lines: [[String]] = rows.map { n in
            let l = line(n)
            let d = n.destination
            return [n.type == .addition ? "joiner" : "leaver", field(l["event_date"]), field(l["upn"]), field(l["first_name"]),
                    field(l["last_name"]), field(l["date_of_birth"]), field(l["ground"]), field(l["reported_ground"]),
                    field(d?["school_urn"]), field(d?["ctf_code"]), field(d?["la_code"]), field(d?["country"]),
                    field(l["received_on"]), field(l["late"])]
        }
        return CSVReply.response(header: columns, rows: lines, filename: "movement-\(school)-\(month).csv")
    }
}

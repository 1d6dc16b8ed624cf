import CMEDomain
import CMEService
import CMEStore
import Foundation
import Runtime

/// The demo council's register, so that a new user sees real data at once: cases in every state
/// (open with enquiries and a visit, located, pending transfer, closed, and one referral still to
/// triage), and roll notifications, among them a pupil who left one school for another and never
/// arrived (the sweep opens that case), one who arrived, and one removed to home education.
///
/// Made through the services, as an officer and a school would through the API, so every row,
/// timeline entry, task and audit event is the service's own. Made once: a council that already has
/// a case is left as it is. Its names are not those of the README's walk-throughs.
enum DemoCasework {
    static func seed(_ services: CMEServices, officer: Caller, school: Caller, system: Actor) async throws -> Bool {
        let existing = try await services.cases.list((status: nil, riskFlag: nil, assignedOfficer: nil, overdue: nil), cursor: nil, limit: 1,
                                                     as: officer)
        guard existing.items.isEmpty else { return false }
        let today = services.clock.today
        func daysAgo(_ n: Int) -> String { today.adding(days: -n).iso8601 }

        // Referrals from the demo school, each accepted by the officer into a case.
        func refer(_ first: String, _ last: String, born: String, reason: String, lastAttended: Int) async throws -> UUID {
            try await created(services.referrals.submit(body("""
                {"source": {"kind": "school", "school_urn": "990001", "name": "Attendance officer"},
                 "child": {"first_name": "\(first)", "last_name": "\(last)", "date_of_birth": "\(born)",
                           "address": {"line1": "\(lastAttended) Demo Street", "town": "Rotherham", "postcode": "S60 2DE"}},
                 "reason": "\(reason)", "date_last_attended": "\(daysAgo(lastAttended))",
                 "checks_completed": [{"check": "phone_all_contacts", "done_on": "\(daysAgo(lastAttended - 2))"},
                                      {"check": "home_visit", "done_on": "\(daysAgo(lastAttended - 3))"}]}
                """), as: school, idempotency: nil) { reply($0.id) })
        }
        func accept(_ referral: UUID) async throws -> UUID {
            try await created(services.referrals.decide(referral, precondition: try Precondition(ifMatch: "*"), body: body(#"{"decision": "accept"}"#),
                                                        as: officer, idempotency: nil) { reply($0.caseID ?? $0.id) })
        }
        let any = try Precondition(ifMatch: "*")

        // Open, with reasonable enquiries (one answered) and a safe-and-well visit requested.
        let open = try await accept(try await refer("Ellie", "Hartwell", born: "2015-02-11", reason: "failed_to_return", lastAttended: 15))
        let asked = try await created(services.enquiries.create(caseID: open, body: body("""
            {"agency_type": "housing", "agency_name": "Rotherham Housing", "question": "Is the family still a tenant at 15 Demo Street?"}
            """), as: officer, idempotency: nil) { reply($0.id) })
        _ = try await services.enquiries.respond(asked, body: body(#"{"outcome": "no_trace", "details": "Tenancy ended last month; no forwarding address."}"#),
                                                 as: officer, idempotency: nil) { reply($0.id) }
        _ = try await services.enquiries.create(caseID: open, body: body("""
            {"agency_type": "health", "agency_name": "Demo Health Visiting", "question": "Is the child registered with a GP in the area?"}
            """), as: officer, idempotency: nil) { reply($0.id) }
        _ = try await services.visits.create(caseID: open, body: body("""
            {"team": "Early Help North", "address": {"line1": "15 Demo Street", "town": "Rotherham"}}
            """), as: officer, idempotency: nil) { reply($0.id) }

        // Located: found, not yet in school; its visit seen the child safe.
        let located = try await accept(try await refer("Jayden", "Corbridge", born: "2013-07-30", reason: "left_area_unknown", lastAttended: 25))
        let visit = try await created(services.visits.create(caseID: located, body: body("""
            {"team": "Early Help South", "address": {"line1": "8 Orchard Close", "town": "Rotherham"}}
            """), as: officer, idempotency: nil) { reply($0.id) })
        _ = try await services.visits.recordOutcome(visit, body: body("""
            {"visited_on": "\(today.iso8601)", "outcome": "seen_safe"}
            """), as: officer, idempotency: nil) { reply($0.id) }
        _ = try await services.cases.locate(located, precondition: any, body: body(#"{"located_on": "\#(daysAgo(2))"}"#), as: officer,
                                            idempotency: nil) { reply($0.record.id) }

        // Pending transfer: believed to have moved to another council's area.
        let moving = try await accept(try await refer("Amira", "Lindqvist", born: "2012-11-05", reason: "moved_no_destination", lastAttended: 20))
        _ = try await services.cases.transfer(moving, precondition: any, body: body("""
            {"la_code": "373", "notes": "Family said to have moved to Sheffield; enquiry sent to Sheffield's CME officer."}
            """), as: officer, idempotency: nil) { reply($0.record.id) }

        // Closed: back on a school's roll.
        let closed = try await accept(try await refer("Oliver", "Ashdown", born: "2014-05-19", reason: "failed_to_return", lastAttended: 30))
        _ = try await services.cases.locate(closed, precondition: any, body: body(#"{"located_on": "\#(daysAgo(5))"}"#), as: officer,
                                            idempotency: nil) { reply($0.record.id) }
        _ = try await services.cases.close(closed, precondition: any, body: body("""
            {"outcome": "on_roll", "school_urn": "990002", "start_date": "\(daysAgo(3))"}
            """), as: officer, idempotency: nil) { reply($0.record.id) }

        // Received, still to triage.
        _ = try await refer("Lily", "Brackenbury", born: "2016-01-23", reason: "failed_to_return", lastAttended: 12)

        // Roll notifications from the schools' MIS (the officer posts for the other schools).
        func notice(_ json: String, as caller: Caller) async throws {
            _ = try await services.rollNotifications.post(body(json), as: caller, idempotency: nil) { reply($0.id) }
        }
        let left = daysAgo(35)
        // Left Hillside for St Anne's five weeks ago and never arrived: the sweep below opens the case.
        try await notice("""
            {"type": "removal", "school_urn": "990003", "event_date": "\(left)", "ground": "9(1)(a)",
             "pupil": {"upn": "A372990030001", "first_name": "Noah", "last_name": "Penhallow", "date_of_birth": "2011-10-02"},
             "parents": [{"name": "Kim Penhallow", "phone": "07700 900456"}], "destination": {"school_urn": "990004"}}
            """, as: officer)
        // Left Riverside for Oakfield, and arrived: the expected arrival is fulfilled.
        let pupil = #"{"first_name": "Freya", "last_name": "Marchbank", "date_of_birth": "2014-08-17"}"#
        try await notice("""
            {"type": "removal", "school_urn": "990002", "event_date": "\(daysAgo(10))", "ground": "9(1)(a)", "pupil": \(pupil),
             "parents": [{"name": "Sam Marchbank", "phone": "07700 900789"}], "destination": {"school_urn": "990005"}}
            """, as: officer)
        try await notice(#"{"type": "addition", "school_urn": "990005", "event_date": "\#(daysAgo(6))", "pupil": \#(pupil)}"#, as: officer)
        // Removed from Meadow (the demo school's own notice) to elective home education.
        try await notice("""
            {"type": "removal", "school_urn": "990001", "event_date": "\(daysAgo(1))", "ground": "9(1)(f)",
             "pupil": {"first_name": "Isaac", "last_name": "Thornbury", "date_of_birth": "2013-03-09"},
             "parents": [{"name": "Ruth Thornbury", "phone": "07700 900321",
                          "address": {"line1": "2 Demo Lane", "town": "Rotherham", "postcode": "S60 3EH"}}],
             "notes": "Parents have written to say they will educate at home."}
            """, as: school)
        // The EHE team's register: Isaac's spell with the parents' reason, and a spell started two
        // months ago where the education offered looked unsuitable: a s437(1) notice served.
        let spells = try await services.ehe.list(current: true, cursor: nil, limit: 1, as: officer)
        if let isaac = spells.items.first {
            _ = try await services.ehe.setReason(isaac.id, body: body(#"{"reason": "philosophical_or_preferential"}"#), as: officer,
                                                 idempotency: nil) { reply($0.id) }
        }
        let grace = try await accept(try await refer("Grace", "Holloway", born: "2012-04-14", reason: "ehe_not_engaging", lastAttended: 70))
        let graceChild = try await services.cases.caseView(grace, as: officer).child.id
        let graceSpell = try await created(services.ehe.create(body: body("""
            {"child_id": "\(graceChild.lowercasedString)", "starts_on": "\(daysAgo(60))", "reason": "dissatisfaction_with_school"}
            """), as: officer, idempotency: nil) { reply($0.id) })
        _ = try await services.ehe.addEvent(graceSpell, body: body(#"{"kind": "s437_notice", "date": "\#(daysAgo(20))"}"#), as: officer,
                                            idempotency: nil) { reply($0.id) }
        _ = try await services.rollNotifications.sweepArrivals(as: system)
        return true
    }

    private static func body(_ json: String) -> RequestBody { RequestBody(bytes: Array(json.utf8), contentType: "application/json") }

    /// A render that keeps only the id of what was made.
    private static func reply(_ id: UUID) -> StoredReply { StoredReply(status: 201, body: Array(id.lowercasedString.utf8)) }

    private static func created(_ reply: StoredReply) throws -> UUID {
        guard let id = UUID(uuidString: String(decoding: reply.body, as: UTF8.self)) else { throw DemoError() }
        return id
    }

    struct DemoError: Error {}
}

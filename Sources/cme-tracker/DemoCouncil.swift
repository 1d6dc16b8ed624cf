import CMEDomain
import CMEService
import CMEStore
import Foundation

/// The demo council of `seed-demo` (and `make run`): LA 372 on the national default policy, five fictional
/// schools, this academic year's term dates, one client per role, and a register to look at
/// (`DemoCasework`, made once). Safe to re-run: schools and the calendar are upserted; the previous
/// demo clients are deleted and new ones made, since a token is shown only once.
enum DemoCouncil {
    static let la = LACode("372")!
    static let schools: [SchoolRow] = [
        SchoolRow(urn: "990001", laestab: "3722901", name: "Demo Meadow Primary School", phase: "Primary", type: "Community school", status: "Open", postcode: "S60 1AA"),
        SchoolRow(urn: "990002", laestab: "3722902", name: "Demo Riverside Primary Academy", phase: "Primary", type: "Academy converter", status: "Open", postcode: "S61 2BB"),
        SchoolRow(urn: "990003", laestab: "3724901", name: "Demo Hillside Academy", phase: "Secondary", type: "Academy sponsor led", status: "Open", postcode: "S62 3CC"),
        SchoolRow(urn: "990004", laestab: "3724902", name: "Demo St Anne's Catholic High School", phase: "Secondary", type: "Voluntary aided school", status: "Open", postcode: "S63 4DD"),
        SchoolRow(urn: "990005", laestab: "3727901", name: "Demo Oakfield Special School", phase: "Not applicable", type: "Community special school", status: "Open", postcode: "S64 5EE"),
    ]

    /// Seeds the council and returns the lines to print: one `ROLE TOKEN` per role.
    static func seed(_ services: CMEServices) async throws -> String {
        let actor = Actor(clientID: nil, role: "cli", laCode: la.value, requestID: "cli-seed-demo-\(getpid())")
        _ = try await services.councils.register(laCode: la, name: nil, as: actor)
        _ = try await services.schools.load(schools, as: actor)
        try await seedCalendar(services, as: actor)
        for old in try await services.clients.list(as: actor, after: nil, limit: 200) where old.name.hasPrefix("Demo ") {
            try await services.clients.delete(old.id, as: actor)
        }
        var out = "Demo council 372 (Rotherham). A new token for each role (shown once):\n"
        var callers: [Role: Caller] = [:]
        for role in Role.allCases {
            let input = NewClient(role: role.rawValue, name: "Demo \(role.rawValue)",
                                  schoolURN: role == .school ? schools[0].urn : nil,
                                  agencyType: role == .agency ? "police" : nil,
                                  agencyName: role == .agency ? "Demo Police" : nil)
            let reply = try await services.clients.create(input, as: actor) { created in
                // The client's id, then its token.
                StoredReply(status: 201, body: Array((created.client.id.lowercasedString + " " + created.token).utf8))
            }
            let parts = String(decoding: reply.body, as: UTF8.self).split(separator: " ")
            let id = UUID(uuidString: String(parts[0]))!
            callers[role] = Caller(clientID: id, role: role, laCode: la.value, name: input.name!, schoolURN: input.schoolURN,
                                   agencyType: input.agencyType, agencyName: input.agencyName, requestID: actor.requestID)
            out += role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + parts[1] + "\n"
        }
        if try await DemoCasework.seed(services, officer: callers[.officer]!, school: callers[.school]!,
                                       system: Actor(clientID: nil, role: "system", laCode: la.value, requestID: actor.requestID)) {
            out += "Demo casework loaded: cases open, located, pending transfer and closed, a referral to triage, enquiries, visits,\n"
            out += "tasks, roll notifications (one pupil left Demo Hillside Academy for St Anne's five weeks ago and never arrived),\n"
            out += "and two spells of elective home education, one with a s437(1) notice served.\n"
        }
        return out
    }
}

extension DemoCouncil {
    /// Typical English term dates for the academic year under way (September to August).
    static func seedCalendar(_ services: CMEServices, as actor: Actor) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        let today = calendar.dateComponents([.year, .month], from: Date())
        let y = (today.month ?? 1) >= 9 ? today.year! : today.year! - 1
        typealias Term = CalendarService.NewCalendar.NewTerm
        let terms: [Term?] = [
            Term(start: "\(y)-09-03", end: "\(y)-12-18"),
            Term(start: "\(y + 1)-01-05", end: "\(y + 1)-03-26"),
            Term(start: "\(y + 1)-04-13", end: "\(y + 1)-07-21"),
        ]
        _ = try await services.calendars.put(CalendarService.NewCalendar(terms: terms, closures: ["\(y)-10-26"]),
                                             academicYear: AcademicYear(startYear: y), as: actor)
    }
}

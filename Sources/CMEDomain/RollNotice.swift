/// A statutory roll notification as read from its JSON (`POST /v1/roll-notifications`, one batch
/// item): Regulation 13's content, checked field by field. A notice is never refused for being late;
/// it is refused only when it cannot be understood (an unknown ground, no pupil name, a removal with
/// no parent to contact).
public struct RollNotice: Hashable, Sendable {
    public struct Pupil: Hashable, Sendable, Codable {
        public var upn: String?
        public var firstName: String
        public var lastName: String
        public var dateOfBirth: CalendarDate?
        public var gender: Gender?
        public var address: Address?
        enum CodingKeys: String, CodingKey {
            case upn, firstName = "first_name", lastName = "last_name", dateOfBirth = "date_of_birth", gender, address
        }
    }

    public struct Parent: Hashable, Sendable, Codable {
        public var name: String
        public var address: Address?
        public var phone: String?
    }

    public struct Destination: Hashable, Sendable, Codable {
        public var schoolUrn: String?
        public var ctfCode: CTFDestinationCode?
        public var laCode: String?
        public var country: String?
        public var startDate: CalendarDate?
        enum CodingKeys: String, CodingKey {
            case schoolUrn = "school_urn", ctfCode = "ctf_code", laCode = "la_code", country, startDate = "start_date"
        }
    }

    public var type: RollNotificationType
    public var schoolURN: URN
    public var eventDate: CalendarDate
    public var pupil: Pupil
    public var parents: [Parent]
    /// The 2024 ground and the code as reported (removals only).
    public var ground: ReportedRemovalGround?
    public var futureAddress: Address?
    public var futureAddressFrom: CalendarDate?
    public var destination: Destination?
    public var notes: String?

    /// A destination school is named (a URN, not a CTF special code).
    public var destinationSchoolKnown: Bool { destination?.schoolUrn != nil }

    /// The whereabouts are unknown: `XXXXXXX`, or no destination at all on a ground that means it.
    public var destinationUnknown: Bool { destination?.ctfCode == .destinationUnknown }

    public static let maxParents = 10

    /// Reads one notice. `received` bounds the event date: a notice about a day more than a year
    /// ahead is a typing error, not a plan.
    public static func read(_ body: JSONValue, receivedOn today: CalendarDate) -> Result<RollNotice, FieldErrors> {
        var r = FormReader(body)
        guard body.objectValue != nil else {
            r.errors.add(.root, "must be a JSON object")
            return .failure(r.errors)
        }
        let type = r.choice("/type", RollNotificationType.self, required: true)
        let urn = r.urn("/school_urn", required: true)
        let event = r.date("/event_date", required: true, notAfter: today.adding(days: 366), notBefore: CalendarDate(year: 2000, month: 1, day: 1))
        var pupil: Pupil?
        if r.object("/pupil", required: true) {
            let upn = ReferralForm.readUPN(&r, at: "/pupil/upn")
            let first = r.string("/pupil/first_name", required: true, maxLength: 100)
            let last = r.string("/pupil/last_name", required: true, maxLength: 100)
            let born = r.date("/pupil/date_of_birth", notAfter: today, notBefore: CalendarDate(year: 1990, month: 1, day: 1))
            let gender = r.choice("/pupil/gender", Gender.self)
            let address = r.address("/pupil/address")
            if let first, let last {
                pupil = Pupil(upn: upn, firstName: first, lastName: last, dateOfBirth: born, gender: gender, address: address)
            }
        }
        var parents: [Parent] = []
        for i in 0..<(r.arrayCount("/parents", max: maxParents) ?? 0) {
            let p = JSONPointer(tokens: ["parents", String(i)])
            guard r.object(p, required: true) else { continue }
            let name = r.string(p.appending("name"), required: true)
            let parent = Parent(name: name ?? "", address: r.address(p.appending("address")), phone: r.string(p.appending("phone"), maxLength: 40))
            if name != nil { parents.append(parent) }
        }
        var destination: Destination?
        if r.object("/destination") {
            let school = r.urn("/destination/school_urn")
            let ctf = r.choice("/destination/ctf_code", CTFDestinationCode.self)
            if school != nil && ctf != nil { r.errors.add("/destination/ctf_code", "give a school_urn or a ctf_code, not both") }
            destination = Destination(schoolUrn: school?.value, ctfCode: ctf, laCode: r.laCode("/destination/la_code")?.value,
                                      country: r.string("/destination/country", maxLength: 100),
                                      startDate: r.date("/destination/start_date", notBefore: CalendarDate(year: 2000, month: 1, day: 1)))
        }
        var ground: ReportedRemovalGround?
        let groundText = r.string("/ground", maxLength: 40)
        if type == .removal {
            switch RemovalGround.lookup(groundText ?? "", destinationSchoolGiven: destination?.schoolUrn != nil) {
            case .success(let g): ground = g
            case .failure(let e): r.errors.add("/ground", e.message)
            }
            // Regulation 13: a deletion names the parents the pupil lives with, and a way to reach them.
            if !parents.contains(where: { $0.phone != nil || $0.address != nil }) && r.errors.pointers.allSatisfy({ !$0.hasPrefix("/parents") }) {
                r.errors.add("/parents", "a removal needs at least one parent with a phone number or an address")
            }
            if let g = ground?.ground, g.consequences.expectedArrival == .always, destination?.schoolUrn == nil {
                r.errors.add("/destination/school_urn", "ground \(g.rawValue) means the pupil is registered at another school: name it")
            }
        } else if type == .addition, groundText != nil {
            r.errors.add("/ground", "an addition has no removal ground")
        }
        let futureAddress = r.address("/future_address")
        let futureFrom = r.date("/future_address_from")
        let notes = r.string("/notes", maxLength: 4_000)
        guard r.errors.isEmpty, let type, let urn, let event, let pupil else { return .failure(r.errors) }
        return .success(RollNotice(type: type, schoolURN: urn, eventDate: event, pupil: pupil, parents: parents, ground: ground,
                                   futureAddress: futureAddress, futureAddressFrom: futureFrom, destination: destination, notes: notes))
    }

    /// How late the notice is, received on `receivedOn` (docs/roll-notifications.md): school days over
    /// (event_date, received], and calendar days past the deadline.
    public func lateness(receivedOn: CalendarDate, policy: DeadlinePolicy, calendar: SchoolCalendar) -> (Lateness, daysLate: Int) {
        switch type {
        case .addition:
            let l = Lateness.ofAddition(eventDate: eventDate, receivedOn: receivedOn, deadlineSchoolDays: policy.rollNotificationDeadlineSchoolDays,
                                        calendar: calendar)
            guard l.isLate else { return (l, 0) }
            let deadline = calendar.date(adding: policy.rollNotificationDeadlineSchoolDays, schoolDaysTo: eventDate).value
            return (l, max(0, receivedOn.days(since: deadline)))
        case .removal:
            let l = Lateness.ofRemoval(eventDate: eventDate, receivedOn: receivedOn, calendar: calendar)
            return (l, max(0, receivedOn.days(since: eventDate)))
        }
    }
}

extension Address {
    /// As JSON: every line, `null` when missing.
    public var json: JSONValue {
        func s(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }
        return .object(["line1": s(line1), "line2": s(line2), "town": s(town), "postcode": s(postcode)])
    }
}

extension RollNotice {
    private static func s(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }

    /// The pupil as stored and shown (`pupil` of a notification).
    public var pupilJSON: JSONValue {
        .object(["upn": Self.s(pupil.upn), "first_name": .string(pupil.firstName), "last_name": .string(pupil.lastName),
                 "date_of_birth": Self.s(pupil.dateOfBirth?.iso8601), "gender": Self.s(pupil.gender?.rawValue),
                 "address": pupil.address?.json ?? .null])
    }

    public var parentsJSON: JSONValue {
        .array(parents.map { .object(["name": .string($0.name), "address": $0.address?.json ?? .null, "phone": Self.s($0.phone)]) })
    }

    public var destinationJSON: JSONValue? {
        destination.map {
            .object(["school_urn": Self.s($0.schoolUrn), "ctf_code": Self.s($0.ctfCode?.rawValue), "la_code": Self.s($0.laCode),
                     "country": Self.s($0.country), "start_date": Self.s($0.startDate?.iso8601)])
        }
    }
}

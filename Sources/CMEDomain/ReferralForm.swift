/// The CME1/CME2 referral forms as data (`POST /v1/referrals`): who refers, the child, the family,
/// the last school, why, and the checks already made. Read by `ReferralForm.read`, which reports
/// every wrong field at once; stored and returned as the JSON of this type (snake_case keys).
public struct ReferralForm: Hashable, Sendable, Codable {
    public struct Source: Hashable, Sendable, Codable {
        public var kind: ReferralSourceKind
        public var organisation: String?
        public var schoolUrn: String?
        public var agencyType: AgencyType?
        public var name: String?
        public var phone: String?
        public var email: String?
        enum CodingKeys: String, CodingKey {
            case kind, organisation, schoolUrn = "school_urn", agencyType = "agency_type", name, phone, email
        }
    }

    /// The child as the form describes it (the people record's fields, docs/casework.md).
    public struct Child: Hashable, Sendable, Codable {
        public var upn: String?
        public var firstName: String
        public var lastName: String
        public var otherNames: [String]
        public var dateOfBirth: CalendarDate
        public var gender: Gender?
        public var ethnicity: String?
        public var eal: Bool?
        public var fsm: Bool?
        public var sen: SENProvision?
        public var lookedAfter: Bool
        public var childProtectionPlan: Bool
        public var childInNeedPlan: Bool
        public var vulnerableGroups: [String]
        public var address: Address?
        public var phone: String?
        public var gp: String?
        enum CodingKeys: String, CodingKey {
            case upn, firstName = "first_name", lastName = "last_name", otherNames = "other_names", dateOfBirth = "date_of_birth"
            case gender, ethnicity, eal, fsm, sen, lookedAfter = "looked_after", childProtectionPlan = "child_protection_plan"
            case childInNeedPlan = "child_in_need_plan", vulnerableGroups = "vulnerable_groups", address, phone, gp
        }
    }

    public struct Parent: Hashable, Sendable, Codable {
        public var name: String
        public var relationship: String?
        public var parentalResponsibility: Bool?
        public var phone: String?
        public var email: String?
        public var address: Address?
        enum CodingKeys: String, CodingKey {
            case name, relationship, parentalResponsibility = "parental_responsibility", phone, email, address
        }
    }

    public struct Sibling: Hashable, Sendable, Codable {
        public var name: String
        public var dateOfBirth: CalendarDate?
        public var school: String?
        enum CodingKeys: String, CodingKey { case name, dateOfBirth = "date_of_birth", school }
    }

    public struct LastSchool: Hashable, Sendable, Codable {
        public var urn: String?
        public var name: String?
        public var laCode: String?
        enum CodingKeys: String, CodingKey { case urn, name, laCode = "la_code" }
    }

    public struct AgencyInvolved: Hashable, Sendable, Codable {
        public var type: String
        public var name: String?
        public var contact: String?
    }

    public struct CheckCompleted: Hashable, Sendable, Codable {
        public var check: SchoolCheck
        public var doneOn: CalendarDate?
        public var by: String?
        public var outcome: String?
        enum CodingKeys: String, CodingKey { case check, doneOn = "done_on", by, outcome }
    }

    public var source: Source
    public var child: Child
    public var parents: [Parent]
    public var siblings: [Sibling]
    public var lastSchool: LastSchool?
    public var dateLastAttended: CalendarDate?
    public var dateLastOnRoll: CalendarDate?
    public var reason: ReferralReason
    public var reasonDetail: String?
    public var agenciesInvolved: [AgencyInvolved]
    public var safeguardingConcerns: String?
    public var checksCompleted: [CheckCompleted]

    enum CodingKeys: String, CodingKey {
        case source, child, parents, siblings, lastSchool = "last_school", dateLastAttended = "date_last_attended"
        case dateLastOnRoll = "date_last_on_roll", reason, reasonDetail = "reason_detail", agenciesInvolved = "agencies_involved"
        case safeguardingConcerns = "safeguarding_concerns", checksCompleted = "checks_completed"
    }

    /// Limits of the form: enough for any real family, small enough that a body cannot grow without end.
    public static let maxParents = 20, maxSiblings = 20, maxAgencies = 20, maxChecks = 50, maxLongText = 4_000

    /// Reads a form received on `receivedOn` (Europe/London). Dates of the past (birth, last attended,
    /// checks) may not be after that day. `did_not_arrive` is the service's own reason (the
    /// expected-arrival sweep) and is refused from clients unless `allowServiceReasons`.
    public static func read(_ body: JSONValue, receivedOn today: CalendarDate, allowServiceReasons: Bool = false)
        -> Result<ReferralForm, FieldErrors> {
        var r = FormReader(body)
        guard body.objectValue != nil else {
            r.errors.add(.root, "must be a JSON object")
            return .failure(r.errors)
        }
        // Source.
        var source: Source?
        if r.object("/source", required: true) {
            let kind = r.choice("/source/kind", ReferralSourceKind.self, required: true)
            let urn = r.urn("/source/school_urn", required: kind == .school)
            source = kind.map {
                Source(kind: $0, organisation: r.string("/source/organisation"), schoolUrn: urn?.value,
                       agencyType: r.choice("/source/agency_type", AgencyType.self), name: r.string("/source/name"),
                       phone: r.string("/source/phone", maxLength: 40), email: r.string("/source/email", maxLength: 254))
            }
        }
        // Child.
        var child: Child?
        if r.object("/child", required: true) {
            let upn = readUPN(&r, at: "/child/upn")
            let first = r.string("/child/first_name", required: true, maxLength: 100)
            let last = r.string("/child/last_name", required: true, maxLength: 100)
            let born = r.date("/child/date_of_birth", required: true, notAfter: today, notBefore: CalendarDate(year: 1990, month: 1, day: 1))
            let others = r.strings("/child/other_names") ?? []
            let gender = r.choice("/child/gender", Gender.self)
            let ethnicity = r.string("/child/ethnicity", maxLength: 100)
            let eal = r.bool("/child/eal"), fsm = r.bool("/child/fsm")
            let sen = r.choice("/child/sen", SENProvision.self)
            let lookedAfter = r.bool("/child/looked_after") ?? false
            let cp = r.bool("/child/child_protection_plan") ?? false
            let cin = r.bool("/child/child_in_need_plan") ?? false
            let groups = r.strings("/child/vulnerable_groups") ?? []
            let address = r.address("/child/address")
            let phone = r.string("/child/phone", maxLength: 40), gp = r.string("/child/gp")
            if let first, let last, let born {
                child = Child(upn: upn, firstName: first, lastName: last, otherNames: others, dateOfBirth: born, gender: gender,
                              ethnicity: ethnicity, eal: eal, fsm: fsm, sen: sen, lookedAfter: lookedAfter, childProtectionPlan: cp,
                              childInNeedPlan: cin, vulnerableGroups: groups, address: address, phone: phone, gp: gp)
            }
        }
        // Family.
        var parents: [Parent] = []
        for i in 0..<(r.arrayCount("/parents", max: maxParents) ?? 0) {
            let p = JSONPointer(tokens: ["parents", String(i)])
            guard r.object(p, required: true) else { continue }
            let name = r.string(p.appending("name"), required: true)
            let parent = Parent(name: name ?? "", relationship: r.string(p.appending("relationship"), maxLength: 100),
                                parentalResponsibility: r.bool(p.appending("parental_responsibility")),
                                phone: r.string(p.appending("phone"), maxLength: 40), email: r.string(p.appending("email"), maxLength: 254),
                                address: r.address(p.appending("address")))
            if name != nil { parents.append(parent) }
        }
        var siblings: [Sibling] = []
        for i in 0..<(r.arrayCount("/siblings", max: maxSiblings) ?? 0) {
            let p = JSONPointer(tokens: ["siblings", String(i)])
            guard r.object(p, required: true) else { continue }
            let name = r.string(p.appending("name"), required: true)
            let sibling = Sibling(name: name ?? "", dateOfBirth: r.date(p.appending("date_of_birth"), notAfter: today),
                                  school: r.string(p.appending("school")))
            if name != nil { siblings.append(sibling) }
        }
        var lastSchool: LastSchool?
        if r.object("/last_school") {
            lastSchool = LastSchool(urn: r.urn("/last_school/urn")?.value, name: r.string("/last_school/name"),
                                    laCode: r.laCode("/last_school/la_code")?.value)
        }
        let lastAttended = r.date("/date_last_attended", notAfter: today)
        let lastOnRoll = r.date("/date_last_on_roll", notAfter: today.adding(days: 366))
        let reason = r.choice("/reason", ReferralReason.self, required: true, except: allowServiceReasons ? [] : [.didNotArrive])
        let reasonDetail = r.string("/reason_detail", maxLength: maxLongText)
        var agencies: [AgencyInvolved] = []
        for i in 0..<(r.arrayCount("/agencies_involved", max: maxAgencies) ?? 0) {
            let p = JSONPointer(tokens: ["agencies_involved", String(i)])
            guard r.object(p, required: true) else { continue }
            if let type = r.string(p.appending("type"), required: true, maxLength: 100) {
                agencies.append(AgencyInvolved(type: type, name: r.string(p.appending("name")), contact: r.string(p.appending("contact"))))
            }
        }
        let concerns = r.string("/safeguarding_concerns", maxLength: maxLongText)
        var checks: [CheckCompleted] = []
        for i in 0..<(r.arrayCount("/checks_completed", max: maxChecks) ?? 0) {
            let p = JSONPointer(tokens: ["checks_completed", String(i)])
            guard r.object(p, required: true) else { continue }
            let check = r.choice(p.appending("check"), SchoolCheck.self, required: true)
            let done = r.date(p.appending("done_on"), notAfter: today)
            let by = r.string(p.appending("by")), outcome = r.string(p.appending("outcome"), maxLength: 1_000)
            if let check { checks.append(CheckCompleted(check: check, doneOn: done, by: by, outcome: outcome)) }
        }
        guard r.errors.isEmpty, let source, let child, let reason else { return .failure(r.errors) }
        return .success(ReferralForm(source: source, child: child, parents: parents, siblings: siblings, lastSchool: lastSchool,
                                     dateLastAttended: lastAttended, dateLastOnRoll: lastOnRoll, reason: reason,
                                     reasonDetail: reasonDetail, agenciesInvolved: agencies, safeguardingConcerns: concerns,
                                     checksCompleted: checks))
    }

    /// A UPN: 13 ASCII letters and digits in the UPN's layout, upper-cased. A wrong check letter is
    /// not an error here (the school's records hold it so); `warnings` reports it.
    public static func readUPN(_ r: inout FormReader, at p: JSONPointer) -> String? {
        guard let text = r.string(p, maxLength: 40) else { return nil }
        switch UPN.parse(text) {
        case .success(let upn): return upn.value
        case .failure(.wrongCheckLetter):
            return text.uppercased()   // ASCII already checked by the parser before the check letter
        case .failure(let error):
            r.errors.add(p, error.message)
            return nil
        }
    }

    /// The warnings of a valid form: what should not stop a referral but an officer should see.
    public func warnings(receivedOn today: CalendarDate, policy: DeadlinePolicy) -> [ReferralWarning] {
        var out: [ReferralWarning] = []
        if source.kind == .school {
            let done = checksCompleted.map(\.check)
            for missing in policy.missingSchoolChecks(completed: done) {
                out.append(ReferralWarning(code: .missingSchoolCheck, pointer: "/checks_completed",
                                           message: "the council expects a school to record the \(missing.rawValue) check before referring"))
            }
        }
        let age = CompulsorySchoolAge(dateOfBirth: child.dateOfBirth)
        switch age.status(on: today) {
        case .ofCompulsorySchoolAge: break
        case .notYetOfCompulsorySchoolAge:
            out.append(ReferralWarning(code: .notCompulsorySchoolAge, pointer: "/child/date_of_birth",
                                       message: "the child is not of compulsory school age until \(age.startDate)"))
        case .pastCompulsorySchoolAge:
            out.append(ReferralWarning(code: .notCompulsorySchoolAge, pointer: "/child/date_of_birth",
                                       message: "the child ceased to be of compulsory school age on \(age.endDate)"))
        }
        if let upn = child.upn, case .failure(.wrongCheckLetter(let expected, let found)) = UPN.parse(upn) {
            out.append(ReferralWarning(code: .upnCheckLetter, pointer: "/child/upn",
                                       message: "the check letter is \(found) but the UPN's digits give \(expected); the UPN is kept as sent"))
        }
        return out
    }
}

/// A warning on a referral (docs/casework.md): `{code, message, pointer}`.
public struct ReferralWarning: Hashable, Sendable, Codable {
    public enum Code: String, Hashable, Sendable, Codable, CaseIterable {
        case missingSchoolCheck = "missing_school_check"
        case notCompulsorySchoolAge = "not_compulsory_school_age"
        case upnCheckLetter = "upn_check_letter"
    }
    public var code: Code
    public var pointer: String?
    public var message: String

    public init(code: Code, pointer: String?, message: String) {
        self.code = code
        self.pointer = pointer
        self.message = message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encode(pointer, forKey: .pointer)
    }
}

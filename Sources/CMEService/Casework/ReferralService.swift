import CMEDomain
import CMEStore
import Foundation
import Runtime

/// Referrals: intake from every source with matching, lists, and triage (`/v1/referrals`).
public struct ReferralService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    /// Roles that see a referral's matches (other children, their cases and schools). A school, an
    /// agency or the public web form never learns where a child is from a referral it sent.
    public static let seesMatches: Set<Role> = [.officer, .admin]

    /// Takes a referral: validates the whole form, checks a school or agency client refers as itself,
    /// matches the child, attaches or records the child, raises the triage task. `render` makes the
    /// stored answer inside the transaction (an idempotent replay gives it again).
    public func submit(_ body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (ReferralRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        let today = work.clock.today
        var form: ReferralForm
        switch ReferralForm.read(json, receivedOn: today) {
        case .success(let f): form = f
        case .failure(let errors): throw ServiceError.invalid(errors)
        }
        switch caller.role {
        case .school:
            guard form.source.kind == .school else {
                throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/source/kind", message: "a school client refers as school")]))
            }
            guard let urn = form.source.schoolUrn, Array(urn.utf8) == Array((caller.schoolURN ?? "").utf8) else {
                throw ServiceError.forbidden("A school client may refer only for its own school (\(caller.schoolURN ?? "")).")
            }
        case .agency:
            guard form.source.kind == .agency else {
                throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/source/kind", message: "an agency client refers as agency")]))
            }
            if form.source.agencyType == nil { form.source.agencyType = caller.agencyType.flatMap(AgencyType.init(rawValue:)) }
            if form.source.organisation == nil { form.source.organisation = caller.agencyName }
        default: break
        }
        let submitted = form
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            let warnings = submitted.warnings(receivedOn: rules.today, policy: rules.policy)
            let (childID, matches) = try await Self.matchAndRecordChild(unit, submitted.child)
            let referral = ReferralRecord(id: TimeOrderedID.make(), laCode: caller.laCode, status: .received, receivedAt: rules.now, receivedOn: rules.today,
                                          submittedBy: caller.clientID, sourceKind: submitted.source.kind, reason: submitted.reason,
                                          childID: childID, form: try JSONValue(encoding: submitted), warnings: try JSONValue(encoding: warnings),
                                          matches: .array(matches), caseID: nil, decision: nil, version: 1, updatedAt: rules.now)
            try await unit.referrals.insert(referral)
            unit.audit("create", subjectType: "referral", subjectID: referral.id.lowercasedString)
            try await Casework.addTask(unit, .triageReferral, due: rules.due(rules.policy.triagePeriod), now: rules.now, referralID: referral.id)
            return try render(referral)
        }
    }

    /// Compares the form's child with the council's children; attaches the referral to the child
    /// when the best candidate is (almost) certainly the same one, filling in what its record lacks;
    /// else records a new child. Returns the child's id and the matches (`{child_id, case_id, score,
    /// reasons, on_roll_at}`), best first.
    static func matchAndRecordChild(_ unit: UnitOfWork, _ c: ReferralForm.Child) async throws -> (UUID, [JSONValue]) {
        let d = c.dateOfBirth
        let rows = try await unit.children.candidates(upn: c.upn, firstNameKey: NameNormalisation.compact(c.firstName),
                                                       lastNameKey: NameNormalisation.compact(c.lastName), dateOfBirth: d,
                                                       swappedDateOfBirth: d.withDayAndMonthSwapped, limit: 200)
        let probe = ChildRecord(upn: c.upn.flatMap(UPN.init), firstName: c.firstName, lastName: c.lastName, dateOfBirth: d,
                                postcode: c.address?.postcodeKey)
        var scored: [(row: ChildRow, match: ChildMatch)] = []
        for row in rows {
            let known = ChildRecord(upn: row.upn.flatMap(UPN.init), firstName: row.firstName, lastName: row.lastName,
                                    dateOfBirth: row.dateOfBirth, postcode: row.postcodeKey)
            let m = ChildMatching.match(probe, known, recordedUPNs: (c.upn, row.upn))
            if m.isCandidate { scored.append((row, m)) }
        }
        scored.sort { ($0.match.score, $1.row.id.lowercasedString) > ($1.match.score, $0.row.id.lowercasedString) }
        scored = Array(scored.prefix(10))

        let childID: UUID
        if let best = scored.first, best.match.isLikelySameChild,
           best.match.reasons.contains(.upnExact) || best.row.upn == nil || c.upn == nil {
            childID = best.row.id
            let filled = fill(best.row, from: c)
            if filled != best.row {
                try await unit.children.update(filled)
                unit.audit("update", subjectType: "child", subjectID: childID.lowercasedString)
            }
        } else {
            let row = childRow(c, id: TimeOrderedID.make())
            try await unit.children.insert(row)
            unit.audit("create", subjectType: "child", subjectID: row.id.lowercasedString)
            childID = row.id
        }
        let ids = scored.map(\.row.id)
        let cases = try await unit.cases.liveCaseIDs(ofChildren: ids)
        let places = try await unit.roll.currentPlaces(of: ids)
        let matches: [JSONValue] = scored.map { s in
            unit.audit("match", subjectType: "child", subjectID: s.row.id.lowercasedString)
            let place = places[s.row.id].map { JSONValue.object(["school_urn": .string($0.schoolURN), "since": .string($0.since.iso8601)]) }
            return .object(["child_id": .string(s.row.id.lowercasedString), "case_id": .text(cases[s.row.id]?.lowercasedString),
                            "score": .number((s.match.score * 100).rounded() / 100),
                            "reasons": .array(s.match.reasons.map { .string($0.rawValue) }), "on_roll_at": place ?? .null])
        }
        return (childID, matches)
    }

    /// A new child record from a form.
    static func childRow(_ c: ReferralForm.Child, id: UUID) -> ChildRow {
        ChildRow(id: id, upn: c.upn, firstName: c.firstName, lastName: c.lastName, otherNames: c.otherNames,
                 firstNameKey: NameNormalisation.compact(c.firstName), lastNameKey: NameNormalisation.compact(c.lastName),
                 dateOfBirth: c.dateOfBirth, gender: c.gender?.rawValue, ethnicity: c.ethnicity, eal: c.eal, fsm: c.fsm, sen: c.sen?.rawValue,
                 lookedAfter: c.lookedAfter, childProtectionPlan: c.childProtectionPlan, childInNeedPlan: c.childInNeedPlan,
                 vulnerableGroups: c.vulnerableGroups, addressJSON: c.address?.json.text, postcodeKey: c.address?.postcodeKey,
                 phone: c.phone, gp: c.gp)
    }

    /// What a known child's record lacks, filled from a new form; a plan or status a referral
    /// reports is added (never removed: only an officer's change does that).
    static func fill(_ row: ChildRow, from c: ReferralForm.Child) -> ChildRow {
        var r = row
        if r.upn == nil { r.upn = c.upn }
        if r.dateOfBirth == nil { r.dateOfBirth = c.dateOfBirth }
        if r.gender == nil { r.gender = c.gender?.rawValue }
        if r.ethnicity == nil { r.ethnicity = c.ethnicity }
        if r.eal == nil { r.eal = c.eal }
        if r.fsm == nil { r.fsm = c.fsm }
        if r.sen == nil || (c.sen == .ehcp) { r.sen = c.sen?.rawValue ?? r.sen }
        r.lookedAfter = r.lookedAfter || c.lookedAfter
        r.childProtectionPlan = r.childProtectionPlan || c.childProtectionPlan
        r.childInNeedPlan = r.childInNeedPlan || c.childInNeedPlan
        for g in c.vulnerableGroups where !r.vulnerableGroups.contains(g) { r.vulnerableGroups.append(g) }
        for n in c.otherNames where !r.otherNames.contains(n) { r.otherNames.append(n) }
        if let address = c.address {   // the newest address is the one to look at
            r.addressJSON = address.json.text
            r.postcodeKey = address.postcodeKey
        }
        if let phone = c.phone { r.phone = phone }
        if r.gp == nil { r.gp = c.gp }
        return r
    }

    /// One referral: officers and admins see any of their council's; a school or agency only those it
    /// sent (404 otherwise).
    public func referral(_ id: UUID, as caller: Caller) async throws -> ReferralRecord {
        try await work.database.read(as: caller.actor) { unit in
            guard let r = try await unit.referrals.find(id) else { throw ServiceError.notFound }
            if !Self.seesMatches.contains(caller.role) && r.submittedBy != caller.clientID { throw ServiceError.notFound }
            unit.audit("read", subjectType: "referral", subjectID: id.lowercasedString)
            return r
        }
    }

    public func list(status: ReferralStatus?, sourceKind: ReferralSourceKind?, cursor: String?, limit: Int,
                     as caller: Caller) async throws -> ListPage<ReferralRecord> {
        let after = try SeqCursor.decode(cursor)
        // A school or agency lists the referrals it sent; officers and admins all of the council's.
        let own = Self.seesMatches.contains(caller.role) ? nil : caller.clientID
        return try await work.database.read(as: caller.actor) { unit in
            let page = try await unit.referrals.list(status: status, sourceKind: sourceKind, submittedBy: own, after: after, limit: limit)
            for r in page.rows { unit.audit("list", subjectType: "referral", subjectID: r.id.lowercasedString) }
            return ListPage(items: page.rows, nextCursor: page.more ? page.lastSeq.map(String.init) : nil)
        }
    }

    /// Triage: accept (opens a case), link (to a case that is not closed) or reject (with a reason).
    public func decide(_ id: UUID, precondition: Precondition, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (ReferralRecord) throws -> StoredReply) async throws -> StoredReply {
        try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let referral = try await unit.referrals.find(id, forUpdate: true) else { throw ServiceError.notFound }
            try precondition.check(version: referral.version)
            var r = FormReader(try body.object())
            let decision = r.choice("/decision", TriageDecision.self, required: true)
            var reasonText: String?
            if decision == .reject {
                reasonText = r.choice("/reason", ReferralRejectionReason.self, required: true)?.rawValue
            } else {
                reasonText = r.string("/reason", maxLength: 500)
            }
            let caseText = r.string("/case_id", required: decision == .link, maxLength: 36)
            var linkTo: UUID?
            if decision == .link, let caseText {
                linkTo = UUID(uuidString: caseText)
                if linkTo == nil { r.errors.add("/case_id", "must be the id of a case") }
            }
            let notes = r.string("/notes", maxLength: 4_000)
            try r.errors.throwIfAny()
            guard let decision else { throw ServiceError.invalid(r.errors) }
            guard referral.status == .received else {
                throw ServiceError.conflict("This referral was already decided (\(referral.status.rawValue)).")
            }
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var record: JSONValue = .object(["decision": .string(decision.rawValue), "reason": .text(reasonText), "notes": .text(notes),
                                             "decided_at": .string(rules.now.rfc3339), "decided_by": .string(caller.clientID.lowercasedString)])
            let status: ReferralStatus
            var caseID: UUID?
            switch decision {
            case .accept:
                if let live = try await unit.cases.live(ofChild: referral.childID) {
                    throw ServiceError.conflict("The child already has a case that is not closed (\(live.reference)); link the referral to it.")
                }
                caseID = try await CaseService.open(unit, referral: referral, rules: rules).id
                status = .accepted
            case .link:
                guard let target = linkTo, var linked = try await unit.cases.find(target, forUpdate: true), linked.status != .closed else {
                    throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/case_id", message: "must be a case of this council that is not closed")]))
                }
                caseID = target
                linked = try await unit.cases.update(linked, at: rules.now)
                try await unit.cases.addEvent(target, kind: "referral_linked",
                                              details: .object(["referral_id": .string(referral.id.lowercasedString)]), at: rules.now)
                unit.audit("link", subjectType: "case", subjectID: target.lowercasedString)
                status = .linked
            case .reject:
                status = .rejected
            }
            if case .object(var o) = record { o["case_id"] = .text(caseID?.lowercasedString); record = .object(o) }
            let decided = try await unit.referrals.decide(id, status: status, caseID: caseID, decision: record, at: rules.now)
            _ = try await unit.tasks.completeOpen(kind: .triageReferral, referral: id, at: rules.now)
            unit.audit("decide", subjectType: "referral", subjectID: id.lowercasedString)
            return try render(decided)
        }
    }
}

extension Date {
    /// RFC 3339 UTC with milliseconds, as the API writes instants.
    public var rfc3339: String { Timestamp.rfc3339(self) }
}

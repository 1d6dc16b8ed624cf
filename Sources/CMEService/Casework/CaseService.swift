import CMEDomain
import CMEStore
import Foundation
import Runtime

/// The CME register: opening cases, reading and listing them, their changes and state changes, the
/// timeline, the partner status view, and the untraceable sweep.
public struct CaseService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    /// Opens a case for an accepted referral: the next reference of the council's year, risk flags
    /// from the child, the first review, an alert to the social worker of a child on a plan, and the
    /// `case.opened` outbox event, all in the caller's transaction.
    static func open(_ unit: UnitOfWork, referral: ReferralRecord, rules: CouncilRules) async throws -> CaseRecord {
        guard let child = try await unit.children.find(referral.childID) else { throw MalformedRow() }
        let year = rules.today.year
        let sequence = try await unit.cases.nextSequence(year: year)
        guard let la = LACode(unit.actor.laCode), let reference = CaseReference(laCode: la, year: year, sequence: sequence) else {
            throw ServiceError.conflict("This council has used every case reference of \(year).")
        }
        let flags = Casework.riskFlags(child: child, safeguardingConcern: false, untraceable: false)
        let review = rules.due(rules.policy.reviewPeriod)
        let record = CaseRecord(id: TimeOrderedID.make(), laCode: unit.actor.laCode, reference: reference.description, childID: child.id, status: .open,
                                outcome: nil, reason: referral.reason, openedAt: rules.now, openedOn: rules.today, closedAt: nil,
                                assignedOfficer: nil, riskFlags: flags, safeguardingConcern: false, untraceable: false, lastTraceOn: nil,
                                nextReviewOn: review.value, reviewApproximate: review.isApproximate, closure: nil, located: nil,
                                transfer: nil, version: 1, updatedAt: rules.now, referralIDs: [referral.id])
        do {
            try await unit.cases.insert(record)
        } catch where Database.isUniqueViolation(error) {
            throw ServiceError.conflict("The child already has a case that is not closed; link the referral to it.")
        }
        unit.audit("create", subjectType: "case", subjectID: record.id.lowercasedString)
        try await unit.cases.addEvent(record.id, kind: "case_opened",
                                      details: .object(["reference": .string(record.reference), "referral_id": .string(referral.id.lowercasedString),
                                                        "reason": .string(record.reason.rawValue)]), at: rules.now)
        try await Casework.addTask(unit, .reviewCase, due: review, now: rules.now, caseID: record.id)
        for kind in RiskFlag.tasksWhenCaseOpens(flags) {
            try await Casework.addTask(unit, kind, due: SchoolDayFigure(value: rules.today, isApproximate: false), now: rules.now, caseID: record.id)
        }
        try await unit.outbox.add(topic: "case.opened", subjectType: "case", subjectID: record.id,
                                  payload: .object(["case_id": .string(record.id.lowercasedString), "reference": .string(record.reference),
                                                    "la_code": .string(record.laCode), "risk_flags": .array(flags.map { .string($0.rawValue) })]))
        return record
    }

    public func caseView(_ id: UUID, as caller: Caller) async throws -> CaseView {
        try await work.database.read(as: caller.actor) { unit in
            guard let (record, child, place) = try await unit.cases.findWithChild(id) else { throw ServiceError.notFound }
            unit.audit("read", subjectType: "case", subjectID: id.lowercasedString)
            return CaseView(record: record, child: child, onRollAt: place)
        }
    }

    public func list(_ filter: (status: CaseStatus?, riskFlag: RiskFlag?, assignedOfficer: String?, overdue: Bool?), cursor: String?,
                     limit: Int, as caller: Caller) async throws -> ListPage<CaseView> {
        let after = try SeqCursor.decode(cursor)
        let f = CaseFilter(status: filter.status, riskFlag: filter.riskFlag, assignedOfficer: filter.assignedOfficer, overdue: filter.overdue,
                           today: work.clock.today)
        return try await work.database.read(as: caller.actor) { unit in
            let page = try await unit.cases.list(f, after: after, limit: limit)
            var views: [CaseView] = []
            let places = try await unit.roll.currentPlaces(of: page.rows.map(\.childID))
            let children = try await unit.children.find(ids: page.rows.map(\.childID))
            for record in page.rows {
                guard let child = children[record.childID] else { throw MalformedRow() }
                views.append(CaseView(record: record, child: child, onRollAt: places[record.childID]))
                unit.audit("list", subjectType: "case", subjectID: record.id.lowercasedString)
            }
            return ListPage(items: views, nextCursor: page.more ? page.lastSeq.map(String.init) : nil)
        }
    }

    public func timeline(_ id: UUID, cursor: String?, limit: Int, as caller: Caller) async throws -> ListPage<CaseEvent> {
        let after = try SeqCursor.decode(cursor)
        return try await work.database.read(as: caller.actor) { unit in
            guard try await unit.cases.find(id) != nil else { throw ServiceError.notFound }
            unit.audit("read_timeline", subjectType: "case", subjectID: id.lowercasedString)
            let page = try await unit.cases.events(id, after: after, limit: limit)
            return ListPage(items: page.rows, nextCursor: page.more ? page.rows.last.map { String($0.id) } : nil)
        }
    }

    /// A change with `If-Match`: lock, check the version, then the body; `change` returns the
    /// updated record (already written) and the unit commits it with its events.
    func change(_ id: UUID, _ precondition: Precondition, as caller: Caller, idempotency: IdempotencyClaim?,
                render: (CaseView) throws -> StoredReply,
                _ change: (UnitOfWork, CaseRecord, CouncilRules) async throws -> CaseRecord) async throws -> StoredReply {
        try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            let record = try await Casework.lockedCase(unit, id)
            try precondition.check(version: record.version)
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            let changed = try await change(unit, record, rules)
            return try render(try await Casework.view(unit, changed))
        }
    }

    /// Applies a lifecycle action, or 409 naming what the status allows.
    static func move(_ record: CaseRecord, by action: CaseAction) throws -> CaseStatus {
        switch CaseLifecycle.transition(from: record.status, by: action) {
        case .success(let next): return next
        case .failure(let e): throw ServiceError.conflict("This case is \(e.status.rawValue): \(e.message).")
        }
    }

    public func locate(_ id: UUID, precondition: Precondition, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (CaseView) throws -> StoredReply) async throws -> StoredReply {
        try await change(id, precondition, as: caller, idempotency: idempotency, render: render) { unit, record, rules in
            var r = FormReader(try body.object())
            let on = r.date("/located_on", required: true, notAfter: rules.today)
            let address = r.address("/address")
            let notes = r.string("/notes", maxLength: 4_000)
            try r.errors.throwIfAny()
            var c = record
            c.status = try Self.move(record, by: .locate)
            c.located = .object(["located_on": .string(on!.iso8601), "address": address?.json ?? .null, "notes": .text(notes)])
            c.lastTraceOn = on
            c.untraceable = false
            if let address, var child = try await unit.children.find(c.childID) {
                child.addressJSON = address.json.text
                child.postcodeKey = address.postcodeKey
                try await unit.children.update(child)
                unit.audit("update", subjectType: "child", subjectID: child.id.lowercasedString)
            }
            c.riskFlags = c.riskFlags.filter { $0 != .untraceable }
            let updated = try await unit.cases.update(c, at: rules.now)
            try await unit.cases.addEvent(id, kind: "located", details: c.located!, at: rules.now)
            unit.audit("locate", subjectType: "case", subjectID: id.lowercasedString)
            return updated
        }
    }

    public func transfer(_ id: UUID, precondition: Precondition, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                         render: (CaseView) throws -> StoredReply) async throws -> StoredReply {
        try await change(id, precondition, as: caller, idempotency: idempotency, render: render) { unit, record, rules in
            var r = FormReader(try body.object())
            let la = r.laCode("/la_code")
            let country = r.string("/country", maxLength: 100)
            let notes = r.string("/notes", maxLength: 4_000)
            if la == nil && country == nil && r.errors.isEmpty {
                r.errors.add("/la_code", "give la_code (another council) or country (abroad)")
            }
            if let la, la.value == caller.laCode { r.errors.add("/la_code", "is this council; a move within the area is not a transfer") }
            try r.errors.throwIfAny()
            var c = record
            c.status = try Self.move(record, by: .transfer)
            c.transfer = .object(["la_code": .text(la?.value), "country": .text(country), "notes": .text(notes)])
            let updated = try await unit.cases.update(c, at: rules.now)
            try await unit.cases.addEvent(id, kind: "transferred", details: c.transfer!, at: rules.now)
            unit.audit("transfer", subjectType: "case", subjectID: id.lowercasedString)
            return updated
        }
    }

    public func close(_ id: UUID, precondition: Precondition, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                      render: (CaseView) throws -> StoredReply) async throws -> StoredReply {
        try await change(id, precondition, as: caller, idempotency: idempotency, render: render) { unit, record, rules in
            var r = FormReader(try body.object())
            let fields = ["outcome", "school_urn", "start_date", "provider", "confirmed_on", "la_code", "country", "evidence"]
            var text: [String: String] = [:]
            for f in fields { text[f] = r.string(JSONPointer(tokens: [f]), maxLength: f == "evidence" ? 4_000 : 200) }
            let notes = r.string("/notes", maxLength: 4_000)
            try r.errors.throwIfAny()
            let next = try Self.move(record, by: .close)
            guard let child = try await unit.children.find(record.childID), let la = LACode(caller.laCode) else { throw MalformedRow() }
            let answered = try await unit.enquiries.answered(ofCase: id).compactMap { e -> AnsweredEnquiry? in
                guard let outcome = e.response?["outcome"].flatMap({ v -> EnquiryOutcome? in
                    if case .string(let s) = v { return EnquiryOutcome(rawValue: s) } else { return nil }
                }) else { return nil }
                return AnsweredEnquiry(agencyType: e.agencyType, addressedToLA: e.addressedLACode.flatMap(LACode.init), outcome: outcome)
            }
            let request = ClosureRequest(outcome: text["outcome"], schoolURN: text["school_urn"], startDate: text["start_date"],
                                         provider: text["provider"], confirmedOn: text["confirmed_on"], laCode: text["la_code"],
                                         country: text["country"], evidence: text["evidence"], notes: notes)
            let closure: CaseClosure
            switch ClosureEvidence.validate(request, context: ClosureContext(councilLACode: la, dateOfBirth: child.dateOfBirth,
                                                                             closingOn: rules.today, answeredEnquiries: answered)) {
            case .success(let c): closure = c
            case .failure(let errors): throw ServiceError.invalid(errors)
            }
            var evidence: [String: JSONValue] = ["outcome": .string(closure.outcome.rawValue), "notes": .text(notes)]
            for f in fields.dropFirst() where text[f] != nil { evidence[f] = .string(text[f]!) }
            unit.audit("close", subjectType: "case", subjectID: id.lowercasedString)
            if case .electiveHomeEducation(let confirmedOn) = closure {
                // The child is now home educated: a spell starts on the confirmed day (unless one is current).
                let spell = try await unit.ehe.start(EHERecord(id: TimeOrderedID.make(), childID: record.childID, reason: .unknown,
                                                               startsOn: confirmedOn, createdAt: rules.now))
                if spell.inserted { unit.audit("create", subjectType: "ehe_record", subjectID: spell.id.lowercasedString) }
                evidence["ehe_record_id"] = .string(spell.id.lowercasedString)
            }
            return try await Self.closeCase(unit, record, as: closure.outcome, status: next, evidence: .object(evidence), rules: rules)
        }
    }

    /// Closes a locked case with its evidence: cancels its routine tasks (safeguarding ones stay),
    /// adds the timeline event and the `case.closed` outbox event.
    static func closeCase(_ unit: UnitOfWork, _ record: CaseRecord, as outcome: ClosureOutcome, status: CaseStatus, evidence: JSONValue,
                          rules: CouncilRules) async throws -> CaseRecord {
        var c = record
        c.status = status
        c.outcome = outcome
        c.closedAt = rules.now
        c.nextReviewOn = nil
        c.reviewApproximate = false
        c.closure = evidence
        let updated = try await unit.cases.update(c, at: rules.now)
        try await unit.cases.addEvent(c.id, kind: "closed", details: evidence, at: rules.now)
        for task in try await unit.tasks.cancelOpen(ofCase: c.id, except: TaskRecord.survivesClosure, at: rules.now) {
            unit.audit("cancel", subjectType: "task", subjectID: task.lowercasedString)
        }
        try await unit.outbox.add(topic: "case.closed", subjectType: "case", subjectID: c.id,
                                  payload: .object(["case_id": .string(c.id.lowercasedString), "reference": .string(record.reference),
                                                    "la_code": .string(record.laCode), "outcome": .string(outcome.rawValue)]))
        return updated
    }

    /// An addition at a school closes the child's live case `on_roll` (the notice is the evidence).
    static func closeOnRoll(_ unit: UnitOfWork, caseID: UUID, school: String, startDate: CalendarDate, notification: UUID,
                            rules: CouncilRules) async throws {
        guard let record = try await unit.cases.find(caseID, forUpdate: true), record.status != .closed,
              case .success(let next) = CaseLifecycle.transition(from: record.status, by: .close) else { return }
        let evidence: JSONValue = .object(["outcome": .string(ClosureOutcome.onRoll.rawValue), "school_urn": .string(school),
                                           "start_date": .string(startDate.iso8601), "notification_id": .string(notification.lowercasedString),
                                           "notes": .string("closed by the school's addition notice")])
        _ = try await closeCase(unit, record, as: .onRoll, status: next, evidence: evidence, rules: rules)
        unit.audit("close", subjectType: "case", subjectID: caseID.lowercasedString)
    }

    /// A referral made by the service from a roll notification (a destination unknown, a pupil who
    /// never arrived), accepted into a new case, or linked to the child's live case. With
    /// `pendingTransfer`, the new case awaits confirmation of a move abroad or to the independent
    /// sector (`MMMMMMM`).
    static func openFromNotification(_ unit: UnitOfWork, notification n: RollNotificationRecord, reason: ReferralReason, rules: CouncilRules,
                                     pendingTransfer: RollNotice.Destination?, expectedAt: String? = nil)
        async throws -> (referral: UUID, caseID: UUID, opened: Bool) {
        var detail = "removed from the roll of school \(n.schoolURN) on \(n.eventDate) (ground \(n.reportedGround ?? n.ground ?? "?"))"
        if let expectedAt { detail += "; expected at school \(expectedAt) and not arrived" }
        let form: JSONValue = .object([
            "source": .object(["kind": .string("internal"), "organisation": .string("roll notification"), "school_urn": .string(n.schoolURN)]),
            "child": n.pupil, "reason": .string(reason.rawValue), "reason_detail": .string(detail),
            "date_last_on_roll": .string(n.eventDate.iso8601),
            "roll_notification_id": .string(n.id.lowercasedString),
        ])
        let referral = ReferralRecord(id: TimeOrderedID.make(), laCode: unit.actor.laCode, status: .received, receivedAt: rules.now, receivedOn: rules.today,
                                      submittedBy: unit.actor.clientID, sourceKind: .internal, reason: reason, childID: n.childID, form: form,
                                      warnings: .array([]), matches: .array([]), caseID: nil, decision: nil, version: 1, updatedAt: rules.now)
        try await unit.referrals.insert(referral)
        unit.audit("create", subjectType: "referral", subjectID: referral.id.lowercasedString)
        let decision: JSONValue = .object(["decision": .string("accept"), "reason": .string("made by the service from a roll notification"),
                                           "notes": .null, "decided_at": .string(rules.now.rfc3339)])
        if let live = try await unit.cases.live(ofChild: n.childID) {
            _ = try await unit.referrals.decide(referral.id, status: .linked, caseID: live.id, decision: decision, at: rules.now)
            try await unit.cases.addEvent(live.id, kind: "referral_linked", details: .object(["referral_id": .string(referral.id.lowercasedString)]),
                                          at: rules.now)
            return (referral.id, live.id, false)
        }
        var opened = try await open(unit, referral: referral, rules: rules)
        _ = try await unit.referrals.decide(referral.id, status: .accepted, caseID: opened.id, decision: decision, at: rules.now)
        if let destination = pendingTransfer {
            opened.status = .pendingTransfer
            opened.transfer = .object(["la_code": .text(destination.laCode), "country": .text(destination.country),
                                       "notes": .string("CTF destination MMMMMMM: a school outside England and Wales or in the independent sector")])
            _ = try await unit.cases.update(opened, at: rules.now)
            try await unit.cases.addEvent(opened.id, kind: "transferred", details: opened.transfer!, at: rules.now)
        }
        return (referral.id, opened.id, true)
    }

    public func reopen(_ id: UUID, precondition: Precondition, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (CaseView) throws -> StoredReply) async throws -> StoredReply {
        try await change(id, precondition, as: caller, idempotency: idempotency, render: render) { unit, record, rules in
            var r = FormReader(try body.object())
            let reason = r.string("/reason", required: true, maxLength: 4_000)
            try r.errors.throwIfAny()
            var c = record
            c.status = try Self.move(record, by: .reopen)
            if try await unit.cases.live(ofChild: record.childID) != nil {
                throw ServiceError.conflict("The child has another case that is not closed; work on that one.")
            }
            c.outcome = nil
            c.closedAt = nil
            c.closure = nil
            let review = rules.due(rules.policy.reviewPeriod)
            c.nextReviewOn = review.value
            c.reviewApproximate = review.isApproximate
            let updated = try await unit.cases.update(c, at: rules.now)
            try await unit.cases.addEvent(id, kind: "reopened", details: .object(["reason": .text(reason)]), at: rules.now)
            try await Casework.addTask(unit, .reviewCase, due: review, now: rules.now, caseID: id)
            unit.audit("reopen", subjectType: "case", subjectID: id.lowercasedString)
            return updated
        }
    }

    /// `PATCH`: a JSON merge patch (RFC 7396) of `assigned_officer`, `child` and `vulnerable_groups`.
    public func patch(_ id: UUID, precondition: Precondition, body: RequestBody, as caller: Caller) async throws -> CaseView {
        try await work.database.write(as: caller.actor) { unit in
            let record = try await Casework.lockedCase(unit, id)
            try precondition.check(version: record.version)
            let patch = try body.object()
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            guard var child = try await unit.children.find(record.childID) else { throw MalformedRow() }
            var c = record
            var r = FormReader(patch)
            r.rejectUnknownKeys(.root, known: ["assigned_officer", "child", "vulnerable_groups"])
            if let officer = patch["assigned_officer"] {
                if officer.isNull {
                    c.assignedOfficer = nil
                } else if r.object("/assigned_officer") {
                    r.rejectUnknownKeys("/assigned_officer", known: ["name", "email", "phone"])
                    let name = r.string("/assigned_officer/name", required: true)
                    let email = r.string("/assigned_officer/email", maxLength: 254)
                    if let email, !email.contains("@") { r.errors.add("/assigned_officer/email", "must be an email address") }
                    let phone = r.string("/assigned_officer/phone", maxLength: 40)
                    if let name { c.assignedOfficer = Officer(name: name, email: email, phone: phone) }
                }
            }
            let before = child
            if patch["child"] != nil {
                if r.object("/child", required: true) { ChildPatch.apply(&r, to: &child, today: rules.today) }
            }
            if patch["vulnerable_groups"] != nil {
                if let groups = r.strings("/vulnerable_groups") { child.vulnerableGroups = groups }
                else if patch["vulnerable_groups"]?.isNull == true { child.vulnerableGroups = [] }
            }
            try r.errors.throwIfAny()
            if child != before {
                do {
                    try await unit.children.update(child)
                } catch where Database.isUniqueViolation(error) {
                    throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/child/upn", message: "is another child's UPN in this council")]))
                }
                unit.audit("update", subjectType: "child", subjectID: child.id.lowercasedString)
            }
            let oldFlags = record.riskFlags
            c.riskFlags = Casework.riskFlags(child: child, safeguardingConcern: c.safeguardingConcern, untraceable: c.untraceable)
            let updated = try await unit.cases.update(c, at: rules.now)
            var changed: [JSONValue] = []
            if patch["assigned_officer"] != nil { changed.append(.string("assigned_officer")) }
            if child != before { changed.append(.string("child")) }
            try await unit.cases.addEvent(id, kind: "updated", details: .object(["fields": .array(changed)]), at: rules.now)
            // A plan that appears while the case is live alerts the social worker as at opening.
            let newPlan = c.riskFlags.contains { ($0 == .childProtectionPlan || $0 == .childInNeedPlan) && !oldFlags.contains($0) }
            if newPlan, c.status != .closed {
                try await Casework.addTask(unit, .alertSocialWorker, due: SchoolDayFigure(value: rules.today, isApproximate: false),
                                           now: rules.now, caseID: id)
            }
            try await Self.refreshOtherCases(unit, child: child, except: id, now: rules.now)
            unit.audit("update", subjectType: "case", subjectID: id.lowercasedString)
            return try await Casework.view(unit, updated)
        }
    }

    /// The child's other cases keep their flags in step with the child.
    static func refreshOtherCases(_ unit: UnitOfWork, child: ChildRow, except id: UUID, now: Date) async throws {
        for other in try await unit.cases.all(ofChild: child.id) where other.id != id {
            let flags = Casework.riskFlags(child: child, safeguardingConcern: other.safeguardingConcern, untraceable: other.untraceable)
            if flags != other.riskFlags {
                var o = other
                o.riskFlags = flags
                _ = try await unit.cases.update(o, at: now)
            }
        }
    }

    /// The partner status view: for an agency that referred the child or was asked about the case
    /// (404 for any other), and for officers.
    public func partnerStatus(_ id: UUID, as caller: Caller) async throws -> CaseRecord {
        try await work.database.read(as: caller.actor) { unit in
            guard let record = try await unit.cases.find(id) else { throw ServiceError.notFound }
            if caller.role == .agency {
                let referred = try await unit.referrals.submitted(by: caller.clientID, forCase: id)
                let asked = referred ? true : try await unit.enquiries.asked(caller.clientID, aboutCase: id)
                guard asked else { throw ServiceError.notFound }
            }
            unit.audit("read_status", subjectType: "case", subjectID: id.lowercasedString)
            return record
        }
    }

    /// Flags each open case with no trace of the child for the policy's `untraceable_after`, with
    /// its timeline event and, where the policy says so, a task to tell the police. Safe to run from
    /// several instances at once: the flag is set by an `UPDATE ... WHERE NOT untraceable`, and only
    /// the transaction that set it adds the rest. Returns how many cases it flagged.
    public func sweepUntraceable(as actor: Actor) async throws -> Int {
        // Looked for first in a read, so that a sweep that finds nothing writes nothing (it runs
        // every few minutes); the write re-checks each case under its own guard.
        let due = try await work.database.read(as: actor) { unit -> [CaseRecord] in
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            return try await unit.cases.untraceableCandidates().filter { c in
                rules.due(rules.policy.untraceableAfter, after: c.lastTraceOn ?? c.openedOn).value <= rules.today
            }
        }
        guard !due.isEmpty else { return 0 }
        return try await work.database.write(as: actor) { unit in
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var flagged = 0
            for c in due {
                let since = c.lastTraceOn ?? c.openedOn
                guard let child = try await unit.children.find(c.childID) else { continue }
                let flags = Casework.riskFlags(child: child, safeguardingConcern: c.safeguardingConcern, untraceable: true)
                guard try await unit.cases.markUntraceable(c.id, flags: flags, noTraceSince: c.lastTraceOn, at: rules.now) else { continue }
                flagged += 1
                try await unit.cases.addEvent(c.id, kind: "untraceable",
                                              details: .object(["no_trace_since": .string(since.iso8601),
                                                                "period": .string(rules.policy.untraceableAfter.description)]), at: rules.now)
                for kind in RiskFlag.tasksWhenUntraceable(policy: rules.policy) {
                    try await Casework.addTask(unit, kind, due: SchoolDayFigure(value: rules.today, isApproximate: false), now: rules.now,
                                               caseID: c.id)
                }
                unit.audit("flag_untraceable", subjectType: "case", subjectID: c.id.lowercasedString)
            }
            unit.audit("run", subjectType: "sweep", subjectID: "untraceable")
            return flagged
        }
    }
}

/// The child fields a `PATCH` may change, read with the same rules as a referral's child; `null`
/// clears an optional field and is refused for a required one.
enum ChildPatch {
    static func apply(_ r: inout FormReader, to child: inout ChildRow, today: CalendarDate) {
        let known: Set<String> = ["upn", "first_name", "last_name", "other_names", "date_of_birth", "gender", "ethnicity", "eal", "fsm",
                                  "sen", "looked_after", "child_protection_plan", "child_in_need_plan", "vulnerable_groups", "address",
                                  "phone", "gp"]
        r.rejectUnknownKeys("/child", known: known)
        guard let fields = r.root["child"]?.objectValue else { return }
        func p(_ k: String) -> JSONPointer { JSONPointer(tokens: ["child", k]) }
        for key in fields.keys.sorted() where known.contains(key) {
            let isNull = fields[key]?.isNull ?? false
            switch key {
            case "first_name", "last_name", "date_of_birth", "looked_after", "child_protection_plan", "child_in_need_plan":
                if isNull { r.errors.add(p(key), "cannot be removed"); continue }
            default: break
            }
            switch key {
            case "upn":
                child.upn = isNull ? nil : ReferralForm.readUPN(&r, at: p(key)) ?? child.upn
            case "first_name":
                if let v = r.string(p(key), required: true, maxLength: 100) { child.firstName = v; child.firstNameKey = NameNormalisation.compact(v) }
            case "last_name":
                if let v = r.string(p(key), required: true, maxLength: 100) { child.lastName = v; child.lastNameKey = NameNormalisation.compact(v) }
            case "other_names": child.otherNames = isNull ? [] : r.strings(p(key)) ?? child.otherNames
            case "date_of_birth":
                if let d = r.date(p(key), required: true, notAfter: today) { child.dateOfBirth = d }
            case "gender": child.gender = isNull ? nil : r.choice(p(key), Gender.self)?.rawValue ?? child.gender
            case "ethnicity": child.ethnicity = isNull ? nil : r.string(p(key), maxLength: 100) ?? child.ethnicity
            case "eal": child.eal = isNull ? nil : r.bool(p(key)) ?? child.eal
            case "fsm": child.fsm = isNull ? nil : r.bool(p(key)) ?? child.fsm
            case "sen": child.sen = isNull ? nil : r.choice(p(key), SENProvision.self)?.rawValue ?? child.sen
            case "looked_after": child.lookedAfter = r.bool(p(key)) ?? child.lookedAfter
            case "child_protection_plan": child.childProtectionPlan = r.bool(p(key)) ?? child.childProtectionPlan
            case "child_in_need_plan": child.childInNeedPlan = r.bool(p(key)) ?? child.childInNeedPlan
            case "vulnerable_groups": child.vulnerableGroups = isNull ? [] : r.strings(p(key)) ?? child.vulnerableGroups
            case "address":
                if isNull { child.addressJSON = nil; child.postcodeKey = nil }
                else if r.object(p(key)) {
                    // Merge patch: the keys given change, the others stay.
                    var a = child.addressJSON.flatMap { try? JSONDecoder().decode(Address.self, from: Data($0.utf8)) } ?? Address()
                    r.rejectUnknownKeys(p(key), known: ["line1", "line2", "town", "postcode"])
                    let given = fields[key]?.objectValue ?? [:]
                    func part(_ k: String, _ max: Int) -> String?? {
                        guard let v = given[k] else { return .none }
                        if v.isNull { return .some(nil) }
                        return r.string(p(key).appending(k), maxLength: max).map { .some($0) } ?? .none
                    }
                    if let v = part("line1", 200) { a.line1 = v }
                    if let v = part("line2", 200) { a.line2 = v }
                    if let v = part("town", 200) { a.town = v }
                    if let v = part("postcode", 10) { a.postcode = v }
                    child.addressJSON = a.json.text
                    child.postcodeKey = a.postcodeKey
                }
            case "phone": child.phone = isNull ? nil : r.string(p(key), maxLength: 40) ?? child.phone
            case "gp": child.gp = isNull ? nil : r.string(p(key)) ?? child.gp
            default: break
            }
        }
    }
}

import CMEDomain
import CMEStore
import Foundation
import Runtime

/// Statutory roll notifications (Regulation 13): one or a batch, each stored whatever its lateness,
/// with its effects in the same transaction: the current roll, expected arrivals and their
/// fulfilment, CME cases for children whose destination is unknown, EHE records, tasks, and the
/// unauthorised-removal flag. A batch runs as sets (a statement per step, not per notice).
public struct RollNotificationService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    public static let maxBatch = 5_000
    /// Most `confirm_possible_arrival` tasks one addition raises: those for the children it looks
    /// most like. A pupil who looks like a dozen children expected at the school needs an officer
    /// once, not a dozen tasks; and without a bound, a batch of look-alike pupils (the same first
    /// name and birthday, surnames a letter apart) raised a task for every pair, 100,000 and more.
    public static let maxConfirmationsPerAddition = 5

    /// One item's outcome: 201 with the stored notification, or 403/422 with errors (pointers
    /// relative to the item).
    public struct ItemResult: Sendable {
        public var index: Int
        public var status: Int
        public var record: RollNotificationRecord?
        public var errors: FieldErrors?
        public var forbidden: String?
        /// A notice read and allowed, not yet stored.
        var pending: RollNotice?

        init(index: Int, status: Int, errors: FieldErrors? = nil, forbidden: String? = nil) {
            self.index = index
            self.status = status
            self.errors = errors
            self.forbidden = forbidden
        }
    }

    public func post(_ body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                     render: (RollNotificationRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        let item = Self.read(json, index: 0, caller: caller, today: work.clock.today)
        if let why = item.forbidden { throw ServiceError.forbidden(why) }
        if let errors = item.errors { throw ServiceError.invalid(errors) }
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            let result = try await process(unit, [item], caller: caller)[0]
            if let errors = result.errors { throw ServiceError.invalid(errors) }
            return try render(result.record!)
        }
    }

    public func postBatch(_ body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                          render: ([ItemResult]) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        guard case .array(let list)? = json["notifications"] else {
            throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/notifications", message: "is required: an array of notifications")]))
        }
        guard list.count <= Self.maxBatch else {
            throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/notifications",
                                                               message: "has \(list.count) items; a batch takes at most \(Self.maxBatch)")]))
        }
        let today = work.clock.today
        let items = list.enumerated().map { Self.read($0.element, index: $0.offset, caller: caller, today: today) }
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            let results = try await process(unit, items, caller: caller)
            if !results.contains(where: { $0.status == 201 }) { unit.audit("refuse_batch", subjectType: "school", subjectID: caller.schoolURN ?? "") }
            return try render(results)
        }
    }

    /// Reads one notice and checks that a school client posts for its own URN.
    static func read(_ json: JSONValue, index: Int, caller: Caller, today: CalendarDate) -> ItemResult {
        switch RollNotice.read(json, receivedOn: today) {
        case .failure(let errors):
            return ItemResult(index: index, status: 422, errors: errors)
        case .success(let notice):
            if caller.role == .school, Array(notice.schoolURN.value.utf8) != Array((caller.schoolURN ?? "").utf8) {
                return ItemResult(index: index, status: 403, forbidden: "A school client may post notifications only for its own school (\(caller.schoolURN ?? "")).")
            }
            var r = ItemResult(index: index, status: 0)
            r.pending = notice
            return r
        }
    }

    /// The effects of every readable notice, as sets.
    func process(_ unit: UnitOfWork, _ items: [ItemResult], caller: Caller) async throws -> [ItemResult] {
        var results = items
        let rules = try await CouncilRules.load(unit, clock: work.clock)
        let store = unit.rollNotifications
        var todo = results.indices.filter { results[$0].pending != nil }
        // Schools of this council only.
        let known = try await store.registeredSchools(Array(Set(todo.map { results[$0].pending!.schoolURN.value })))
        for i in todo where !known.contains(results[i].pending!.schoolURN.value) {
            results[i].status = 422
            results[i].errors = FieldErrors([FieldError(pointer: "/school_urn", message: "is not a school of this council")])
            results[i].pending = nil
        }
        todo = todo.filter { results[$0].pending != nil }
        guard !todo.isEmpty else { return results }

        // Children: known by UPN or exact name and date of birth, else recorded now (once per pupil).
        func key(_ n: RollNotice) -> PupilKey {
            PupilKey(upn: n.pupil.upn, firstNameKey: NameNormalisation.compact(n.pupil.firstName),
                     lastNameKey: NameNormalisation.compact(n.pupil.lastName), dateOfBirth: n.pupil.dateOfBirth)
        }
        var keys = [PupilKey?](repeating: nil, count: results.count)   // normalised once per notice
        for i in todo { keys[i] = key(results[i].pending!) }
        var (children, born) = try await store.knownChildren(todo.map { keys[$0]! })
        var newChildren: [ChildRow] = []
        var newByUPN: [String: UUID] = [:]   // one record per UPN, however the batch spells the name
        for i in todo {
            let n = results[i].pending!, k = keys[i]!
            guard children[k] == nil else { continue }
            if let upn = n.pupil.upn, let id = newByUPN[upn] { children[k] = id; continue }
            var row = ChildService.newRow(upn: nil, firstName: n.pupil.firstName, lastName: n.pupil.lastName, dateOfBirth: n.pupil.dateOfBirth,
                                          gender: n.pupil.gender)
            row.upn = n.pupil.upn
            if let a = n.pupil.address { row.addressJSON = a.json.text; row.postcodeKey = a.postcodeKey }
            children[k] = row.id
            born[row.id] = n.pupil.dateOfBirth
            if let upn = row.upn { newByUPN[upn] = row.id }
            newChildren.append(row)
        }
        try await store.insertChildren(newChildren)
        for c in newChildren { unit.audit("create", subjectType: "child", subjectID: c.id.lowercasedString) }

        // The notices, flagged with their lateness.
        var records = [RollNotificationRecord?](repeating: nil, count: results.count)
        // Most notices of a batch share a handful of event dates: each lateness is counted once.
        var lateness: [String: (Lateness, Int)] = [:]
        for i in todo {
            let n = results[i].pending!
            let lateKey = n.type.rawValue + n.eventDate.iso8601
            let (late, daysLate) = lateness[lateKey] ?? n.lateness(receivedOn: rules.today, policy: rules.policy, calendar: rules.calendar)
            lateness[lateKey] = (late, daysLate)
            records[i] = RollNotificationRecord(
                id: TimeOrderedID.make(), type: n.type, schoolURN: n.schoolURN.value, eventDate: n.eventDate, receivedAt: rules.now, receivedOn: rules.today,
                submittedBy: caller.clientID, childID: children[keys[i]!]!, pupil: n.pupilJSON,
                parents: n.parentsJSON, ground: n.ground?.ground.rawValue, reportedGround: n.ground?.reportedCode,
                futureAddress: n.futureAddress?.json, futureAddressFrom: n.futureAddressFrom,
                destination: n.destinationJSON, notes: n.notes, late: late.isLate, daysLate: daysLate,
                schoolDaysLate: late.schoolDaysLate, calendarApproximate: late.calendarApproximate, flags: [], actions: .array([]))
        }
        for i in todo { unit.audit("create", subjectType: "roll_notification", subjectID: records[i]!.id.lowercasedString) }

        // The current roll: the net change per child and school, in the order received.
        var net: [String: (child: UUID, school: String, since: CalendarDate?)] = [:]
        var order: [String] = []
        for i in todo {
            let rec = records[i]!
            let k = rec.childID.lowercasedString + rec.schoolURN
            if net[k] == nil { order.append(k) }
            net[k] = (rec.childID, rec.schoolURN, rec.type == .addition ? rec.eventDate : nil)
        }
        try await store.applyRoll(on: order.compactMap { k in net[k].flatMap { e in e.since.map { (e.child, e.school, $0) } } },
                                  off: order.compactMap { k in net[k].flatMap { e in e.since == nil ? (e.child, e.school) : nil } })

        var actions: [Int: [JSONValue]] = [:]
        var flags: [Int: [String]] = [:]
        func act(_ i: Int, _ kind: RollNotificationActionKind, _ fields: [String: JSONValue] = [:]) {
            var o = fields
            o["kind"] = .string(kind.rawValue)
            actions[i, default: []].append(.object(o))
        }

        // Removals to a named school: an expected arrival there.
        var arrivals: [ExpectedArrivalRecord] = []
        for i in todo {
            let n = results[i].pending!, rec = records[i]!
            guard n.type == .removal, let ground = n.ground?.ground, let school = n.destination?.schoolUrn,
                  ground.effects(destinationSchoolKnown: true).contains(.expectedArrival) else { continue }
            let due = ExpectedArrival.dueDate(removalDate: n.eventDate, destinationStartDate: n.destination?.startDate,
                                              schoolDays: rules.policy.expectedArrivalSchoolDays, calendar: rules.calendar)
            let a = ExpectedArrivalRecord(id: TimeOrderedID.make(), childID: rec.childID, removalID: rec.id, fromSchoolURN: rec.schoolURN, schoolURN: school,
                                          dueOn: due.value, dueApproximate: due.isApproximate, status: .pending, createdAt: rules.now)
            arrivals.append(a)
            act(i, .expectedArrivalCreated, ["expected_arrival_id": .string(a.id.lowercasedString), "due_on": .string(a.dueOn.iso8601),
                                             "calendar_approximate": .bool(a.dueApproximate)])
        }
        try await unit.expectedArrivals.insert(arrivals, born: born)

        // Additions: fulfil the arrivals expected of the same child there; close the child's case.
        let additions = todo.filter { results[$0].pending!.type == .addition }
        let byNotification = Dictionary(uniqueKeysWithValues: todo.map { (records[$0]!.id, $0) })
        let fulfilled = try await unit.expectedArrivals.fulfil(additions.map { (records[$0]!.id, records[$0]!.childID, records[$0]!.schoolURN) },
                                                               at: rules.now)
        var arrived: Set<Int> = []
        for (arrival, addition) in fulfilled {
            guard let i = byNotification[addition] else { continue }
            arrived.insert(i)
            act(i, .arrivalConfirmed, ["expected_arrival_id": .string(arrival.lowercasedString)])
        }
        // A child home educated who is on a roll again has returned to school.
        let returned = try await unit.ehe.endOnAdmission(additions.map { (records[$0]!.childID, records[$0]!.schoolURN, records[$0]!.eventDate) })
        if !returned.isEmpty {
            for r in returned { unit.audit("end", subjectType: "ehe_record", subjectID: r.ehe.lowercasedString) }
            let byChild = Dictionary(grouping: returned, by: \.child)
            for i in additions {
                let rec = records[i]!
                for r in byChild[rec.childID] ?? [] where r.school == rec.schoolURN {
                    act(i, .eheEnded, ["ehe_record_id": .string(r.ehe.lowercasedString)])
                }
            }
        }
        let onRoll = Array(Set(additions.map { records[$0]!.childID }))
        let live = try await unit.cases.liveCaseIDs(ofChildren: onRoll)
        for i in additions {
            let rec = records[i]!
            guard let caseID = live[rec.childID] else { continue }
            try await CaseService.closeOnRoll(unit, caseID: caseID, school: rec.schoolURN, startDate: rec.eventDate, notification: rec.id,
                                              rules: rules)
            act(i, .caseClosed, ["case_id": .string(caseID.lowercasedString)])
        }
        // An addition that only looks like a child expected there: an officer confirms it.
        let unmatched = additions.filter { !arrived.contains($0) && results[$0].pending!.pupil.dateOfBirth != nil }
        if !unmatched.isEmpty {
            let pending = try await unit.expectedArrivals.pendingWithChildren(
                at: unmatched.map { (records[$0]!.schoolURN, results[$0].pending!.pupil.dateOfBirth!) })
            // Compared only with children expected at the same school and born the same day (or with
            // day and month swapped): the matcher finds no candidate otherwise.
            var confirmations: [TaskRecord] = []   // inserted together
            let confirmDue = rules.due(.workingDays(2))
            var byPlace: [String: [(arrival: UUID, school: String, child: ChildRecord)]] = [:]
            for p in pending { byPlace[p.school + (p.child.dateOfBirth?.iso8601 ?? ""), default: []].append(p) }
            for i in unmatched {
                let n = results[i].pending!
                let born = n.pupil.dateOfBirth!
                var candidates = byPlace[n.schoolURN.value + born.iso8601] ?? []
                if let swapped = born.withDayAndMonthSwapped {
                    candidates += byPlace[n.schoolURN.value + swapped.iso8601] ?? []
                }
                let probe = ChildRecord(upn: n.pupil.upn.flatMap(UPN.init), firstName: n.pupil.firstName, lastName: n.pupil.lastName,
                                        dateOfBirth: n.pupil.dateOfBirth)
                var alike: [(score: Double, order: Int)] = []
                for (order, candidate) in candidates.enumerated() {
                    let match = ChildMatching.match(probe, candidate.child)
                    if match.isCandidate { alike.append((match.score, order)) }
                }
                alike.sort { a, b in a.score != b.score ? a.score > b.score : a.order < b.order }
                for p in alike.prefix(Self.maxConfirmationsPerAddition).map({ candidates[$0.order] }) {
                    let task = TaskRecord(id: TimeOrderedID.make(), kind: .confirmPossibleArrival, status: .open, dueOn: confirmDue.value,
                                          dueApproximate: confirmDue.isApproximate, notificationID: records[i]!.id,
                                          expectedArrivalID: p.arrival, createdAt: rules.now)
                    confirmations.append(task)
                    unit.audit("create", subjectType: "task", subjectID: task.id.lowercasedString)
                    act(i, .taskCreated, ["task_id": .string(task.id.lowercasedString), "task_kind": .string(task.kind.rawValue)])
                }
            }
            try await unit.tasks.insert(confirmations)
        }

        // Removals' other consequences, notice by notice (few in any batch).
        let removals = todo.filter { results[$0].pending!.type == .removal }
        let needing = removals.filter {
            let n = results[$0].pending!
            return n.ground!.ground.needsCouncilAgreement(destinationSchoolKnown: n.destinationSchoolKnown, policy: rules.policy)
        }
        let authorised = try await unit.expectedArrivals.authorised(needing.map { (records[$0]!.childID, records[$0]!.schoolURN, records[$0]!.eventDate) })
        for i in removals {
            let n = results[i].pending!, rec = records[i]!, ground = n.ground!.ground
            var effects = ground.effects(destinationSchoolKnown: n.destinationSchoolKnown)
            let abroad = n.destination?.ctfCode == .outsideEnglandAndWalesOrIndependent
            if n.destinationUnknown && !effects.contains(.cmeCase) { effects.append(.cmeCase) }
            if abroad { effects.removeAll { $0 == .cmeCase } }
            if effects.contains(.cmeCase) || abroad {
                let reason: ReferralReason = ground == .notReturnedAfterLeaveOfAbsence ? .failedToReturn
                    : ground == .continuouslyAbsent ? .leftAreaUnknown : .movedNoDestination
                let opened = try await CaseService.openFromNotification(unit, notification: rec, reason: reason, rules: rules,
                                                                          pendingTransfer: abroad ? n.destination : nil)
                act(i, .referralCreated, ["referral_id": .string(opened.referral.lowercasedString)])
                act(i, .caseOpened, ["case_id": .string(opened.caseID.lowercasedString), "linked_to_existing": .bool(!opened.opened)])
            }
            if effects.contains(.educationOtherwiseRecord) {
                let spell = try await unit.ehe.start(EHERecord(id: TimeOrderedID.make(), childID: rec.childID, notificationID: rec.id,
                                                               schoolURN: rec.schoolURN, ground: ground.rawValue, reason: .unknown,
                                                               startsOn: n.eventDate, createdAt: rules.now))
                if spell.inserted { unit.audit("create", subjectType: "ehe_record", subjectID: spell.id.lowercasedString) }
                act(i, .eheRecorded, ["ehe_record_id": .string(spell.id.lowercasedString), "already_recorded": .bool(!spell.inserted)])
            }
            for case .task(let kind) in effects {
                let task = try await Casework.addTask(unit, kind, due: SchoolDayFigure(value: rules.today, isApproximate: false), now: rules.now,
                                                      notificationID: rec.id)
                act(i, .taskCreated, ["task_id": .string(task.id.lowercasedString), "task_kind": .string(kind.rawValue)])
            }
            if needing.contains(i) && !authorised.contains(rec.childID.lowercasedString + "|" + rec.schoolURN) {
                flags[i, default: []].append("unauthorised_removal")
                act(i, .unauthorisedRemovalFlagged)
                let task = try await Casework.addTask(unit, .unauthorisedRemovalReview, due: SchoolDayFigure(value: rules.today, isApproximate: false),
                                                      now: rules.now, notificationID: rec.id)
                act(i, .taskCreated, ["task_id": .string(task.id.lowercasedString), "task_kind": .string(task.kind.rawValue)])
            }
        }

        // The notices last, each once with the actions its effects took (the keys to them from
        // arrivals, tasks and EHE records are checked at commit).
        for i in todo {
            records[i]!.actions = .array(actions[i] ?? [])
            records[i]!.flags = flags[i] ?? []
        }
        try await store.insert(todo.map { records[$0]! })
        for i in todo {
            results[i].record = records[i]!
            results[i].status = 201
            results[i].pending = nil
        }
        return results
    }

    public func notification(_ id: UUID, as caller: Caller) async throws -> RollNotificationRecord {
        try await work.database.read(as: caller.actor) { unit in
            guard let n = try await unit.rollNotifications.find(id) else { throw ServiceError.notFound }
            if caller.role == .school && n.schoolURN != caller.schoolURN { throw ServiceError.notFound }
            unit.audit("read", subjectType: "roll_notification", subjectID: id.lowercasedString)
            return n
        }
    }

    public func list(school: String?, type: RollNotificationType?, since: CalendarDate?, cursor: String?, limit: Int,
                     as caller: Caller) async throws -> ListPage<RollNotificationRecord> {
        let after = try SeqCursor.decode(cursor)
        if caller.role == .school, let school, school != caller.schoolURN {
            throw ServiceError.forbidden("A school client lists only its own notifications (\(caller.schoolURN ?? "")).")
        }
        let own = caller.role == .school ? caller.schoolURN : school
        return try await work.database.read(as: caller.actor) { unit in
            let page = try await unit.rollNotifications.list(school: own, type: type, since: since, after: after, limit: limit)
            for n in page.rows { unit.audit("list", subjectType: "roll_notification", subjectID: n.id.lowercasedString) }
            return ListPage(items: page.rows, nextCursor: page.more ? page.lastSeq.map(String.init) : nil)
        }
    }

    public func expectedArrivals(status: ExpectedArrivalStatus?, cursor: String?, limit: Int, as caller: Caller) async throws -> ListPage<ExpectedArrivalRecord> {
        let after = try DueCursor.decode(cursor)
        return try await work.database.read(as: caller.actor) { unit in
            let page = try await unit.expectedArrivals.list(status: status, school: caller.role == .school ? caller.schoolURN : nil,
                                                            today: work.clock.today, after: after, limit: limit)
            return ListPage(items: page.rows, nextCursor: page.more ? page.rows.last.map { DueCursor.encode($0.dueOn, $0.id) } : nil)
        }
    }

    /// The monthly movement return of one school: joiners and leavers with dates, grounds and destinations.
    public func movements(school: URN, month: (year: Int, month: Int), as caller: Caller) async throws -> [RollNotificationRecord] {
        if caller.role == .school, school.value != caller.schoolURN {
            throw ServiceError.forbidden("A school client reads only its own movement report (\(caller.schoolURN ?? "")).")
        }
        guard let first = CalendarDate(year: month.year, month: month.month, day: 1) else { throw ServiceError.malformed("month must be YYYY-MM.") }
        let last = CalendarDate(year: month.year, month: month.month, day: CalendarDate.daysIn(month: month.month, year: month.year))!
        return try await work.database.read(as: caller.actor) { unit in
            let rows = try await unit.rollNotifications.movements(school: school.value, from: first, to: last)
            unit.audit("movement_report", subjectType: "school", subjectID: school.value)
            return rows
        }
    }

    /// Turns every expected arrival past due into a referral and a case (reason `did_not_arrive`),
    /// once: the arrival is marked overdue by an `UPDATE … WHERE status = 'pending'`, and only the
    /// transaction that did so opens the case. Returns how many it turned.
    public func sweepArrivals(as actor: Actor) async throws -> Int {
        // In transactions of up to 200 arrivals, oldest due first, until none is left: a backlog is
        // cleared in one sweep without one long transaction.
        var turned = 0
        while true {
            let today = work.clock.today
            let due = try await work.database.read(as: actor) { unit in try await unit.expectedArrivals.overdue(before: today, limit: 200) }
            guard !due.isEmpty else { return turned }
            turned += try await work.database.write(as: actor) { unit in
                let rules = try await CouncilRules.load(unit, clock: work.clock)
                var count = 0
                for a in due {
                    guard try await unit.expectedArrivals.markOverdue(a.id, at: rules.now) else { continue }
                    guard let removal = try await unit.rollNotifications.find(a.removalID) else { continue }
                    let opened = try await CaseService.openFromNotification(unit, notification: removal, reason: .didNotArrive, rules: rules,
                                                                              pendingTransfer: nil, expectedAt: a.schoolURN)
                    try await unit.expectedArrivals.setCase(a.id, caseID: opened.caseID)
                    try await Casework.addTask(unit, .expectedArrivalOverdue, due: SchoolDayFigure(value: rules.today, isApproximate: false),
                                               now: rules.now, caseID: opened.caseID, expectedArrivalID: a.id)
                    unit.audit("overdue", subjectType: "expected_arrival", subjectID: a.id.lowercasedString)
                    count += 1
                }
                unit.audit("run", subjectType: "sweep", subjectID: "expected_arrivals")
                return count
            }
        }
    }

    /// The council's agreement that a school may remove a CME pupil of a live case.
    public func authorise(caseID: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                          render: (DeregistrationAuthorisation) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let record = try await unit.cases.find(caseID) else { throw ServiceError.notFound }
            var r = FormReader(json)
            let urn = r.urn("/school_urn", required: true)
            let from = r.date("/authorised_from", required: true, notBefore: CalendarDate(year: 2000, month: 1, day: 1))
            if let urn, try await unit.rollNotifications.registeredSchools([urn.value]).isEmpty {
                r.errors.add("/school_urn", "is not a school of this council")
            }
            try r.errors.throwIfAny()
            guard let urn, let from else { throw ServiceError.invalid(r.errors) }
            if record.status == .closed { throw ServiceError.conflict("This case is closed; a removal needs no agreement for it.") }
            let now = work.clock.now()
            let id = try await unit.expectedArrivals.authorise(caseID: caseID, child: record.childID, school: urn.value, from: from, at: now)
            try await unit.cases.addEvent(caseID, kind: "deregistration_authorised",
                                          details: .object(["authorisation_id": .string(id.lowercasedString), "school_urn": .string(urn.value),
                                                            "authorised_from": .string(from.iso8601)]), at: now)
            unit.audit("create", subjectType: "deregistration_authorisation", subjectID: id.lowercasedString)
            return try render(DeregistrationAuthorisation(id: id, caseID: caseID, childID: record.childID, schoolURN: urn.value,
                                                          authorisedFrom: from, createdAt: now))
        }
    }

    /// Authorisations: a school reads its own; officers and admins all of the council's.
    public func authorisations(as caller: Caller) async throws -> [DeregistrationAuthorisation] {
        try await work.database.read(as: caller.actor) { unit in
            try await unit.expectedArrivals.authorisations(school: caller.role == .school ? caller.schoolURN : nil).map {
                DeregistrationAuthorisation(id: $0.id, caseID: $0.caseID, childID: $0.childID, schoolURN: $0.school, authorisedFrom: $0.from,
                                            createdAt: $0.createdAt)
            }
        }
    }
}

/// A school's authority from the council to remove a CME pupil's name.
public struct DeregistrationAuthorisation: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var childID: UUID
    public var schoolURN: String
    public var authorisedFrom: CalendarDate
    public var createdAt: Date
}

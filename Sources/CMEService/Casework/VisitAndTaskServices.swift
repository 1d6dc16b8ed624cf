import CMEDomain
import CMEStore
import Foundation
import Runtime

/// Safe-and-well visits and their outcomes.
public struct VisitService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    public func create(caseID: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (VisitRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let record = try await unit.cases.find(caseID) else { throw ServiceError.notFound }
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var r = FormReader(json)
            let address = r.address("/address")
            let team = r.string("/team")
            let dueGiven = r.date("/due_on", notBefore: rules.today)
            try r.errors.throwIfAny()
            if record.status == .closed { throw ServiceError.conflict("This case is closed; reopen it to arrange a visit.") }
            let due = dueGiven.map { SchoolDayFigure(value: $0, isApproximate: false) } ?? rules.due(rules.policy.visitDuePeriod)
            let visit = VisitRecord(id: TimeOrderedID.make(), laCode: caller.laCode, caseID: caseID, address: address, team: team, requestedOn: rules.today,
                                    dueOn: due.value, dueApproximate: due.isApproximate, status: .requested, outcome: nil, visitedOn: nil,
                                    notes: nil, concerns: nil, createdAt: rules.now)
            try await unit.visits.insert(visit)
            unit.audit("create", subjectType: "visit", subjectID: visit.id.lowercasedString)
            try await unit.cases.addEvent(caseID, kind: "visit_requested",
                                          details: .object(["visit_id": .string(visit.id.lowercasedString), "team": .text(team),
                                                            "due_on": .string(due.value.iso8601)]), at: rules.now)
            try await Casework.addTask(unit, .visitDue, due: due, now: rules.now, caseID: caseID, visitID: visit.id)
            return try render(visit)
        }
    }

    /// The outcome of a visit, once. Seen with concerns: the case gains `safeguarding_concern`, a
    /// `refer_to_social_care` task is due today and the outbox announces it, in one transaction.
    public func recordOutcome(_ id: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                              render: (VisitRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let visit = try await unit.visits.find(id, forUpdate: true) else { throw ServiceError.notFound }
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var r = FormReader(json)
            let on = r.date("/visited_on", required: true, notAfter: rules.today, notBefore: visit.requestedOn)
            let outcome = r.choice("/outcome", VisitOutcome.self, required: true)
            let notes = r.string("/notes", maxLength: 4_000)
            let concerns = r.string("/concerns", required: outcome == .seenConcerns, maxLength: 4_000)
            try r.errors.throwIfAny()
            guard let on, let outcome else { throw ServiceError.invalid(r.errors) }
            guard visit.status == .requested else { throw ServiceError.conflict("This visit's outcome was already recorded.") }
            let done = try await unit.visits.complete(id, outcome: outcome, visitedOn: on, notes: notes, concerns: concerns, at: rules.now)
            unit.audit("record_outcome", subjectType: "visit", subjectID: id.lowercasedString)
            for task in try await unit.tasks.completeOpen(kind: .visitDue, visit: id, at: rules.now) {
                unit.audit("complete", subjectType: "task", subjectID: task.lowercasedString)
            }
            try await unit.cases.addEvent(visit.caseID, kind: "visit_outcome",
                                          details: .object(["visit_id": .string(id.lowercasedString), "outcome": .string(outcome.rawValue),
                                                            "visited_on": .string(on.iso8601)]), at: rules.now)
            if outcome == .seenSafe || outcome == .seenConcerns {
                try await unit.cases.noteTrace(visit.caseID, on: on, at: rules.now)
            }
            if outcome == .seenConcerns {
                guard var c = try await unit.cases.find(visit.caseID, forUpdate: true),
                      let child = try await unit.children.find(c.childID) else { throw MalformedRow() }
                c.safeguardingConcern = true
                c.riskFlags = Casework.riskFlags(child: child, safeguardingConcern: true, untraceable: c.untraceable)
                _ = try await unit.cases.update(c, at: rules.now)
                try await unit.cases.addEvent(c.id, kind: "safeguarding_concern",
                                              details: .object(["visit_id": .string(id.lowercasedString)]), at: rules.now)
                try await Casework.addTask(unit, .referToSocialCare, due: SchoolDayFigure(value: rules.today, isApproximate: false),
                                           now: rules.now, caseID: c.id, visitID: id)
                try await unit.outbox.add(topic: "safeguarding.concern_raised", subjectType: "case", subjectID: c.id,
                                          payload: .object(["case_id": .string(c.id.lowercasedString), "reference": .string(c.reference),
                                                            "la_code": .string(c.laCode), "visit_id": .string(id.lowercasedString)]))
                unit.audit("raise_concern", subjectType: "case", subjectID: c.id.lowercasedString)
            }
            return try render(done)
        }
    }
}

/// Tasks: lists and completion. Overdue is computed when read.
public struct TaskService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    public var today: CalendarDate { work.clock.today }

    public func list(status: TaskStatus?, kind: TaskKind?, overdue: Bool?, caseID: UUID?, cursor: String?, limit: Int,
                     as caller: Caller) async throws -> ListPage<TaskRecord> {
        let after = try DueCursor.decode(cursor)
        let filter = TaskFilter(status: status, kind: kind, overdue: overdue, caseID: caseID, today: work.clock.today)
        return try await work.database.read(as: caller.actor) { unit in
            let page = try await unit.tasks.list(filter, after: after, limit: limit)
            return ListPage(items: page.rows, nextCursor: page.more ? page.rows.last.map { DueCursor.encode($0.dueOn, $0.id) } : nil)
        }
    }

    /// Completes an open task (409 when it is not open). A completed review of a live case sets the
    /// next review a `review_period` later, with its task.
    public func complete(_ id: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                         render: (TaskRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object(optional: true)
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let task = try await unit.tasks.find(id, forUpdate: true) else { throw ServiceError.notFound }
            var r = FormReader(json)
            let notes = r.string("/notes", maxLength: 4_000)
            try r.errors.throwIfAny()
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            guard let done = try await unit.tasks.complete(id, notes: notes, at: rules.now) else {
                throw ServiceError.conflict("This task is \(task.status.rawValue), not open.")
            }
            unit.audit("complete", subjectType: "task", subjectID: id.lowercasedString)
            if let caseID = task.caseID {
                try await unit.cases.addEvent(caseID, kind: "task_completed",
                                              details: .object(["task_id": .string(id.lowercasedString), "task_kind": .string(task.kind.rawValue)]),
                                              at: rules.now)
                if task.kind == .reviewCase, var c = try await unit.cases.find(caseID, forUpdate: true), c.status != .closed {
                    let next = rules.due(rules.policy.reviewPeriod)
                    c.nextReviewOn = next.value
                    c.reviewApproximate = next.isApproximate
                    _ = try await unit.cases.update(c, at: rules.now)
                    try await Casework.addTask(unit, .reviewCase, due: next, now: rules.now, caseID: caseID)
                }
            }
            return try render(done)
        }
    }
}

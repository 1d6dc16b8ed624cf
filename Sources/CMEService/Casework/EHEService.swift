import CMEDomain
import CMEStore
import Foundation
import Runtime

/// Spells of elective home education (docs/domain.md, "Elective home education"): started by a
/// school's removal notice, by a case closed as home educated, or by an officer; carrying the
/// s437(1) notices and school attendance orders; ended by a return to school (an officer, or a
/// school's addition notice) or otherwise.
public struct EHEService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    public func list(current: Bool?, cursor: String?, limit: Int, as caller: Caller) async throws -> ListPage<EHERecord> {
        let after = try SeqCursor.decode(cursor)
        return try await work.database.read(as: caller.actor) { unit in
            let page = try await unit.ehe.list(current: current, after: after, limit: limit)
            return ListPage(items: page.rows, nextCursor: page.more ? page.lastSeq.map(String.init) : nil)
        }
    }

    public func record(_ id: UUID, as caller: Caller) async throws -> EHERecord {
        try await work.database.read(as: caller.actor) { unit in
            guard let record = try await unit.ehe.find(id) else { throw ServiceError.notFound }
            unit.audit("read", subjectType: "ehe_record", subjectID: id.lowercasedString)
            return record
        }
    }

    /// `{child_id, starts_on, reason}`: a spell the council learnt of otherwise than from a school
    /// (parents told it directly, a child new to the area). 409 when the child's current spell is
    /// not ended.
    public func create(body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (EHERecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var r = FormReader(json)
            let childText = r.string("/child_id", required: true, maxLength: 36)
            let starts = r.date("/starts_on", required: true, notAfter: rules.today, notBefore: CalendarDate(year: 2000, month: 1, day: 1))
            let reason = r.choice("/reason", EHEReason.self) ?? .unknown
            r.rejectUnknownKeys(.root, known: ["child_id", "starts_on", "reason"])
            var child: ChildRow?
            if let childText {
                if let id = UUID(uuidString: childText) { child = try await unit.children.find(id) }
                if child == nil { r.errors.add("/child_id", "is not a child of this council's register") }
            }
            try r.errors.throwIfAny()
            guard let child, let starts else { throw ServiceError.invalid(r.errors) }
            let spell = try await unit.ehe.start(EHERecord(id: TimeOrderedID.make(), childID: child.id, reason: reason, startsOn: starts,
                                                           createdAt: rules.now))
            guard spell.inserted else {
                throw ServiceError.conflict("The child's spell of home education \(spell.id.lowercasedString) has not ended; end it first.")
            }
            unit.audit("create", subjectType: "ehe_record", subjectID: spell.id.lowercasedString)
            guard let stored = try await unit.ehe.find(spell.id) else { throw MalformedRow() }
            return try render(stored)
        }
    }

    /// `{kind, on, school_urn, notes}`: a s437(1) notice served, a school attendance order issued
    /// (it names a school, and follows a notice), or the order in force revoked. 409 on an ended
    /// spell or out of that order.
    public func addEvent(_ id: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                         render: (EHERecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await change(id, idempotency: idempotency, as: caller, render: render) { unit, record, rules in
            var r = FormReader(json)
            let kind = r.choice("/kind", EHEEventKind.self, required: true)
            let on = r.date("/date", required: true, notAfter: rules.today, notBefore: record.startsOn)
            let school = r.urn("/school_urn", required: kind == .saoIssued)
            let notes = r.string("/notes", maxLength: 4_000)
            r.rejectUnknownKeys(.root, known: ["kind", "date", "school_urn", "notes"])
            try r.errors.throwIfAny()
            guard let kind, let on else { throw ServiceError.invalid(r.errors) }
            if let ended = record.endedOn { throw ServiceError.conflict("This spell of home education ended on \(ended).") }
            if let last = record.events.last, on < last.onDate {
                throw ServiceError.conflict("Steps are recorded in date order: the last was on \(last.onDate).")
            }
            let inForce = record.orderInForce
            switch kind {
            case .s437Notice:
                if let inForce { throw ServiceError.conflict("A school attendance order is in force (issued \(inForce.onDate)).") }
            case .saoIssued:
                if inForce != nil { throw ServiceError.conflict("A school attendance order is already in force; revoke it first.") }
                // Events are in date order: a notice must come after the last revocation, if any.
                let notice = record.events.lastIndex { $0.kind == .s437Notice }
                let revocation = record.events.lastIndex { $0.kind == .saoRevoked }
                guard let notice, notice > (revocation ?? -1) else {
                    throw ServiceError.conflict("A school attendance order follows a s437(1) notice; serve the notice first.")
                }
                // The notice gives the parents at least 15 days, from the day it is served, to satisfy the council.
                let served = record.events[notice].onDate
                if on < served.adding(days: EHEEventKind.noticePeriodDays) {
                    throw ServiceError.invalid(FieldErrors([FieldError(
                        pointer: "/date", message: "must be at least \(EHEEventKind.noticePeriodDays) days after the s437(1) notice served on \(served)")]))
                }
            case .saoRevoked:
                guard inForce != nil else { throw ServiceError.conflict("No school attendance order is in force.") }
            }
            try await unit.ehe.addEvent(id, EHEEvent(id: TimeOrderedID.make(), kind: kind, onDate: on, schoolURN: school?.value, notes: notes,
                                                     createdAt: rules.now))
            unit.audit(kind.rawValue, subjectType: "ehe_record", subjectID: id.lowercasedString)
        }
    }

    /// `{reason}`: the reason the parents gave, when learnt or changed.
    public func setReason(_ id: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                          render: (EHERecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await change(id, idempotency: idempotency, as: caller, render: render) { unit, _, _ in
            var r = FormReader(json)
            let reason = r.choice("/reason", EHEReason.self, required: true)
            r.rejectUnknownKeys(.root, known: ["reason"])
            try r.errors.throwIfAny()
            guard let reason else { throw ServiceError.invalid(r.errors) }
            try await unit.ehe.setReason(id, reason)
            unit.audit("update", subjectType: "ehe_record", subjectID: id.lowercasedString)
        }
    }

    /// `{ended_on, reason, school_urn}`: the spell ends (a school named for `returned_to_school`
    /// when known). 409 when already ended.
    public func end(_ id: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                    render: (EHERecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await change(id, idempotency: idempotency, as: caller, render: render) { unit, record, rules in
            var r = FormReader(json)
            let on = r.date("/ended_on", required: true, notAfter: rules.today, notBefore: record.startsOn)
            let reason = r.choice("/reason", EHEEndReason.self, required: true, except: [.superseded])
            let school = r.urn("/school_urn")
            r.rejectUnknownKeys(.root, known: ["ended_on", "reason", "school_urn"])
            try r.errors.throwIfAny()
            guard let on, let reason else { throw ServiceError.invalid(r.errors) }
            if let ended = record.endedOn { throw ServiceError.conflict("This spell of home education already ended on \(ended).") }
            try await unit.ehe.end(id, on: on, reason: reason, school: school?.value)
            unit.audit("end", subjectType: "ehe_record", subjectID: id.lowercasedString)
        }
    }

    /// A change to a locked spell of the caller's council, answered with the spell as it is after.
    func change(_ id: UUID, idempotency: IdempotencyClaim?, as caller: Caller, render: (EHERecord) throws -> StoredReply,
                _ body: (UnitOfWork, EHERecord, CouncilRules) async throws -> Void) async throws -> StoredReply {
        try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let record = try await unit.ehe.find(id, forUpdate: true) else { throw ServiceError.notFound }
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            try await body(unit, record, rules)
            guard let after = try await unit.ehe.find(id) else { throw MalformedRow() }
            return try render(after)
        }
    }
}

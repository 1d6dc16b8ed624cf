import CMEDomain
import CMEStore
import Foundation
import Runtime

/// Reasonable enquiries with agencies and other councils, and their answers.
public struct EnquiryService: Sendable {
    let work: Casework

    init(work: Casework) { self.work = work }

    /// Sends an enquiry about a case's child: to an agency client of the council, to another council
    /// by LA code (`other_la`), or to an agency outside the system (no `addressed_to`).
    public func create(caseID: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                       render: (EnquiryRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let record = try await unit.cases.find(caseID) else { throw ServiceError.notFound }
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var r = FormReader(json)
            let type = r.choice("/agency_type", AgencyType.self, required: true)
            let name = r.string("/agency_name")
            let question = r.string("/question", required: true, maxLength: 4_000)
            let dueGiven = r.date("/due_on", notBefore: rules.today)
            let addressed = r.string("/addressed_to", required: type == .otherLA, maxLength: 36)
            var client: UUID?
            var council: String?
            if let addressed, let type {
                if type == .otherLA {
                    if let la = LACode(addressed), la.value != caller.laCode { council = la.value }
                    else { r.errors.add("/addressed_to", "must be another council's LA code of 3 digits") }
                } else if let id = UUID(uuidString: addressed),
                          let agency = try await unit.clients.find(id), agency.role == "agency", agency.revokedAt == nil {
                    client = id
                } else {
                    r.errors.add("/addressed_to", "must be the id of an agency client of this council")
                }
            }
            try r.errors.throwIfAny()
            guard let type, let question else { throw ServiceError.invalid(r.errors) }
            if record.status == .closed { throw ServiceError.conflict("This case is closed; reopen it to make enquiries.") }
            guard let child = try await unit.children.find(record.childID) else { throw MalformedRow() }
            let due = dueGiven.map { SchoolDayFigure(value: $0, isApproximate: false) } ?? rules.due(rules.policy.enquiryDuePeriod)
            let snapshot: JSONValue = .object([
                "first_name": .string(child.firstName), "last_name": .string(child.lastName),
                "date_of_birth": .text(child.dateOfBirth?.iso8601), "upn": .text(child.upn),
                "address": child.addressJSON.flatMap { JSONValue.parse(Array($0.utf8)) } ?? .null,
            ])
            let enquiry = EnquiryRecord(id: TimeOrderedID.make(), laCode: caller.laCode, caseID: caseID, caseReference: record.reference, agencyType: type,
                                        agencyName: name, addressedClientID: client, addressedLACode: council, question: question,
                                        child: snapshot, sentOn: rules.today, dueOn: due.value, dueApproximate: due.isApproximate,
                                        status: .open, response: nil, answeredAt: nil, createdAt: rules.now)
            try await unit.enquiries.insert(enquiry)
            unit.audit("create", subjectType: "enquiry", subjectID: enquiry.id.lowercasedString)
            try await unit.cases.addEvent(caseID, kind: "enquiry_sent",
                                          details: .object(["enquiry_id": .string(enquiry.id.lowercasedString), "agency_type": .string(type.rawValue),
                                                            "addressed_to": .text(client?.lowercasedString ?? council),
                                                            "due_on": .string(due.value.iso8601)]), at: rules.now)
            try await Casework.addTask(unit, .chaseEnquiry, due: due, now: rules.now, caseID: caseID, enquiryID: enquiry.id)
            return try render(enquiry)
        }
    }

    /// Whether the caller may see an enquiry: the agency addressed, the council addressed, or the
    /// council that asked (officers and admins).
    static func visible(_ e: EnquiryRecord, to caller: Caller) -> Bool {
        switch caller.role {
        case .agency: return e.laCode == caller.laCode && e.addressedClientID == caller.clientID
        case .officer, .admin: return e.laCode == caller.laCode || e.addressedLACode == caller.laCode
        default: return false
        }
    }

    /// Audits a read of an enquiry; one addressed from another council is recorded in both trails.
    static func auditRead(_ unit: UnitOfWork, _ e: EnquiryRecord, action: String, caller: Caller) async throws {
        unit.audit(action, subjectType: "enquiry", subjectID: e.id.lowercasedString)
        if e.laCode != caller.laCode {
            try await unit.inCouncil(e.laCode) {
                unit.audit(action + "_by_other_council", subjectType: "enquiry", subjectID: e.id.lowercasedString)
            }
        }
    }

    public func enquiry(_ id: UUID, as caller: Caller) async throws -> EnquiryRecord {
        try await work.database.read(as: caller.actor) { unit in
            guard let e = try await unit.enquiries.find(id), Self.visible(e, to: caller) else { throw ServiceError.notFound }
            try await Self.auditRead(unit, e, action: "read", caller: caller)
            return e
        }
    }

    public func list(status: EnquiryStatus?, overdue: Bool?, cursor: String?, limit: Int, as caller: Caller) async throws -> ListPage<EnquiryRecord> {
        let after = try DueCursor.decode(cursor)
        let today = work.clock.today
        return try await work.database.read(as: caller.actor) { unit in
            let audience: EnquiryAudience = caller.role == .agency ? .agency(caller.clientID) : .council(caller.laCode)
            let page = try await unit.enquiries.list(for: audience, status: status, overdue: overdue, today: today, after: after, limit: limit)
            for e in page.rows { try await Self.auditRead(unit, e, action: "list", caller: caller) }
            return ListPage(items: page.rows, nextCursor: page.more ? page.rows.last.map { DueCursor.encode($0.dueOn, $0.id) } : nil)
        }
    }

    /// Records the answer: from the agency or council addressed, or from the asking council's
    /// officers (an answer received outside the system). Once only.
    public func respond(_ id: UUID, body: RequestBody, as caller: Caller, idempotency: IdempotencyClaim?,
                        render: (EnquiryRecord) throws -> StoredReply) async throws -> StoredReply {
        let json = try body.object()
        return try await work.database.write(as: caller.actor, idempotency: idempotency) { unit in
            guard let e = try await unit.enquiries.find(id, forUpdate: true), Self.visible(e, to: caller) else { throw ServiceError.notFound }
            let rules = try await CouncilRules.load(unit, clock: work.clock)
            var r = FormReader(json)
            let outcome = r.choice("/outcome", EnquiryOutcome.self, required: true)
            let details = r.string("/details", maxLength: 4_000)
            let address = r.address("/new_address")
            let urn = r.urn("/school_urn")
            let la = r.laCode("/la_code")
            try r.errors.throwIfAny()
            guard let outcome else { throw ServiceError.invalid(r.errors) }
            guard e.status == .open else { throw ServiceError.conflict("This enquiry was already answered.") }
            let recordedBy = e.laCode == caller.laCode && caller.role != .agency ? "asking_council" : "addressee"
            let response: JSONValue = .object([
                "outcome": .string(outcome.rawValue), "details": .text(details), "new_address": address?.json ?? .null,
                "school_urn": .text(urn?.value), "la_code": .text(la?.value), "answered_at": .string(rules.now.rfc3339),
                "recorded_by": .string(recordedBy),
            ])
            let answered = try await unit.enquiries.answer(id, response: response, at: rules.now)
            unit.audit("answer", subjectType: "enquiry", subjectID: id.lowercasedString)
            // The case, its timeline and its chase task are the asking council's.
            let effects = {
                try await unit.cases.addEvent(e.caseID, kind: "enquiry_answered",
                                              details: .object(["enquiry_id": .string(id.lowercasedString), "outcome": .string(outcome.rawValue),
                                                                "recorded_by": .string(recordedBy)]), at: rules.now, laCode: e.laCode)
                for task in try await unit.tasks.completeOpen(kind: .chaseEnquiry, enquiry: id, at: rules.now, laCode: e.laCode) {
                    unit.audit("complete", subjectType: "task", subjectID: task.lowercasedString)
                }
                if outcome != .noTrace {
                    try await unit.cases.noteTrace(e.caseID, on: rules.today, at: rules.now, laCode: e.laCode)
                }
                unit.audit(e.laCode == caller.laCode ? "answer_recorded" : "answer_by_other_council", subjectType: "case",
                           subjectID: e.caseID.lowercasedString)
            }
            if e.laCode == caller.laCode { try await effects() } else { try await unit.inCouncil(e.laCode, effects) }
            return try render(answered)
        }
    }
}

/// The cursor of lists ordered by due date then id: `YYYY-MM-DD/uuid`.
enum DueCursor {
    static func encode(_ due: CalendarDate, _ id: UUID) -> String { due.iso8601 + "/" + id.lowercasedString }

    static func decode(_ cursor: String?) throws(ServiceError) -> DueKey? {
        guard let cursor else { return nil }
        let parts = cursor.split(separator: "/")
        guard parts.count == 2, let d = CalendarDate(String(parts[0])), let id = UUID(uuidString: String(parts[1])) else {
            throw .malformed("cursor is not a cursor this service gave.")
        }
        return DueKey(dueOn: d, id: id)
    }
}

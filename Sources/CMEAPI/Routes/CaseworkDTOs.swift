import CMEDomain
import CMEService
import CMEStore
import Foundation

/// The JSON of casework resources (`openapi.yaml` components), built as trees so that every field
/// is present, `null` when empty.
enum CaseworkJSON {
    static func s(_ t: String?) -> JSONValue { t.map(JSONValue.string) ?? .null }
    static func id(_ u: UUID?) -> JSONValue { s(u?.lowercasedString) }
    static func date(_ d: CalendarDate?) -> JSONValue { s(d?.iso8601) }
    static func instant(_ d: Date?) -> JSONValue { s(d.map(API.timestamp)) }

    /// A referral: its form's fields and what the service added. `matches` only for roles that may
    /// see other children's records.
    static func referral(_ r: ReferralRecord, showMatches: Bool) -> JSONTree {
        var o = r.form.objectValue ?? [:]
        o["id"] = id(r.id)
        o["la_code"] = .string(r.laCode)
        o["status"] = .string(r.status.rawValue)
        o["received_at"] = instant(r.receivedAt)
        o["submitted_by"] = id(r.submittedBy)
        o["child_id"] = id(r.childID)
        o["case_id"] = id(r.caseID)
        o["warnings"] = r.warnings
        o["matches"] = showMatches ? r.matches : .array([])
        o["decision"] = r.decision ?? .null
        o["version"] = .number(Double(r.version))
        o["updated_at"] = instant(r.updatedAt)
        for key in ["parents", "siblings", "agencies_involved", "checks_completed"] where o[key] == nil { o[key] = .array([]) }
        for key in ["last_school", "date_last_attended", "date_last_on_roll", "reason_detail", "safeguarding_concerns"] where o[key] == nil {
            o[key] = .null
        }
        return JSONTree(.object(o))
    }

    static func caseTree(_ v: CaseView) -> JSONValue {
        let c = v.record
        return .object([
            "id": id(c.id), "reference": .string(c.reference), "la_code": .string(c.laCode), "status": .string(c.status.rawValue),
            "outcome": s(c.outcome?.rawValue), "opened_at": instant(c.openedAt), "closed_at": instant(c.closedAt),
            "child": child(v.child, onRollAt: v.onRollAt),
            "referral_ids": .array(c.referralIDs.map(id)), "assigned_officer": c.assignedOfficer.map(officer) ?? .null,
            "risk_flags": .array(c.riskFlags.map { .string($0.rawValue) }), "reason": .string(c.reason.rawValue),
            "next_review_on": date(c.nextReviewOn), "calendar_approximate": .bool(c.reviewApproximate),
            "closure": c.closure ?? .null, "located": c.located ?? .null, "transfer": c.transfer ?? .null,
            "last_trace_on": date(c.lastTraceOn), "version": .number(Double(c.version)), "updated_at": instant(c.updatedAt),
        ])
    }

    static func caseJSON(_ v: CaseView) -> JSONTree { JSONTree(caseTree(v)) }

    static func officer(_ o: Officer) -> JSONValue { .object(["name": .string(o.name), "email": s(o.email), "phone": s(o.phone)]) }

    static func bool(_ b: Bool?) -> JSONValue { b.map(JSONValue.bool) ?? .null }

    /// A child record as `components/schemas/Child` (the same fields as `ChildRoutes.ChildDTO`).
    static func child(_ row: ChildRow, onRollAt place: RollPlace?) -> JSONValue {
        var address: JSONValue = .null
        if let text = row.addressJSON, case .object(let a)? = JSONValue.parse(Array(text.utf8)) {
            address = .object(["line1": a["line1"] ?? .null, "line2": a["line2"] ?? .null, "town": a["town"] ?? .null,
                               "postcode": a["postcode"] ?? .null])
        }
        return .object([
            "id": id(row.id), "upn": s(row.upn), "first_name": .string(row.firstName), "last_name": .string(row.lastName),
            "other_names": .array(row.otherNames.map(JSONValue.string)), "date_of_birth": date(row.dateOfBirth), "gender": s(row.gender),
            "ethnicity": s(row.ethnicity), "eal": bool(row.eal), "fsm": bool(row.fsm), "sen": s(row.sen),
            "looked_after": .bool(row.lookedAfter), "child_protection_plan": .bool(row.childProtectionPlan),
            "child_in_need_plan": .bool(row.childInNeedPlan), "vulnerable_groups": .array(row.vulnerableGroups.map(JSONValue.string)),
            "address": address, "phone": s(row.phone), "gp": s(row.gp),
            "on_roll_at": place.map { .object(["school_urn": .string($0.schoolURN), "since": .string($0.since.iso8601)]) } ?? .null,
        ])
    }

    static func event(_ e: CaseEvent) -> JSONTree {
        JSONTree(.object(["id": .number(Double(e.id)), "at": instant(e.at), "kind": .string(e.kind),
                          "actor": .object(["client_id": id(e.clientID), "role": .string(e.role)]), "details": e.details]))
    }

    static func partnerStatus(_ c: CaseRecord) -> JSONTree {
        JSONTree(.object(["reference": .string(c.reference), "status": .string(c.status.rawValue), "located": .bool(c.isLocated),
                          "education_secured": .bool(c.educationSecured), "updated_at": instant(c.updatedAt),
                          "officer": c.assignedOfficer.map(officer) ?? .null]))
    }

    static func enquiry(_ e: EnquiryRecord, today: CalendarDate) -> JSONTree {
        JSONTree(.object([
            "id": id(e.id), "case_id": id(e.caseID), "case_reference": .string(e.caseReference), "la_code": .string(e.laCode),
            "agency_type": .string(e.agencyType.rawValue), "agency_name": s(e.agencyName),
            "addressed_to": s(e.addressedClientID?.lowercasedString ?? e.addressedLACode), "question": .string(e.question),
            "sent_on": date(e.sentOn), "due_on": date(e.dueOn), "calendar_approximate": .bool(e.dueApproximate),
            "status": .string(e.status.rawValue), "overdue": .bool(e.isOverdue(today: today)), "child": e.child,
            "response": e.response ?? .null, "created_at": instant(e.createdAt),
        ]))
    }

    static func visit(_ v: VisitRecord) -> JSONTree {
        JSONTree(.object([
            "id": id(v.id), "case_id": id(v.caseID), "address": v.address?.json ?? .null, "team": s(v.team),
            "requested_on": date(v.requestedOn), "due_on": date(v.dueOn), "calendar_approximate": .bool(v.dueApproximate),
            "status": .string(v.status.rawValue), "outcome": s(v.outcome?.rawValue), "visited_on": date(v.visitedOn),
            "notes": s(v.notes), "concerns": s(v.concerns), "created_at": instant(v.createdAt),
        ]))
    }

    static func task(_ t: TaskRecord, today: CalendarDate) -> JSONTree {
        JSONTree(.object([
            "id": id(t.id), "kind": .string(t.kind.rawValue), "status": .string(t.status.rawValue), "due_on": date(t.dueOn),
            "calendar_approximate": .bool(t.dueApproximate), "overdue": .bool(t.isOverdue(today: today)), "case_id": id(t.caseID),
            "referral_id": id(t.referralID), "enquiry_id": id(t.enquiryID), "visit_id": id(t.visitID),
            "notification_id": id(t.notificationID), "expected_arrival_id": id(t.expectedArrivalID), "created_at": instant(t.createdAt),
            "completed_at": instant(t.completedAt), "notes": s(t.notes),
        ]))
    }
}

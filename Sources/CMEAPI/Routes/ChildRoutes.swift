import CMEDomain
import CMEService
import CMEStore
import Foundation
import HTTP

/// `GET /v1/children` (search) and `GET /v1/children/{id}` (officer, admin): people records, every
/// one shown audited as a read of personal data.
enum ChildRoutes {
    struct AddressDTO: Codable {
        var line1, line2, town, postcode: String?
    }

    struct ChildDTO: Encodable {
        var row: ChildRow
        var onRollAt: RollPlace? = nil
        enum CodingKeys: String, CodingKey {
            case id, upn, firstName = "first_name", lastName = "last_name", otherNames = "other_names", dateOfBirth = "date_of_birth"
            case gender, ethnicity, eal, fsm, sen, lookedAfter = "looked_after", childProtectionPlan = "child_protection_plan"
            case childInNeedPlan = "child_in_need_plan", vulnerableGroups = "vulnerable_groups", address, phone, gp, onRollAt = "on_roll_at"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.id.lowercasedString, forKey: .id)
            try c.encode(row.upn, forKey: .upn)
            try c.encode(row.firstName, forKey: .firstName)
            try c.encode(row.lastName, forKey: .lastName)
            try c.encode(row.otherNames, forKey: .otherNames)
            try c.encode(row.dateOfBirth?.iso8601, forKey: .dateOfBirth)
            try c.encode(row.gender, forKey: .gender)
            try c.encode(row.ethnicity, forKey: .ethnicity)
            try c.encode(row.eal, forKey: .eal)
            try c.encode(row.fsm, forKey: .fsm)
            try c.encode(row.sen, forKey: .sen)
            try c.encode(row.lookedAfter, forKey: .lookedAfter)
            try c.encode(row.childProtectionPlan, forKey: .childProtectionPlan)
            try c.encode(row.childInNeedPlan, forKey: .childInNeedPlan)
            try c.encode(row.vulnerableGroups, forKey: .vulnerableGroups)
            try c.encode(row.addressJSON.flatMap { try? JSONDecoder().decode(AddressDTO.self, from: Data($0.utf8)) }, forKey: .address)
            try c.encode(row.phone, forKey: .phone)
            try c.encode(row.gp, forKey: .gp)
            try c.encode(onRollAt.map { ["school_urn": $0.schoolURN, "since": $0.since.iso8601] }, forKey: .onRollAt)
        }
    }

    struct CandidateDTO: Encodable {
        var candidate: ChildService.Candidate
        enum CodingKeys: String, CodingKey { case childID = "child_id", caseID = "case_id", score, reasons, onRollAt = "on_roll_at", child }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(candidate.child.id.lowercasedString, forKey: .childID)
            try c.encode(candidate.caseID?.lowercasedString, forKey: .caseID)
            try c.encode((candidate.score * 100).rounded() / 100, forKey: .score)
            try c.encode(candidate.reasons.map(\.rawValue), forKey: .reasons)
            try c.encode(candidate.onRollAt.map { ["school_urn": $0.schoolURN, "since": $0.since.iso8601] }, forKey: .onRollAt)
            try c.encode(ChildDTO(row: candidate.child, onRollAt: candidate.onRollAt), forKey: .child)
        }
    }

    static func register(on api: inout RouteBuilder) {
        let caseworkers = RouteBuilder.Group(prefix: "/v1/children", roles: [.officer, .admin])
        let children = api.services.children

        api.add("GET", "", in: caseworkers) { request, context in
            let q = request.query
            var upn: String?
            if let text = q["upn"] {
                guard text.utf8.count == 13, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                    throw ServiceError.malformed("upn must be 13 letters and digits.")
                }
                upn = text
            }
            var dob: CalendarDate?
            if let text = q["date_of_birth"] {
                guard text.utf8.count == 10, let d = CalendarDate(text) else { throw ServiceError.malformed("date_of_birth must be a date, YYYY-MM-DD.") }
                dob = d
            }
            let last = q["last_name"].flatMap { $0.isEmpty ? nil : $0 }
            let first = q["first_name"].flatMap { $0.isEmpty ? nil : $0 }
            for (name, value) in [("last_name", last), ("first_name", first)] where (value?.count ?? 0) > 100 {
                throw ServiceError.malformed("\(name) must be at most 100 characters.")
            }
            guard upn != nil || last != nil || dob != nil else {
                throw ServiceError.malformed("Search by upn, last_name (with first_name if known) or date_of_birth.")
            }
            let limit = try API.limit(request)
            let found = try await children.search(ChildService.Search(upn: upn, firstName: first, lastName: last, dateOfBirth: dob),
                                                  as: context.actor, limit: limit)
            return try API.json(API.Page(items: found.map(CandidateDTO.init), nextCursor: nil))
        }

        api.add("GET", "/{id}", in: caseworkers) { request, context in
            guard let id = UUID(uuidString: request.pathParameters["id"] ?? "") else { throw ServiceError.notFound }
            let (row, place) = try await children.child(id, as: context.actor)
            return try API.json(ChildDTO(row: row, onRollAt: place))
        }
    }
}

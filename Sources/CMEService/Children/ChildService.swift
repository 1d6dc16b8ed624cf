import CMEDomain
import CMEStore
import Foundation
import Runtime

/// Finding and reading children (`GET /v1/children`, `GET /v1/children/{id}`). Every child a caller
/// is shown is a read of personal data, audited in the same transaction.
public struct ChildService: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// What a search gives: any of a UPN, a last name (with or without first name), a date of birth.
    public struct Search: Sendable, Equatable {
        public var upn: String?
        public var firstName: String?
        public var lastName: String?
        public var dateOfBirth: CalendarDate?
        public init(upn: String?, firstName: String?, lastName: String?, dateOfBirth: CalendarDate?) {
            self.upn = upn
            self.firstName = firstName
            self.lastName = lastName
            self.dateOfBirth = dateOfBirth
        }
    }

    /// A scored candidate.
    public struct Candidate: Sendable, Equatable {
        public var child: ChildRow
        public var score: Double
        public var reasons: [MatchReason]
        /// The child's case that is not closed, if any.
        public var caseID: UUID? = nil
        /// The school the child is on roll at now, if known.
        public var onRollAt: RollPlace? = nil
    }

    /// Candidates scored by CMEDomain's matcher, best first, at most `limit`.
    public func search(_ s: Search, as actor: Actor, limit: Int) async throws -> [Candidate] {
        let upn = s.upn.map { $0.uppercased() }
        let probe = ChildRecord(upn: upn.flatMap(UPN.init), firstName: s.firstName ?? "", lastName: s.lastName ?? "",
                                dateOfBirth: s.dateOfBirth)
        let swapped = s.dateOfBirth?.withDayAndMonthSwapped
        return try await database.read(as: actor) { unit in
            let rows = try await unit.children.candidates(upn: upn, firstNameKey: s.firstName.map(NameNormalisation.compact),
                                                           lastNameKey: s.lastName.map(NameNormalisation.compact),
                                                           dateOfBirth: s.dateOfBirth, swappedDateOfBirth: swapped)
            var scored: [Candidate] = []
            for row in rows {
                let known = ChildRecord(upn: row.upn.flatMap(UPN.init), firstName: row.firstName, lastName: row.lastName,
                                        dateOfBirth: row.dateOfBirth)
                var m = ChildMatching.match(probe, known, recordedUPNs: (upn, row.upn))
                if s.firstName == nil, s.lastName != nil, m.score < ChildMatching.candidateThreshold,
                   NameNormalisation.compact(row.lastName) == NameNormalisation.compact(s.lastName!) {
                    // A search by last name alone: an exact last name is what was asked for.
                    m = ChildMatch(score: ChildMatching.candidateThreshold, reasons: [.nameExact])
                }
                if m.isCandidate { scored.append(Candidate(child: row, score: m.score, reasons: m.reasons)) }
            }
            scored.sort { ($0.score, $1.child.id.lowercasedString) > ($1.score, $0.child.id.lowercasedString) }
            var shown = Array(scored.prefix(limit))
            let cases = try await unit.cases.liveCaseIDs(ofChildren: shown.map(\.child.id))
            let places = try await unit.roll.currentPlaces(of: shown.map(\.child.id))
            for i in shown.indices {
                shown[i].caseID = cases[shown[i].child.id]
                shown[i].onRollAt = places[shown[i].child.id]
            }
            for c in shown { unit.audit("search", subjectType: "child", subjectID: c.child.id.lowercasedString) }
            return shown
        }
    }

    /// A child and the school it is on roll at now.
    public func child(_ id: UUID, as actor: Actor) async throws -> (ChildRow, RollPlace?) {
        try await database.read(as: actor) { unit in
            guard let row = try await unit.children.find(id) else { throw ServiceError.notFound }
            unit.audit("read", subjectType: "child", subjectID: id.lowercasedString)
            return (row, try await unit.roll.currentPlaces(of: [id])[id])
        }
    }

    /// Records a child (the referral and roll-notification use cases create children; tests and the
    /// benchmark seed them here).
    public func record(_ child: ChildRow, as actor: Actor) async throws {
        try await database.write(as: actor) { unit in
            try await unit.children.insert(child)
            unit.audit("create", subjectType: "child", subjectID: child.id.lowercasedString)
        }
    }

    /// A row for a new child, with its name keys.
    public static func newRow(upn: UPN?, firstName: String, lastName: String, dateOfBirth: CalendarDate?, gender: Gender? = nil,
                              postcode: String? = nil) -> ChildRow {
        ChildRow(id: TimeOrderedID.make(), upn: upn?.value, firstName: firstName, lastName: lastName,
                 firstNameKey: NameNormalisation.compact(firstName), lastNameKey: NameNormalisation.compact(lastName),
                 dateOfBirth: dateOfBirth, gender: gender?.rawValue,
                 addressJSON: postcode.map { "{\"postcode\":" + JSONText.quoted($0) + "}" },
                 postcodeKey: postcode.map { $0.uppercased().filter { !$0.isWhitespace } })
    }
}

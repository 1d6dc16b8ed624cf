/// The agencies a council makes reasonable enquiries with (docs/domain.md, "Reasonable enquiries and the CME pathway"; docs/casework.md).
public enum AgencyType: String, Sendable, Hashable, Codable, CaseIterable {
    case health
    case socialCare = "social_care"
    case police
    case housing
    case councilTax = "council_tax"
    case revenuesBenefits = "revenues_benefits"
    case admissions
    case otherLA = "other_la"
    case immigration
    case armedForcesCEAS = "armed_forces_ceas"
    case lostPupilsDatabase = "lost_pupils_database"
    case school
    case youthOffending = "youth_offending"
    case other
}

/// The answer to an enquiry (docs/casework.md).
public enum EnquiryOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case informationFound = "information_found"
    case noTrace = "no_trace"
    case childLocated = "child_located"
    case residentHereOnRoll = "resident_here_on_roll"
    case residentHereNotOnRoll = "resident_here_not_on_roll"
    /// Elective home education or alternative provision in the answering council's area.
    case residentHereEducatedOtherwise = "resident_here_educated_otherwise"
    case movedAbroad = "moved_abroad"

    /// Whether another council's answer confirms the child is its responsibility and in education
    /// there, the evidence a `moved_to_other_la` closure needs (docs/casework.md).
    public var confirmsEducationElsewhere: Bool {
        self == .residentHereOnRoll || self == .residentHereEducatedOtherwise
    }
}

/// An answered enquiry, as closure rules need to see it.
public struct AnsweredEnquiry: Hashable, Sendable {
    public let agencyType: AgencyType
    /// For `other_la` enquiries, the council asked.
    public let addressedToLA: LACode?
    public let outcome: EnquiryOutcome

    public init(agencyType: AgencyType, addressedToLA: LACode?, outcome: EnquiryOutcome) {
        self.agencyType = agencyType
        self.addressedToLA = addressedToLA
        self.outcome = outcome
    }
}

/// The outcome of a safe-and-well visit (docs/casework.md).
public enum VisitOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case seenSafe = "seen_safe"
    case seenConcerns = "seen_concerns"
    case noAnswer = "no_answer"
    case familyMoved = "family_moved"
    case accessRefused = "access_refused"
}

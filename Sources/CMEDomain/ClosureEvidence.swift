/// How a case leaves the CME register (docs/casework.md). There is deliberately no
/// "cannot find": an untraceable child's case stays open (docs/domain.md, "Who is a child missing education").
public enum ClosureOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case onRoll = "on_roll"
    case alternativeProvision = "alternative_provision"
    case electiveHomeEducation = "elective_home_education"
    case movedToOtherLA = "moved_to_other_la"
    case movedAbroad = "moved_abroad"
    case ceasedCompulsorySchoolAge = "ceased_compulsory_school_age"
    case deceased
    case referralInError = "referral_in_error"
}

/// The body of `POST /v1/cases/{id}/close` as received: every field optional and unparsed, so
/// that validation can name every missing or malformed field at once.
public struct ClosureRequest: Hashable, Sendable {
    public var outcome: String?
    public var schoolURN: String?
    public var startDate: String?
    public var provider: String?
    public var confirmedOn: String?
    public var laCode: String?
    public var country: String?
    public var evidence: String?
    public var notes: String?

    public init(outcome: String?, schoolURN: String? = nil, startDate: String? = nil, provider: String? = nil,
                confirmedOn: String? = nil, laCode: String? = nil, country: String? = nil, evidence: String? = nil,
                notes: String? = nil) {
        self.outcome = outcome
        self.schoolURN = schoolURN
        self.startDate = startDate
        self.provider = provider
        self.confirmedOn = confirmedOn
        self.laCode = laCode
        self.country = country
        self.evidence = evidence
        self.notes = notes
    }
}

/// What the closure rules need to know about the case beyond the request.
public struct ClosureContext: Hashable, Sendable {
    /// The council that holds the case.
    public let councilLACode: LACode
    public let dateOfBirth: CalendarDate?
    /// The Europe/London date of the closure.
    public let closingOn: CalendarDate
    public let answeredEnquiries: [AnsweredEnquiry]

    public init(councilLACode: LACode, dateOfBirth: CalendarDate?, closingOn: CalendarDate, answeredEnquiries: [AnsweredEnquiry]) {
        self.councilLACode = councilLACode
        self.dateOfBirth = dateOfBirth
        self.closingOn = closingOn
        self.answeredEnquiries = answeredEnquiries
    }
}

/// A closure with the evidence its outcome needs, parsed and checked.
public enum CaseClosure: Hashable, Sendable {
    case onRoll(school: URN, startDate: CalendarDate)
    case alternativeProvision(provider: String, startDate: CalendarDate)
    case electiveHomeEducation(confirmedOn: CalendarDate)
    case movedToOtherLA(LACode)
    case movedAbroad(country: String, evidence: String)
    case ceasedCompulsorySchoolAge(on: CalendarDate)
    case deceased
    case referralInError

    public var outcome: ClosureOutcome {
        switch self {
        case .onRoll: return .onRoll
        case .alternativeProvision: return .alternativeProvision
        case .electiveHomeEducation: return .electiveHomeEducation
        case .movedToOtherLA: return .movedToOtherLA
        case .movedAbroad: return .movedAbroad
        case .ceasedCompulsorySchoolAge: return .ceasedCompulsorySchoolAge
        case .deceased: return .deceased
        case .referralInError: return .referralInError
        }
    }
}

/// The evidence each closure outcome needs. Returns every missing or wrong piece at once, with
/// the JSON pointer of its field in the `/close` body.
///
/// Beyond the list of docs/casework.md: a start date or EHE confirmation may not be after the closing
/// date, because a case stays open until the child *is* in suitable education (docs/domain.md, "Who is a child missing education"); a
/// move "to another council" that names this council is refused.
public enum ClosureEvidence {
    public static func validate(_ request: ClosureRequest, context: ClosureContext) -> Result<CaseClosure, FieldErrors> {
        var errors = FieldErrors()
        let outcomePointer: JSONPointer = "/outcome"
        guard let outcomeText = errors.require(request.outcome, at: outcomePointer) else { return .failure(errors) }
        guard let outcome = ClosureOutcome(rawValue: outcomeText) else {
            let allowed = ClosureOutcome.allCases.map(\.rawValue).joined(separator: ", ")
            errors.add(outcomePointer, "must be one of \(allowed); a child who cannot be found stays open")
            return .failure(errors)
        }

        func date(_ text: String?, at pointer: JSONPointer, notAfterClosing: Bool) -> CalendarDate? {
            guard let text = errors.require(text, at: pointer) else { return nil }
            guard let value = CalendarDate(text) else {
                errors.add(pointer, "must be a date YYYY-MM-DD")
                return nil
            }
            if notAfterClosing && value > context.closingOn {
                errors.add(pointer, "is after today (\(context.closingOn)); close the case once the child has started")
                return nil
            }
            return value
        }
        func text(_ value: String?, at pointer: JSONPointer) -> String? {
            errors.require(value, at: pointer)?.trimmingWhitespace()
        }

        let closure: CaseClosure?
        switch outcome {
        case .onRoll:
            var school: URN?
            if let urnText = errors.require(request.schoolURN, at: "/school_urn") {
                school = URN(urnText)
                if school == nil { errors.add("/school_urn", "must be a URN of 6 digits") }
            }
            let start = date(request.startDate, at: "/start_date", notAfterClosing: true)
            closure = school.flatMap { school in start.map { .onRoll(school: school, startDate: $0) } }
        case .alternativeProvision:
            let provider = text(request.provider, at: "/provider")
            let start = date(request.startDate, at: "/start_date", notAfterClosing: true)
            closure = provider.flatMap { provider in start.map { .alternativeProvision(provider: provider, startDate: $0) } }
        case .electiveHomeEducation:
            closure = date(request.confirmedOn, at: "/confirmed_on", notAfterClosing: true).map { .electiveHomeEducation(confirmedOn: $0) }
        case .movedToOtherLA:
            var la: LACode?
            if let laText = errors.require(request.laCode, at: "/la_code") {
                la = LACode(laText)
                if la == nil {
                    errors.add("/la_code", "must be an LA code of 3 digits")
                } else if la == context.councilLACode {
                    errors.add("/la_code", "is this council; a move within the area does not close the case")
                    la = nil
                }
            }
            let confirmed = la.map { la in
                context.answeredEnquiries.contains {
                    $0.agencyType == .otherLA && $0.addressedToLA == la && $0.outcome.confirmsEducationElsewhere
                }
            } ?? false
            if !confirmed {
                let council = la.map { "council \($0)" } ?? "the other council"
                errors.add(outcomePointer, "moved_to_other_la needs an answered other_la enquiry to \(council) confirming the child is resident there and on roll or educated otherwise (resident_here_on_roll or resident_here_educated_otherwise)")
            }
            closure = confirmed ? la.map { .movedToOtherLA($0) } : nil
        case .movedAbroad:
            let country = text(request.country, at: "/country")
            let evidence = text(request.evidence, at: "/evidence")
            closure = country.flatMap { country in evidence.map { .movedAbroad(country: country, evidence: $0) } }
        case .ceasedCompulsorySchoolAge:
            if let born = context.dateOfBirth {
                let end = CompulsorySchoolAge(dateOfBirth: born).endDate
                if context.closingOn >= end {
                    closure = .ceasedCompulsorySchoolAge(on: end)
                } else {
                    errors.add(outcomePointer, "the child is of compulsory school age until \(end) (the last Friday in June of the school year they turn 16)")
                    closure = nil
                }
            } else {
                errors.add(outcomePointer, "ceased_compulsory_school_age needs the child's date of birth on the case")
                closure = nil
            }
        case .deceased:
            closure = .deceased
        case .referralInError:
            closure = .referralInError
        }
        if let closure, errors.isEmpty { return .success(closure) }
        return .failure(errors)
    }
}

/// A ground for deleting a pupil's name from the admission register: Regulation 9(1) of the
/// School Attendance (Pupil Registration) (England) Regulations 2024, in force 19 August 2024
/// (docs/domain.md, "Removal grounds"). A name is deleted if, and only if, a ground is met.
///
/// The raw value is the code the API uses. One 2006 ground, Regulation 8(1)(g) (medically unfit),
/// has no 2024 equivalent and is kept under its 2006 code.
public enum RemovalGround: String, Sendable, Hashable, Codable, CaseIterable {
    case registeredAtAnotherSchool = "9(1)(a)"
    case finishedNurseryClass = "9(1)(b)"
    case dualRegistrationEnded = "9(1)(c)"
    case schoolAttendanceOrderAmended = "9(1)(d)"
    case schoolAttendanceOrderRevoked = "9(1)(e)"
    case educatedOtherwiseThanAtSchool = "9(1)(f)"
    case noLongerWithinReasonableDistance = "9(1)(g)"
    case notReturnedAfterLeaveOfAbsence = "9(1)(h)"
    case continuouslyAbsent = "9(1)(i)"
    case detained = "9(1)(j)"
    case died = "9(1)(k)"
    case overCompulsorySchoolAge = "9(1)(l)"
    case boarderFeesUnpaid = "9(1)(m)"
    case ceasedAtIndependentOrNonMaintainedSpecialSchool = "9(1)(n)"
    case permanentlyExcluded = "9(1)(o)"
    case medicallyUnfit2006 = "2006:8(1)(g)"

    /// The short wording of docs/domain.md, "Removal grounds". The exact legal text of (f)-(o) was not available, so no
    /// longer wording is given for any ground.
    public var shortWording: String { Self.catalogue[self]!.wording }

    /// What the service does when a school removes a pupil on this ground.
    public var consequences: RemovalConsequences { Self.catalogue[self]!.consequences }

    /// True for the ground kept from the 2006 regulations.
    public var isFrom2006Regulations: Bool { self == .medicallyUnfit2006 }

    private typealias Entry = (wording: String, consequences: RemovalConsequences)

    // The catalogue of docs/domain.md, "Removal grounds", as data: one row per ground.
    private static let catalogue: [RemovalGround: Entry] = [
        .registeredAtAnotherSchool: ("registered at another school (not the dual registration, School Attendance Order or mobile exceptions)",
                                     .init(expectedArrival: .always)),
        .finishedNurseryClass: ("finished a nursery class and not expected to transfer to reception", .init()),
        .dualRegistrationEnded: ("dual registered, will not attend again, and the other schools consent", .init()),
        .schoolAttendanceOrderAmended: ("School Attendance Order amended to name another school", .init(expectedArrival: .always)),
        .schoolAttendanceOrderRevoked: ("School Attendance Order revoked: suitable education arranged otherwise",
                                        .init(educationOtherwiseRecord: true)),
        .educatedOtherwiseThanAtSchool: ("parent notified the school in writing that the child is educated otherwise than at school",
                                         .init(educationOtherwiseRecord: true, task: .eheFollowUp)),
        .noLongerWithinReasonableDistance: ("no longer lives within reasonable distance of the school",
                                            .init(expectedArrival: .whenDestinationKnown, cmeCase: .whenDestinationUnknown)),
        .notReturnedAfterLeaveOfAbsence: ("not returned within 10 school days after leave of absence; joint enquiries failed",
                                          .init(cmeCase: .always, needsCouncilAgreement: true)),
        .continuouslyAbsent: ("continuously absent for 20 school days (all sessions unauthorised, not sickness); joint enquiries failed",
                              .init(cmeCase: .always, needsCouncilAgreement: true)),
        .detained: ("detained under a sentence of detention", .init(task: .youthJusticeLiaison)),
        .died: ("died", .init()),
        .overCompulsorySchoolAge: ("will be over compulsory school age and not staying on", .init()),
        // "CME unless destination known" (docs/domain.md, "Removal grounds") read like 9(1)(g): with a destination school
        // the child is expected to arrive there.
        .boarderFeesUnpaid: ("boarder at a maintained school or academy whose fees are unpaid",
                             .init(expectedArrival: .whenDestinationKnown, cmeCase: .whenDestinationUnknown)),
        .ceasedAtIndependentOrNonMaintainedSpecialSchool: ("ceased to be a pupil of an independent or non-maintained special school",
                                                           .init(expectedArrival: .whenDestinationKnown, cmeCase: .whenDestinationUnknown)),
        .permanentlyExcluded: ("permanently excluded; the council must provide education from the sixth school day",
                               .init(task: .arrangeExcludedPupilProvision)),
        .medicallyUnfit2006: ("medically unfit (2006 Regulation 8(1)(g); no 2024 equivalent)",
                              .init(task: .reviewRemovalGround)),
    ]

    /// Finds the ground for a code a school sent: a 2024 code (`9(1)(h)`) or a 2006 Regulation 8(1)
    /// letter as old MIS feeds send it (`2006:8(1)(h)`). Case and spaces are ignored.
    ///
    /// 2006 (a), a School Attendance Order, maps to `9(1)(d)` when the notice names a destination
    /// school and to `9(1)(e)` otherwise, so the caller says whether one was given.
    public static func lookup(_ code: String, destinationSchoolGiven: Bool) -> Result<ReportedRemovalGround, RemovalGroundCodeError> {
        let normalised = String(code.lowercased().filter { !$0.isWhitespace })
        guard !normalised.isEmpty else { return .failure(.missing) }
        if let ground = RemovalGround(rawValue: normalised), !ground.isFrom2006Regulations {
            return .success(ReportedRemovalGround(ground: ground, reportedCode: normalised))
        }
        let prefix = "2006:8(1)("
        guard normalised.hasPrefix(prefix), normalised.hasSuffix(")"), normalised.count == prefix.count + 2,
              let letter = normalised.dropFirst(prefix.count).first,
              let ground = from2006(letter: letter, destinationSchoolGiven: destinationSchoolGiven) else {
            return .failure(.unknown(code))
        }
        return .success(ReportedRemovalGround(ground: ground, reportedCode: normalised))
    }

    /// The 2024 ground for a letter of the 2006 Regulation 8(1), per docs/domain.md, "Removal grounds"
    public static func from2006(letter: Character, destinationSchoolGiven: Bool) -> RemovalGround? {
        switch letter {
        case "a": return destinationSchoolGiven ? .schoolAttendanceOrderAmended : .schoolAttendanceOrderRevoked
        case "b": return .registeredAtAnotherSchool
        case "c": return .dualRegistrationEnded
        case "d": return .educatedOtherwiseThanAtSchool
        case "e": return .noLongerWithinReasonableDistance
        case "f": return .notReturnedAfterLeaveOfAbsence
        case "g": return .medicallyUnfit2006
        case "h": return .continuouslyAbsent
        case "i": return .detained
        case "j": return .died
        case "k": return .overCompulsorySchoolAge
        case "l": return .ceasedAtIndependentOrNonMaintainedSpecialSchool
        case "m": return .permanentlyExcluded
        case "n": return .finishedNurseryClass
        case "o": return .boarderFeesUnpaid
        default: return nil
        }
    }

    /// What a removal on this ground sets in motion, given whether the notice names a destination
    /// school. A CTF code of `XXXXXXX` counts as no destination.
    public func effects(destinationSchoolKnown: Bool) -> [RemovalEffect] {
        let rules = consequences
        var effects: [RemovalEffect] = []
        if rules.expectedArrival.applies(destinationSchoolKnown: destinationSchoolKnown) && destinationSchoolKnown {
            effects.append(.expectedArrival)
        }
        if rules.cmeCase.applies(destinationSchoolKnown: destinationSchoolKnown) { effects.append(.cmeCase) }
        if rules.educationOtherwiseRecord { effects.append(.educationOtherwiseRecord) }
        if let task = rules.task { effects.append(.task(task)) }
        return effects
    }

    /// Whether the school needs the council's prior agreement (a deregistration authorisation)
    /// before removing on this ground. 9(1)(h) and (i) always do; a council whose policy says
    /// removals need its agreement (all five of docs/domain.md, "Councils' own procedures") also requires it for every removal
    /// that leaves the child missing education, i.e. that opens a CME case.
    public func needsCouncilAgreement(destinationSchoolKnown: Bool, policy: DeadlinePolicy) -> Bool {
        consequences.needsCouncilAgreement
            || (policy.removalNeedsCouncilAgreement && effects(destinationSchoolKnown: destinationSchoolKnown).contains(.cmeCase))
    }
}

/// The consequences of a removal ground that the service acts on (docs/domain.md, "Removal grounds", last column).
public struct RemovalConsequences: Hashable, Sendable, Codable {
    /// When a consequence applies, depending on whether a destination school is known.
    public enum Condition: String, Hashable, Sendable, Codable {
        case always
        case whenDestinationKnown = "when_destination_known"
        case whenDestinationUnknown = "when_destination_unknown"
        case never

        public func applies(destinationSchoolKnown: Bool) -> Bool {
            switch self {
            case .always: return true
            case .never: return false
            case .whenDestinationKnown: return destinationSchoolKnown
            case .whenDestinationUnknown: return !destinationSchoolKnown
            }
        }
    }

    /// An expected arrival at the destination school (only possible when one is named).
    public let expectedArrival: Condition
    /// A referral and an open CME case.
    public let cmeCase: Condition
    /// An elective home education or other-provision record.
    public let educationOtherwiseRecord: Bool
    /// The council must agree before the school removes the name.
    public let needsCouncilAgreement: Bool
    /// The task created for the council.
    public let task: TaskKind?

    public init(expectedArrival: Condition = .never, cmeCase: Condition = .never, educationOtherwiseRecord: Bool = false,
                needsCouncilAgreement: Bool = false, task: TaskKind? = nil) {
        self.expectedArrival = expectedArrival
        self.cmeCase = cmeCase
        self.educationOtherwiseRecord = educationOtherwiseRecord
        self.needsCouncilAgreement = needsCouncilAgreement
        self.task = task
    }
}

/// One thing a removal sets in motion.
public enum RemovalEffect: Hashable, Sendable {
    case expectedArrival
    case cmeCase
    case educationOtherwiseRecord
    case task(TaskKind)
}

/// A ground as a school reported it: the 2024 ground, and the code the school actually sent
/// (kept because a 2006 letter is evidence of what the MIS said).
public struct ReportedRemovalGround: Hashable, Sendable {
    public let ground: RemovalGround
    /// Normalised (lower case, no spaces): `9(1)(h)` or `2006:8(1)(f)`.
    public let reportedCode: String

    public init(ground: RemovalGround, reportedCode: String) {
        self.ground = ground
        self.reportedCode = reportedCode
    }

    public var wasReportedUnder2006Regulations: Bool { reportedCode.hasPrefix("2006:") }
}

/// Why a removal's ground could not be read; reported at pointer `/ground`.
public enum RemovalGroundCodeError: Error, Hashable, Sendable {
    case missing
    case unknown(String)

    public var message: String {
        switch self {
        case .missing: return "a removal needs a ground"
        case .unknown(let code):
            return "'\(code)' is neither a 2024 Regulation 9(1) code such as 9(1)(a) nor a 2006 Regulation 8(1) code such as 2006:8(1)(a)"
        }
    }
}

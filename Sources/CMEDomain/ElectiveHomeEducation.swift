/// Elective home education (EHE) as the council records it (docs/domain.md, "Elective home
/// education"): a record per spell, with the reason the parents gave, the statutory steps taken when
/// the education may not be suitable, and how the spell ended.

/// The reason for home education, in the categories the DfE's termly collection breaks EHE down by.
public enum EHEReason: String, Sendable, Hashable, Codable, CaseIterable {
    case philosophicalOrPreferential = "philosophical_or_preferential"
    case religiousOrCultural = "religious_or_cultural"
    case mentalHealth = "mental_health"
    case physicalHealth = "physical_health"
    case specialEducationalNeeds = "special_educational_needs"
    case dissatisfactionWithSchool = "dissatisfaction_with_school"
    case bullying
    case notSchoolOfPreference = "not_school_of_preference"
    case avoidingExclusionOrProsecution = "avoiding_exclusion_or_prosecution"
    case lifestyle
    case other
    /// Not (yet) told: a spell recorded from a school's removal notice starts here.
    case unknown
}

/// How an EHE spell ended.
public enum EHEEndReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// On a school's roll again (recorded by an officer, or by a school's addition notice).
    case returnedToSchool = "returned_to_school"
    case alternativeProvision = "alternative_provision"
    case movedAway = "moved_away"
    case ceasedCompulsorySchoolAge = "ceased_compulsory_school_age"
    case deceased
    case other
    /// Set by the service only: a later spell of the same child replaced this one.
    case superseded

    /// The reasons a client may give.
    public static let givenByClients: [EHEEndReason] = allCases.filter { $0 != .superseded }
}

/// A statutory step in a spell of home education.
public enum EHEEventKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A notice under s437(1) Education Act 1996: the parents must satisfy the council, within the
    /// period the notice gives, that the child is receiving suitable education.
    case s437Notice = "s437_notice"
    /// A school attendance order (s437(3)) naming a school.
    case saoIssued = "sao_issued"
    /// The order revoked (s437(4)/s443), for example once suitable education is shown.
    case saoRevoked = "sao_revoked"

    /// A s437(1) notice gives the parents a period of at least 15 days, beginning with the day it is
    /// served, to satisfy the council: an order may follow from the 15th day after it.
    public static let noticePeriodDays = 15
}

/// The three termly census days of the DfE's CME and EHE collection.
public enum CensusTerm: String, Sendable, Hashable, Codable, CaseIterable {
    case autumn, spring, summer

    /// The rule's census date in `year`: the first Thursday of October (autumn), the third Thursday
    /// of January (spring) and of May (summer).
    public func ruleDate(in year: AcademicYear) -> CalendarDate {
        switch self {
        case .autumn: return CalendarDate.first(.thursday, of: 10, in: year.startYear)
        case .spring: return CalendarDate.first(.thursday, of: 1, in: year.startYear + 1).adding(days: 14)
        case .summer: return CalendarDate.first(.thursday, of: 5, in: year.startYear + 1).adding(days: 14)
        }
    }

    /// The census before this one: summer of the year before for autumn.
    public func previous(in year: AcademicYear) -> (term: CensusTerm, year: AcademicYear) {
        switch self {
        case .autumn: return (.summer, AcademicYear(startYear: year.startYear - 1))
        case .spring: return (.autumn, year)
        case .summer: return (.spring, year)
        }
    }

    /// The months the term's census falls in, for messages.
    public var censusMonths: String {
        switch self {
        case .autumn: return "September to December"
        case .spring: return "January to April"
        case .summer: return "May to August"
        }
    }

    /// Whether `date` may be this term's census date in `year`: within the months the term's census
    /// falls in (September to December, January to April, May to August).
    public func admits(_ date: CalendarDate, in year: AcademicYear) -> Bool {
        guard year.contains(date) else { return false }
        switch self {
        case .autumn: return date.year == year.startYear
        case .spring: return date.year == year.startYear + 1 && date.month <= 4
        case .summer: return date.year == year.startYear + 1 && date.month >= 5
        }
    }
}

/// The DfE's termly CME and EHE return for one census date (`GET /v1/reports/cme-ehe-return`),
/// computed from the register (docs/domain.md, "Reporting"). Every breakdown lists each of its
/// categories, with zero where no child falls in it.
public struct CMEEHEReturn: Sendable, Equatable {
    public var academicYear: AcademicYear
    public var term: CensusTerm
    public var censusDate: CalendarDate
    /// Whether the council recorded the census date or the rule gave it.
    public var censusDateFromCouncil: Bool
    /// The collection period: the day after the previous census date to this one, inclusive. The
    /// flows (EHE starts and returns, notices, orders) are counted in it.
    public var periodFrom: CalendarDate
    public var periodTo: CalendarDate
    /// Children missing education on the census date.
    public var cme: Breakdown
    /// Children missing education at any point in the year to the census date (the 365 or 366
    /// days ending on it).
    public var cmeInYear: Int
    public var yearFrom: CalendarDate
    /// Children electively home educated on the census date (no time-missing breakdown).
    public var ehe: Breakdown
    public var eheStarted: Int
    public var eheReturnedToSchool: Int
    public var s437Notices: Int
    public var saosIssued: Int
    public var saosRevoked: Int

    /// A child counted at the census date.
    public struct Child: Sendable, Equatable {
        public var gender: String?
        public var dateOfBirth: CalendarDate?
        /// The CME case's referral reason, or the EHE record's reason.
        public var reason: String
        /// CME only: the day the child was last in education (last attended, else last on roll).
        public var missingSince: CalendarDate?

        public init(gender: String?, dateOfBirth: CalendarDate?, reason: String, missingSince: CalendarDate? = nil) {
            self.gender = gender
            self.dateOfBirth = dateOfBirth
            self.reason = reason
            self.missingSince = missingSince
        }
    }

    /// A count at the census date and its breakdowns.
    public struct Breakdown: Sendable, Equatable {
        public var total: Int
        /// `female`, `male`, `other`, `unknown` (not recorded).
        public var bySex: [String: Int]
        /// `R`, `1` ... `11`; `other` for a birth date outside Reception to Year 11 on the census
        /// date; `unknown` when no birth date is recorded.
        public var byYearGroup: [String: Int]
        /// CME only: `up_to_12_weeks`, `over_12_weeks`, `unknown`; nil for EHE.
        public var byTimeMissing: [String: Int]?
        public var byReason: [String: Int]

        /// Counts `children` on `census`; `reasons` are the categories listed even when empty.
        public init(_ children: [Child], on census: CalendarDate, reasons: [String], timeMissing: Bool) {
            func zeros(_ keys: [String]) -> [String: Int] { Dictionary(uniqueKeysWithValues: keys.map { ($0, 0) }) }
            var sex = zeros(CMEEHEReturn.sexes)
            var year = zeros(CMEEHEReturn.yearGroups)
            var missing = zeros(TimeMissing.allCases.map(\.rawValue))
            var reason = zeros(reasons)
            for child in children {
                let s = child.gender.flatMap { CMEEHEReturn.sexes.contains($0) ? $0 : nil } ?? "unknown"
                sex[s, default: 0] += 1
                year[CMEEHEReturn.yearGroup(born: child.dateOfBirth, on: census), default: 0] += 1
                missing[TimeMissing.band(missingSince: child.missingSince, on: census).rawValue, default: 0] += 1
                reason[child.reason, default: 0] += 1
            }
            total = children.count
            bySex = sex
            byYearGroup = year
            byTimeMissing = timeMissing ? missing : nil
            byReason = reason
        }
    }

    static let sexes = ["female", "male", "other", "unknown"]
    static let yearGroups = ["R"] + (1...11).map(String.init) + ["other", "unknown"]

    /// The year group key of a child born on `born` at `census`.
    public static func yearGroup(born: CalendarDate?, on census: CalendarDate) -> String {
        guard let born else { return "unknown" }
        return CompulsorySchoolAge(dateOfBirth: born).yearGroup(on: census)?.code ?? "other"
    }

    public init(academicYear: AcademicYear, term: CensusTerm, censusDate: CalendarDate, censusDateFromCouncil: Bool,
                previousCensusDate: CalendarDate, cme: [Child], cmeInYear: Int, ehe: [Child], eheStarted: Int = 0,
                eheReturnedToSchool: Int = 0, s437Notices: Int = 0, saosIssued: Int = 0, saosRevoked: Int = 0) {
        self.academicYear = academicYear
        self.term = term
        self.censusDate = censusDate
        self.censusDateFromCouncil = censusDateFromCouncil
        self.periodFrom = previousCensusDate.adding(days: 1)
        self.periodTo = censusDate
        self.cme = Breakdown(cme, on: censusDate, reasons: ReferralReason.allCases.map(\.rawValue), timeMissing: true)
        self.cmeInYear = cmeInYear
        self.yearFrom = Self.yearStart(census: censusDate)
        self.ehe = Breakdown(ehe, on: censusDate, reasons: EHEReason.allCases.map(\.rawValue), timeMissing: false)
        self.eheStarted = eheStarted
        self.eheReturnedToSchool = eheReturnedToSchool
        self.s437Notices = s437Notices
        self.saosIssued = saosIssued
        self.saosRevoked = saosRevoked
    }

    /// The first day of the year that ends on the census date: a year back, plus one day.
    public static func yearStart(census: CalendarDate) -> CalendarDate {
        census.adding(years: -1).adding(days: 1)
    }

    /// The figures as `(metric, breakdown, value)` rows, the CSV form: totals with an empty
    /// breakdown, then each breakdown's categories in a fixed order.
    public var rows: [(metric: String, breakdown: String, value: String)] {
        var out: [(String, String, String)] = [
            ("census_date", "", censusDate.iso8601), ("period_from", "", periodFrom.iso8601), ("period_to", "", periodTo.iso8601),
        ]
        func breakdown(_ prefix: String, _ b: Breakdown, reasons: [String]) {
            out.append((prefix, "", String(b.total)))
            for k in Self.sexes { out.append((prefix + "_by_sex", k, String(b.bySex[k] ?? 0))) }
            for k in Self.yearGroups { out.append((prefix + "_by_year_group", k, String(b.byYearGroup[k] ?? 0))) }
            if let t = b.byTimeMissing {
                for k in TimeMissing.allCases.map(\.rawValue) { out.append((prefix + "_by_time_missing", k, String(t[k] ?? 0))) }
            }
            for k in reasons { out.append((prefix + "_by_reason", k, String(b.byReason[k] ?? 0))) }
        }
        breakdown("cme_at_census", cme, reasons: ReferralReason.allCases.map(\.rawValue))
        out.append(("cme_in_year", "", String(cmeInYear)))
        breakdown("ehe_at_census", ehe, reasons: EHEReason.allCases.map(\.rawValue))
        out += [("ehe_started", "", String(eheStarted)), ("ehe_returned_to_school", "", String(eheReturnedToSchool)),
                ("s437_notices", "", String(s437Notices)), ("saos_issued", "", String(saosIssued)), ("saos_revoked", "", String(saosRevoked))]
        return out.map { (metric: $0.0, breakdown: $0.1, value: $0.2) }
    }
}

import Testing
import CMEDomain

@Suite("Census dates of the termly CME and EHE collection, and the return's counting")
struct CensusDateTests {
    /// The rule against the published dates of 2022-23, and years where the month starts on a Thursday.
    @Test(arguments: [(2022, CensusTerm.autumn, "2022-10-06"), (2022, .spring, "2023-01-19"), (2022, .summer, "2023-05-18"),
                      (2026, .autumn, "2026-10-01"), (2026, .spring, "2027-01-21"), (2026, .summer, "2027-05-20"),
                      (2025, .autumn, "2025-10-02"), (2025, .spring, "2026-01-15"), (2025, .summer, "2026-05-21")])
    func theRuleGivesTheCensusDays(_ year: Int, _ term: CensusTerm, _ date: String) {
        let day = term.ruleDate(in: AcademicYear(startYear: year))
        #expect(day == d(date))
        #expect(day.weekday == .thursday)
        #expect(term.admits(day, in: AcademicYear(startYear: year)))
    }

    @Test func eachCensusFollowsThePreviousTerms() {
        let y = AcademicYear(startYear: 2026)
        #expect(CensusTerm.autumn.previous(in: y) == (.summer, AcademicYear(startYear: 2025)))
        #expect(CensusTerm.spring.previous(in: y) == (.autumn, y))
        #expect(CensusTerm.summer.previous(in: y) == (.spring, y))
    }

    @Test(arguments: [(CensusTerm.autumn, "2026-09-01", true), (.autumn, "2026-12-31", true), (.autumn, "2027-01-01", false),
                      (.autumn, "2026-08-31", false), (.spring, "2027-04-30", true), (.spring, "2026-12-31", false),
                      (.summer, "2027-05-01", true), (.summer, "2027-08-31", true), (.summer, "2027-09-01", false)])
    func aCouncilsDateStaysInItsTermsMonths(_ term: CensusTerm, _ date: String, _ admitted: Bool) {
        #expect(term.admits(d(date), in: AcademicYear(startYear: 2026)) == admitted)
    }

    @Test func theReturnCountsEachChildInEveryBreakdown() {
        let census = d("2026-10-01")
        let children = [
            CMEEHEReturn.Child(gender: "female", dateOfBirth: d("2014-05-01"), reason: "other", missingSince: d("2026-07-09")),
            CMEEHEReturn.Child(gender: "nonsense", dateOfBirth: nil, reason: "other", missingSince: nil),
            CMEEHEReturn.Child(gender: "male", dateOfBirth: d("2021-09-01"), reason: "not_started", missingSince: d("2026-07-08")),
        ]
        let r = CMEEHEReturn(academicYear: AcademicYear(startYear: 2026), term: .autumn, censusDate: census, censusDateFromCouncil: false,
                             previousCensusDate: d("2026-05-21"), cme: children, cmeInYear: 4, ehe: [])
        #expect(r.cme.total == 3 && r.periodFrom == d("2026-05-22") && r.yearFrom == d("2025-10-02"))
        #expect(r.cme.bySex == ["female": 1, "male": 1, "other": 0, "unknown": 1], "a value outside the four is unknown")
        #expect(r.cme.byYearGroup["8"] == 1 && r.cme.byYearGroup["R"] == 1 && r.cme.byYearGroup["unknown"] == 1)
        #expect(r.cme.byYearGroup.values.reduce(0, +) == 3 && r.cme.byYearGroup.count == 14)
        #expect(r.cme.byTimeMissing == ["up_to_12_weeks": 1, "over_12_weeks": 1, "unknown": 1])
        #expect(r.cme.byReason["other"] == 2 && r.cme.byReason["not_started"] == 1 && r.cme.byReason.count == ReferralReason.allCases.count)
        #expect(r.ehe.total == 0 && r.ehe.byTimeMissing == nil && r.ehe.byReason.count == EHEReason.allCases.count)
        let rows = r.rows
        #expect(rows.first! == (metric: "census_date", breakdown: "", value: "2026-10-01"))
        #expect(rows.contains { $0 == (metric: "cme_at_census_by_year_group", breakdown: "R", value: "1") })
        #expect(!rows.contains { $0.metric == "ehe_at_census_by_time_missing" })
        #expect(rows.count == 3 + (1 + 4 + 14 + 3 + ReferralReason.allCases.count) + 1 + (1 + 4 + 14 + EHEReason.allCases.count) + 5)
    }
}

import Testing
import CMEDomain

/// Expected dates are worked from s8 Education Act 1996 as docs/domain.md, "Compulsory school age" states it. Weekdays of 30
/// June: 2023 Fri, 2024 Sun, 2025 Mon, 2026 Tue, 2028 Fri, 2029 Sat, 2030 Sun, 2034 Fri, 2036 Mon.
@Suite("Compulsory school age (Education Act 1996 s8)")
struct CompulsorySchoolAgeTests {
    static let starts: [(born: String, starts: String)] = [
        ("2019-02-10", "2024-03-31"), // docs/domain.md: 5th birthday 10 Feb 2024
        ("2019-03-31", "2024-03-31"), // docs/domain.md: birthday on a prescribed day starts that day
        ("2019-09-01", "2024-12-31"), // docs/domain.md
        ("2019-03-30", "2024-03-31"),
        ("2019-04-01", "2024-08-31"),
        ("2019-08-30", "2024-08-31"),
        ("2019-08-31", "2024-08-31"),
        ("2018-09-01", "2023-12-31"),
        ("2019-12-30", "2024-12-31"),
        ("2019-12-31", "2024-12-31"),
        ("2020-01-01", "2025-03-31"),
        ("2019-01-01", "2024-03-31"),
        ("2019-02-28", "2024-03-31"),
        ("2020-02-29", "2025-03-31"), // leap-day birth: 5th birthday in a common year
        ("2016-02-29", "2021-03-31"),
    ]

    @Test(arguments: starts)
    func startDate(_ born: String, _ starts: String) {
        #expect(CompulsorySchoolAge(dateOfBirth: d(born)).startDate == d(starts))
    }

    static let ends: [(born: String, ends: String)] = [
        ("2019-09-01", "2036-06-27"), // docs/domain.md
        ("2007-09-23", "2024-06-28"), // docs/domain.md
        ("2008-07-15", "2024-06-28"), // docs/domain.md: turns 16 after the last Friday, still that year
        ("2009-08-31", "2025-06-27"), // docs/domain.md
        ("2009-09-01", "2026-06-26"), // one day older cohort boundary: next school year
        ("2007-08-31", "2023-06-30"), // 30 June 2023 is a Friday
        ("2006-09-01", "2023-06-30"),
        ("2012-08-31", "2028-06-30"), // 30 June 2028 is a Friday
        ("2012-09-01", "2029-06-29"), // 30 June 2029 is a Saturday
        ("2013-08-31", "2029-06-29"),
        ("2013-12-31", "2030-06-28"), // 30 June 2030 is a Sunday
        ("2014-01-01", "2030-06-28"),
        ("2014-03-31", "2030-06-28"),
        ("2008-02-29", "2024-06-28"), // leap-day birth, 16th birthday 29 Feb 2024
        ("2018-03-31", "2034-06-30"), // 30 June 2034 is a Friday
    ]

    @Test(arguments: ends)
    func endDate(_ born: String, _ ends: String) {
        #expect(CompulsorySchoolAge(dateOfBirth: d(born)).endDate == d(ends))
    }

    static let onDates: [(born: String, on: String, of: Bool)] = [
        ("2019-09-01", "2024-12-30", false),
        ("2019-09-01", "2024-12-31", true),
        ("2019-09-01", "2036-06-27", true),
        ("2019-09-01", "2036-06-28", false),
        ("2019-03-31", "2024-03-30", false),
        ("2019-03-31", "2024-03-31", true),
        ("2019-04-01", "2024-04-01", false), // 5th birthday, but the next prescribed day is 31 Aug
        ("2019-04-01", "2024-08-30", false),
        ("2019-04-01", "2024-08-31", true),
        ("2019-08-31", "2024-08-30", false),
        ("2019-08-31", "2024-08-31", true),
        ("2020-01-01", "2025-03-30", false),
        ("2020-01-01", "2025-03-31", true),
        ("2019-12-31", "2024-12-31", true),
        ("2019-12-31", "2024-12-30", false),
        ("2009-08-31", "2025-06-27", true),
        ("2009-08-31", "2025-06-28", false),
        ("2009-08-31", "2025-08-31", false), // 16th birthday, already past the leaving date
        ("2009-09-01", "2025-09-01", true),  // 16th birthday, but not past the leaving date
        ("2008-07-15", "2024-06-28", true),
        ("2008-07-15", "2024-06-29", false), // still 15, but over compulsory school age
        ("2007-08-31", "2023-06-30", true),
        ("2007-08-31", "2023-07-01", false),
        ("2012-09-01", "2029-06-29", true),
        ("2012-09-01", "2029-06-30", false),
        ("2013-12-31", "2030-06-28", true),
        ("2013-12-31", "2030-06-29", false),
        ("2020-02-29", "2025-03-30", false),
        ("2020-02-29", "2025-03-31", true),
        ("2015-06-15", "2025-11-01", true),
        ("2021-06-15", "2025-11-01", false), // aged 4
    ]

    @Test(arguments: onDates)
    func isOfCompulsorySchoolAge(_ born: String, _ on: String, _ expected: Bool) {
        #expect(CompulsorySchoolAge(dateOfBirth: d(born)).isOfCompulsorySchoolAge(on: d(on)) == expected)
    }

    @Test(arguments: onDates)
    func statusAgreesWithIsOfCompulsorySchoolAge(_ born: String, _ on: String, _ expected: Bool) {
        let age = CompulsorySchoolAge(dateOfBirth: d(born))
        let status = age.status(on: d(on))
        #expect((status == .ofCompulsorySchoolAge) == expected)
        if !expected {
            #expect(status == (d(on) < age.startDate ? .notYetOfCompulsorySchoolAge : .pastCompulsorySchoolAge))
        }
    }

    @Test func statusNamesTheSide() {
        let age = CompulsorySchoolAge(dateOfBirth: d("2019-09-01"))
        #expect(age.status(on: d("2024-12-30")) == .notYetOfCompulsorySchoolAge)
        #expect(age.status(on: d("2036-06-28")) == .pastCompulsorySchoolAge)
    }

    static let yearGroups: [(born: String, on: String, group: String?)] = [
        ("2019-09-01", "2024-09-02", "R"),
        ("2019-09-01", "2024-08-31", nil),
        ("2019-09-01", "2025-09-01", "1"),
        ("2020-08-31", "2024-09-02", "R"), // youngest in the year: turns 5 on 31 Aug 2025
        ("2020-08-31", "2024-08-31", nil),
        ("2020-09-01", "2024-09-02", nil), // oldest of the next year: Reception from Sept 2025
        ("2009-08-31", "2024-10-01", "11"),
        ("2009-08-31", "2025-09-01", nil),
        ("2009-09-01", "2024-10-01", "10"),
        ("2015-12-31", "2026-01-05", "5"),
        ("2016-01-01", "2026-01-05", "5"),
        ("2016-08-31", "2026-01-05", "5"),
        ("2016-09-01", "2026-01-05", "4"),
        ("2020-02-29", "2025-03-01", "R"),
    ]

    @Test(arguments: yearGroups)
    func yearGroup(_ born: String, _ on: String, _ group: String?) {
        let result = CompulsorySchoolAge(dateOfBirth: d(born)).yearGroup(on: d(on))
        #expect(result?.code == group)
    }

    @Test func yearGroupNames() {
        #expect(YearGroup.reception.description == "Year R")
        #expect(YearGroup(number: 11)?.description == "Year 11")
        #expect(YearGroup(number: 12) == nil)
        #expect(YearGroup(code: "R") == .reception)
        #expect(YearGroup(code: "0") == nil)
    }
}

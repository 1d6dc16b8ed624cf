import Foundation
import Testing
@testable import CMEDomain

@Suite("Referral form (CME1/CME2 as data) and the form reader")
struct ReferralFormTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 4)!

    static func body(_ text: String) -> JSONValue { JSONValue.parse(Array(text.utf8))! }

    @Test func jsonKeepsBooleansAndNumbersApart() {
        #expect(Self.body(#"{"a": true, "b": 1, "c": 1.5, "d": null}"#) ==
                .object(["a": .bool(true), "b": .number(1), "c": .number(1.5), "d": .null]))
        #expect(JSONValue.parse(Array("{".utf8)) == nil)
        var r = FormReader(Self.body(#"{"flag": 1, "n": true}"#))
        #expect(r.bool("/flag") == nil)
        #expect(r.string("/n") == nil)
        #expect(r.errors.pointers == ["/flag", "/n"])
    }

    @Test func aMinimalFormReadsAndKeepsTheUPNUpperCased() throws {
        let form = try ReferralForm.read(Self.body("""
            {"source": {"kind": "public"}, "child": {"upn": " a801200001001 ", "first_name": " Ada ", "last_name": "Lovelace",
             "date_of_birth": "2014-05-06"}, "reason": "not_started"}
            """), receivedOn: Self.today).get()
        #expect(form.child.upn == "A801200001001")
        #expect(form.child.firstName == "Ada")
        #expect(form.parents.isEmpty && form.checksCompleted.isEmpty)
        let warnings = form.warnings(receivedOn: Self.today, policy: .nationalDefault)
        #expect(warnings.map(\.code) == [.upnCheckLetter], "A is not the check letter of 801200001001 (H is)")
        #expect(warnings.first?.pointer == "/child/upn")
    }

    @Test func schoolChecksAndAgeGiveWarningsNotErrors() throws {
        let form = try ReferralForm.read(Self.body("""
            {"source": {"kind": "school", "school_urn": "106934"}, "child": {"first_name": "Tiny", "last_name": "Tot",
             "date_of_birth": "2023-01-01"}, "reason": "not_started", "checks_completed": [{"check": "letter_sent"}]}
            """), receivedOn: Self.today).get()
        let warnings = form.warnings(receivedOn: Self.today, policy: .nationalDefault)
        #expect(warnings.map(\.code) == [.missingSchoolCheck, .missingSchoolCheck, .notCompulsorySchoolAge])
        #expect(warnings.map(\.pointer) == ["/checks_completed", "/checks_completed", "/child/date_of_birth"])
    }

    @Test func everyWrongFieldIsReportedAtOnce() {
        let result = ReferralForm.read(Self.body("""
            {"source": {"kind": "school"}, "child": {"upn": "\u{212A}801200001041", "first_name": "", "date_of_birth": "2030-01-01"},
             "siblings": [{"date_of_birth": "x"}], "reason": "did_not_arrive"}
            """), receivedOn: Self.today)
        guard case .failure(let errors) = result else { Issue.record("accepted"); return }
        #expect(Set(errors.pointers) == ["/source/school_urn", "/child/upn", "/child/first_name", "/child/last_name",
                                         "/child/date_of_birth", "/siblings/0/name", "/siblings/0/date_of_birth", "/reason"])
        // The sweep's own reason is accepted from the service itself.
        let sweep = ReferralForm.read(Self.body("""
            {"source": {"kind": "internal"}, "child": {"first_name": "A", "last_name": "B", "date_of_birth": "2015-01-01"},
             "reason": "did_not_arrive"}
            """), receivedOn: Self.today, allowServiceReasons: true)
        #expect((try? sweep.get())?.reason == .didNotArrive)
    }

    @Test func aPolicyStoredBeforeTheCaseworkKeysReadsWithTheirDefaults() throws {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(DeadlinePolicy.nationalDefault)) as! [String: Any]
        object.removeValue(forKey: "review_period")
        object.removeValue(forKey: "untraceable_after")
        let policy = try JSONDecoder().decode(DeadlinePolicy.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(policy.reviewPeriod == .workingDays(20))
        #expect(policy.untraceableAfter == .schoolDays(20))
        #expect(policy == .nationalDefault)
        var bad = DeadlinePolicy.nationalDefault
        bad.untraceableAfter = .weeks(0)
        #expect(bad.fieldErrors.pointers == ["/untraceable_after/count"])
    }
}

@Suite("Name normalisation's ASCII paths")
struct NameNormalisationFastPathTests {
    @Test func theASCIIPathsAgreeWithTheGeneralOne() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("aBz09 -'`.,_/Q\t~!xY")
        var samples = ["O'Brien-Smith", "  zoe  obrien ", "Mc Donald", "d'Arcy", "---", "", "Anne-Marie  O`Neil.", "x9"]
        for _ in 0..<2_000 { samples.append(String((0..<Int.random(in: 0...14, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })) }
        for s in samples {
            let general = NameNormalisation.normaliseUnicode(s)
            #expect(NameNormalisation.normalise(s) == general, "\(s)")
            #expect(NameNormalisation.compact(s) == general.replacingOccurrences(of: " ", with: ""), "\(s)")
        }
    }
}

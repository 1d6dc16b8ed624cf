import Testing
import CMEDomain

@Suite("URN, LAESTAB, LA code, CTF codes (docs/domain.md, Identifiers)")
struct SchoolIdentifierTests {
    @Test(arguments: [("341", true), ("372", true), ("800", true), ("860", true), ("887", true),
                      ("37", false), ("3720", false), ("37a", false), ("", false)])
    func laCodes(_ text: String, _ valid: Bool) {
        #expect((LACode(text) != nil) == valid)
    }

    @Test(arguments: [("100000", true), ("146784", true), ("14678", false), ("1467845", false), ("14678A", false)])
    func urns(_ text: String, _ valid: Bool) {
        #expect((URN(text) != nil) == valid)
    }

    @Test func laestabCarriesItsLACode() throws {
        let laestab = try #require(LAESTAB("3724001"))
        #expect(laestab.laCode == LACode("372"))
        #expect(laestab.establishmentNumber == "4001")
        #expect(LAESTAB("372/4001") == laestab)
        #expect(LAESTAB(laCode: LACode("372")!, establishmentNumber: "4001") == laestab)
        #expect(LAESTAB("372400") == nil)
        #expect(LAESTAB("37240011") == nil)
        #expect(LAESTAB("37/24001") == nil)
    }

    @Test func ctfDestinations() {
        #expect(CTFDestination("XXXXXXX") == .special(.destinationUnknown))
        #expect(CTFDestination("MMMMMMM") == .special(.outsideEnglandAndWalesOrIndependent))
        #expect(CTFDestination("8604001") == .school(LAESTAB("8604001")!))
        #expect(CTFDestination("XXXXXX") == nil)
        #expect(CTFDestinationCode(rawValue: "XXXXXXX") == .destinationUnknown)
    }
}

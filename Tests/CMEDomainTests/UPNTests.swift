import Testing
@testable import CMEDomain

@Suite("UPN (docs/domain.md, Identifiers)")
struct UPNTests {
    /// Trimming takes off exactly what `Character.isWhitespace` calls whitespace at either end,
    /// with or without the fast path for text that starts and ends with a visible ASCII character.
    @Test(arguments: ["Amelia", "  Amelia ", "\tO'Neil\r\n", "\u{A0}Zoë\u{2003}", "Zoë", "é", " é ", "e\u{301}", "\u{301}x",
                      "x\u{85}", "\u{2028}", "", "   ", "a b", "\u{FEFF}a"])
    func trimsWhitespaceAsCharactersDefineIt(_ text: String) {
        var expected = Substring(text)
        while let c = expected.first, c.isWhitespace { expected.removeFirst() }
        while let c = expected.last, c.isWhitespace { expected.removeLast() }
        #expect(Array(text.trimmingWhitespace().utf8) == Array(String(expected).utf8))
    }

    struct Valid: Sendable, CustomTestStringConvertible {
        let text: String
        let temporary: Bool
        var testDescription: String { text }
    }

    // The statute's vectors, plus the corrected worked example and temporary UPNs whose check
    // letters were worked by hand with the algorithm of docs/domain.md, "Identifiers" (G80120000101A sums to 52; a final
    // B adds 13 → 65 → 19 → W; a final Z adds 286 → 338 → 16 → T).
    static let valid: [Valid] = [
        Valid(text: "H801200001001", temporary: false),
        Valid(text: "G80120000101A", temporary: true),
        Valid(text: "B801200005001", temporary: false),
        Valid(text: "M860456723017", temporary: false),
        Valid(text: "R372123424001", temporary: false),
        Valid(text: "P207000016049", temporary: false),
        Valid(text: "W80120000101B", temporary: true),
        Valid(text: "T80120000101Z", temporary: true),
    ]

    @Test(arguments: valid)
    func acceptsStatutoryVectors(_ vector: Valid) throws {
        let upn = try UPN.parse(vector.text).get()
        #expect(upn.value == vector.text)
        #expect(upn.isTemporary == vector.temporary)
        #expect(upn.isPermanent == !vector.temporary)
    }

    @Test func normalisesCaseAndSurroundingSpace() throws {
        let upn = try UPN.parse("  h801200001001\n").get()
        #expect(upn.value == "H801200001001")
        #expect(try UPN.parse("g80120000101a").get().value == "G80120000101A")
    }

    @Test func exposesItsParts() throws {
        let upn = try UPN.parse("M860456723017").get()
        #expect(upn.laCode == LACode("860"))
        #expect(upn.establishmentNumber == "4567")
        #expect(upn.yearAllocated == "23")
    }

    @Test func rejectsTheWidelyCopiedWrongWorkedExample() {
        // The example online claims Q; the algorithm gives P (sum 266 → 13 → P).
        #expect(UPN.parse("Q207000016049") == .failure(.wrongCheckLetter(expected: "P", found: "Q")))
        #expect(UPN.parse("B207000016049") == .failure(.wrongCheckLetter(expected: "P", found: "B")))
        #expect(UPN.expectedCheckLetter(for: "207000016049") == "P")
    }

    @Test(arguments: ["H801200001001", "G80120000101A", "R372123424001"])
    func rejectsEveryOtherCheckLetter(_ text: String) {
        let right = text.first!
        for letter in "ABCDEFGHJKLMNPQRTUVWXYZ" where letter != right {
            let wrong = String(letter) + text.dropFirst()
            #expect(UPN.parse(wrong) == .failure(.wrongCheckLetter(expected: right, found: letter)), "\(wrong)")
        }
    }

    @Test(arguments: 2...12)
    func rejectsALetterWhereADigitBelongs(_ position: Int) {
        var characters = Array("H801200001001")
        characters[position - 1] = "A"
        #expect(UPN.parse(String(characters)) == .failure(.notADigit(position: position, found: "A")))
    }

    @Test(arguments: ["I", "O", "S", "1", "*"])
    func rejectsACheckLetterOutsideTheTable(_ first: String) {
        let text = first + "801200001001"
        #expect(UPN.parse(text) == .failure(.checkLetterNotInTable(Character(first))))
    }

    @Test(arguments: ["I", "O", "S", "-"])
    func rejectsAFinalCharacterOutsideTheTable(_ last: String) {
        let text = "G80120000101" + last
        #expect(UPN.parse(text) == .failure(.invalidFinalCharacter(Character(last))))
    }

    @Test(arguments: ["", "H80120000100", "H8012000010011", "H 801200001001"])
    func rejectsTheWrongLength(_ text: String) {
        #expect(UPN.parse(text) == .failure(.wrongLength(text.count)))
    }

    @Test func messagesNameTheRule() {
        #expect(UPNError.wrongCheckLetter(expected: "P", found: "Q").message.contains("'P'"))
        #expect(UPNError.notADigit(position: 7, found: "A").message.contains("character 7"))
        #expect(UPNError.wrongLength(12).message.contains("12"))
    }

    @Test func aKelvinSignIsNotTheCheckLetterK() throws {
        // Find a valid UPN whose check letter is K, then spell its K as U+212A KELVIN SIGN.
        var valid: UPN?
        for n in 0..<100_000 {
            let twelve = "372" + "4001" + "26" + String(format: "%03d", n % 1000)
            if let letter = UPN.expectedCheckLetter(for: twelve), letter == "K", let upn = UPN("K" + twelve) {
                valid = upn
                break
            }
        }
        let upn = try #require(valid)
        let kelvin = "\u{212A}" + upn.value.dropFirst()
        #expect(Character("\u{212A}") == Character("K"), "the trap: Swift calls them equal")
        #expect(UPN(kelvin) == nil)
        #expect(UPN.parse(kelvin) == .failure(.checkLetterNotInTable("\u{212A}")))
        let lastKelvin = String(upn.value.dropLast()) + "\u{212A}"
        #expect(UPN(lastKelvin) == nil)
        #expect(UPN(upn.value)?.value.utf8.allSatisfy { $0 < 0x80 } == true)
    }
}

import Runtime
import Testing

@Suite struct Base64URLTests {
    /// RFC 4648 §10's vectors, without the padding (these use no "+" or "/", so the alphabets agree).
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"),
        ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func theRFC4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    /// 62 and 63 are "-" and "_" (§5), where standard base64 has "+" and "/".
    @Test func theURLSafeCharacters() {
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64URL.encode([0xff, 0xff, 0xff]) == "____")
        #expect(Base64URL.encode([0xfb, 0xef, 0xbe]) == "----")
        #expect(Base64URL.decode("____") == [0xff, 0xff, 0xff])
    }

    @Test func randomBytesRoundTrip() {
        var random = SeededGenerator(state: 4648)
        for length in 0...100 {
            for _ in 0..<10 {
                let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &random) }
                let text = Base64URL.encode(bytes)
                #expect(text.utf8.count == (length * 4 + 2) / 3, "unpadded length for \(length) bytes")
                #expect(Base64URL.decode(text) == bytes)
            }
        }
    }

    @Test(arguments: [
        "Zg==", "Zm8=", "ab=",  // padding
        "a", "abcde",  // 1 mod 4: 6 or 30 bits cannot end on a byte
        "ab+c", "ab/c",  // the standard alphabet's 62 and 63
        "Zh", "aR", "Zm9", "Zm+",  // non-zero unused bits (§3.5): "Zg" and "Zm8" are the canonical forms
        " Zg", "Zg ", "Zm9v\nYg", "Zm\t9v",  // whitespace
        "Zm9v.", "Zm9vYé", "Zm\u{0}9",  // other bytes, and non-ASCII
    ])
    func rejectsWhatIsNotCanonicalBase64URL(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func theSmallestValidTails() {
        #expect(Base64URL.decode("aQ") == [0x69])  // 26, 16: 011010 01|0000
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AAA") == [0, 0])
        #expect(Base64URL.decode("") == [])
    }
}

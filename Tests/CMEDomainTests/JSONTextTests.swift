import Foundation
import Testing
import CMEDomain

/// The service's own JSON text (`JSONValue.parse`, `serialized`): every stored document and every
/// answer is written here, so its escapes and key order are checked byte for byte, and against
/// Foundation's reader.
@Suite("JSON text: the writer and the parser")
struct JSONTextTests {
    private func text(_ v: JSONValue) -> String { v.text }

    @Test func escapesWhatJSONRequiresAndNothingElse() {
        #expect(text(.string("plain é ✓ /")) == #""plain é ✓ /""#)
        #expect(text(.string("say \"hi\"")) == #""say \"hi\"""#)
        #expect(text(.string("back\\slash")) == #""back\\slash""#)
        #expect(text(.string("say \"hi\"\\now")) == #""say \"hi\"\\now""#)
        #expect(text(.string("a\nb\rc\td")) == #""a\nb\rc\td""#)
        #expect(text(.string("\u{0}\u{1}\u{1F}\u{7F}")) == "\"\\u0000\\u0001\\u001f\u{7F}\"")
        #expect(text(.string("")) == #""""#)
    }

    @Test func everyControlCharacterIsEscapedAndReadBack() throws {
        let all = String(decoding: (0..<0x20).map { UInt8($0) } + Array("end".utf8), as: UTF8.self)
        let written = JSONValue.string(all).serialized
        #expect(!written.dropFirst().dropLast().contains(where: { $0 < 0x20 }))
        #expect(JSONValue.parse(written) == .string(all))
        let foundation = try JSONSerialization.jsonObject(with: Data(written), options: [.fragmentsAllowed]) as? String
        #expect(foundation == all)
    }

    @Test func keysAreWrittenInTheOrderOfTheirBytes() {
        let o = JSONValue.object(["b": .number(1), "a": .null, "B": .bool(true), "aa": .string("x"), "é": .number(2), "z": .array([])])
        #expect(text(o) == #"{"B":true,"a":null,"aa":"x","b":1,"z":[],"é":2}"#)
    }

    @Test func numbersAndNesting() {
        let v = JSONValue.array([.number(3), .number(-2.5), .number(1e20), .object(["k": .array([.bool(false), .null])])])
        #expect(text(v) == #"[3,-2.5,1e+20,{"k":[false,null]}]"#)
    }

    @Test(arguments: [0, 1, 9, 10, 99, 100, 5_000, -1, -9, -10, -12_345, 999_999_999_999_999, -999_999_999_999_999, 1 << 40])
    func wholeNumbersAreWrittenAsIntegers(_ n: Int) {
        #expect(text(.number(Double(n))) == String(n))
        #expect(text(.object(["n": .number(Double(n)), "m": .number(-0.0)])) == #"{"m":0,"n":\#(n)}"#)
    }

    @Test func roundTripsAgainstFoundation() throws {
        let source = #"{"pupil":{"first_name":"Zoë","last_name":"O\"Neil\\x","upn":null,"tags":["a\u00e9","\ud83d\ude00"]},"n":[1,2.25,-0]}"#
        let parsed = try #require(JSONValue.parse(Array(source.utf8)))
        let rewritten = parsed.serialized
        #expect(JSONValue.parse(rewritten) == parsed)
        let ours = try JSONSerialization.jsonObject(with: Data(rewritten)) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: Data(source.utf8)) as? NSDictionary
        #expect(ours != nil && ours == theirs)
    }

    @Test(arguments: [#"{"a":1,}"#, #"[1 2]"#, #""\ud800""#, "\"a\u{1}b\"", #"{"a":1} x"#, "nul", "[", #""\x""#])
    func refusesWhatIsNotJSON(_ bad: String) {
        #expect(JSONValue.parse(Array(bad.utf8)) == nil)
    }
}

import Foundation
import Testing
@testable import CMEDomain

@Suite("Field errors and JSON pointers (RFC 6901)")
struct FieldErrorsTests {
    static let pointers: [(tokens: [String], text: String)] = [
        ([], ""),
        (["child", "date_of_birth"], "/child/date_of_birth"),
        (["parents", "0", "name"], "/parents/0/name"),
        (["a/b"], "/a~1b"),
        (["m~n"], "/m~0n"),
        (["~1"], "/~01"),   // decoded ~1 before ~0, so ~01 is the token "~1"
        (["/~"], "/~1~0"),
        ([""], "/"),
        (["", ""], "//"),
    ]

    @Test(arguments: pointers)
    func escapesAndParses(_ tokens: [String], _ text: String) {
        #expect(JSONPointer(tokens: tokens).description == text)
        #expect(JSONPointer(parsing: text) == JSONPointer(tokens: tokens))
    }

    /// A literal of the code is the pointer its text names, whether kept as text (no escapes) or
    /// parsed (with them): the same tokens, equal and hashed alike, and it finds the same field.
    @Test func literalsAreThePointersTheyName() throws {
        let literals: [(JSONPointer, [String])] = [("/child/date_of_birth", ["child", "date_of_birth"]), ("/parents/0/name", ["parents", "0", "name"]),
                                                   ("/", [""]), ("//", ["", ""]), ("/a/", ["a", ""]), ("/a~1b", ["a/b"]), ("", [])]
        for (literal, tokens) in literals {
            #expect(literal.tokens == tokens)
            #expect(literal == JSONPointer(tokens: tokens))
            #expect(Set([literal, JSONPointer(tokens: tokens)]).count == 1)
            #expect(literal.description == JSONPointer(tokens: tokens).description)
        }
        let document = try #require(JSONValue.parse(Array(#"{"parents":[{"name":"Ann"}],"a/b":1,"":{"":2},"child":{"upn":null}}"#.utf8)))
        #expect(document.at("/parents/0/name") == .string("Ann"))
        #expect(document.at("/a~1b") == .number(1))
        #expect(document.at("//") == .number(2))
        #expect(document.at("/child/upn") == .null)
        #expect(document.at("/parents/1/name") == nil)
        #expect(document.at("/parents/x") == nil)
        #expect(document.at("/child/upn/more") == nil)
        #expect(document.at("/missing/name") == nil)
        #expect(document.at("") == document)
    }

    /// A string's limit counts characters, not bytes, and control characters other than tab and
    /// line breaks are refused wherever they are.
    @Test func stringsAreMeasuredInCharactersAndRefuseControlCharacters() throws {
        func read(_ value: String, maxLength: Int = 4) -> (String?, [String]) {
            var reader = FormReader(.object(["v": .string(value)]))
            let text = reader.string("/v", maxLength: maxLength)
            return (text, reader.errors.errors.map(\.message))
        }
        #expect(read("éééé").0 == "éééé")   // 8 bytes, 4 characters
        #expect(read("e\u{301}e\u{301}e\u{301}e\u{301}").0 != nil)   // 12 bytes, 4 characters
        #expect(read("ééééé").1 == ["must be at most 4 characters"])
        #expect(read("abcde").1 == ["must be at most 4 characters"])
        #expect(read(" ab\t").0 == "ab")
        #expect(read("a\u{7}b").1 == ["must not contain control characters"])
        #expect(read("a\u{1F}").1 == ["must not contain control characters"])
        #expect(read("a\nb").0 == "a\nb")
        #expect(read("a\u{85}b").0 == "a\u{85}b")   // a C1 control is above the range refused
    }

    /// A reader that looks into one object field after field (and then into another, and back)
    /// finds what `JSONValue.at` finds for each pointer.
    @Test func readsTheFieldsOfNestedObjectsInAnyOrder() throws {
        let document = try #require(JSONValue.parse(Array(#"""
            {"pupil":{"first_name":"Ann","last_name":"Lee","address":{"town":"York"}},"destination":{"school_urn":"100001"},
             "list":["a","b"],"text":"x","n":null}
            """#.utf8)))
        var r = FormReader(document)
        #expect(r.string("/pupil/first_name") == "Ann")
        #expect(r.string("/destination/school_urn") == "100001")
        #expect(r.string("/pupil/last_name") == "Lee")
        #expect(r.string("/pupil/address/town") == "York")
        #expect(r.string("/pupil/first_name") == "Ann")
        #expect(r.string("/pupil/missing") == nil)
        #expect(r.string("/nothing/here") == nil)
        #expect(r.string("/list/1") == "b")
        #expect(r.string("/list/5") == nil)
        #expect(r.string("/list/x") == nil)
        #expect(r.string("/text/more") == nil)
        #expect(r.string("/n/more") == nil)
        #expect(r.string("/text") == "x")
        #expect(r.errors.isEmpty)
        #expect(r.string("/pupil") == nil)
        #expect(r.errors.pointers == ["/pupil"])
        for pointer: JSONPointer in ["/pupil/first_name", "/list/0", "/text", "/pupil/address/town", "/n"] {
            #expect(r.lookup(pointer) == document.at(pointer))
        }
    }

    @Test(arguments: ["child", "/a~2", "/a~", "~1"])
    func rejectsMalformedPointers(_ text: String) {
        #expect(JSONPointer(parsing: text) == nil)
    }

    @Test func collectsEveryError() {
        var errors = FieldErrors()
        errors.require(nil as String?, at: "/child/first_name")
        errors.require("  ", at: "/child/last_name")
        #expect(errors.require("Amelia", at: "/child/first_name") == "Amelia")
        errors.add(JSONPointer(tokens: ["child", "date_of_birth"]), "must be a date YYYY-MM-DD")
        #expect(errors.count == 3)
        #expect(errors.pointers == ["/child/first_name", "/child/last_name", "/child/date_of_birth"])
        #expect(errors.errors[0].message == "is required")
    }

    @Test func nestsUnderAPrefix() {
        var item = FieldErrors()
        item.add("/pupil/upn", "wrong check letter")
        item.add(JSONPointer(tokens: ["notes/extra"]), "too long")
        var batch = FieldErrors()
        batch.merge(item, under: JSONPointer(tokens: ["notifications", "3"]))
        #expect(batch.pointers == ["/notifications/3/pupil/upn", "/notifications/3/notes~1extra"])
    }

    @Test func encodesAsTheProblemBodyDoes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = try encoder.encode([FieldError(pointer: "/child/date_of_birth", message: "must be a date YYYY-MM-DD")])
        #expect(String(decoding: json, as: UTF8.self) == #"[{"detail":"must be a date YYYY-MM-DD","pointer":"/child/date_of_birth"}]"#)
    }

    @Test func throwsOnlyWhenThereAreErrors() {
        #expect(throws: Never.self) { try FieldErrors().throwIfAny() }
        var errors = FieldErrors()
        errors.add("/reason", "is required")
        #expect(throws: FieldErrors.self) { try errors.throwIfAny() }
    }
}

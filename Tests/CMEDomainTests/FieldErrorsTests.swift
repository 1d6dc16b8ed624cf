import Foundation
import Testing
import CMEDomain

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

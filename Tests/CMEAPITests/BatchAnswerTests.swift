import CMEDomain
import Foundation
import Testing
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// The batch answer is written straight to bytes; it must be the JSON the writer of every other
/// answer would make of the same items, byte for byte (keys in the order of their bytes).
@Suite struct BatchAnswerTests {
    static func record(late: Bool) -> RollNotificationRecord {
        RollNotificationRecord(
            id: UUID(uuidString: "01A2B3C4-0000-7000-8000-00000000000A")!, type: .removal, schoolURN: "106934",
            eventDate: CalendarDate(year: 2026, month: 11, day: 2)!, receivedAt: Date(timeIntervalSince1970: 1_790_000_000),
            receivedOn: CalendarDate(year: 2026, month: 11, day: 9)!, submittedBy: nil, childID: UUID(), pupil: .null, parents: .array([]),
            ground: "9(1)(a)", reportedGround: "9(1)(a)", futureAddress: nil, futureAddressFrom: nil, destination: nil, notes: nil,
            late: late, daysLate: late ? 7 : 0, schoolDaysLate: late ? 5 : 0, calendarApproximate: true, flags: [],
            actions: .array([.object(["kind": .string("expected_arrival_created"), "due_on": .string("2026-11-23"),
                                      "expected_arrival_id": .string("01a2b3c4-0000-7000-8000-00000000000b"), "calendar_approximate": .bool(false)])]))
    }

    @Test func isTheJSONOfItsItemsByteForByte() throws {
        var stored = RollNotificationService.ItemResult(index: 0, status: 201)
        stored.record = Self.record(late: true)
        var onTime = RollNotificationService.ItemResult(index: 3, status: 201)
        onTime.record = Self.record(late: false)
        let invalid = RollNotificationService.ItemResult(
            index: 1, status: 422,
            errors: FieldErrors([FieldError(pointer: "/ground", message: "is \"required\""), FieldError(pointer: "/pupil/upn", message: "wrong check letter")]))
        let forbidden = RollNotificationService.ItemResult(index: 12, status: 403, forbidden: "A school client may post notifications only for its own school (106934).")

        func item(_ r: RollNotificationService.ItemResult) -> JSONValue {
            var o: [String: JSONValue] = ["index": .number(Double(r.index)), "status": .number(Double(r.status))]
            if let rec = r.record {
                o["id"] = .string(rec.id.uuidString.lowercased())
                o["late"] = .bool(rec.late)
                o["days_late"] = .number(Double(rec.daysLate))
                o["school_days_late"] = .number(Double(rec.schoolDaysLate))
                o["calendar_approximate"] = .bool(rec.calendarApproximate)
                o["actions"] = rec.actions
            }
            if let why = r.forbidden { o["errors"] = .array([.object(["pointer": .string(""), "detail": .string(why)])]) }
            if let errors = r.errors { o["errors"] = .array(errors.map { .object(["pointer": .string($0.pointer), "detail": .string($0.message)]) }) }
            return .object(o)
        }
        let items = [stored, invalid, onTime, forbidden]
        let expected = JSONValue.object(["results": .array(items.map(item))])
        let written = RollNotificationRoutes.batchBody(items)
        #expect(String(decoding: written, as: UTF8.self) == expected.text)
        #expect(JSONValue.parse(written) == expected)
        #expect(RollNotificationRoutes.batchBody([]) == Array(#"{"results":[]}"#.utf8))
    }
}

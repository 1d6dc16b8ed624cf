import Foundation
import Runtime
import Testing

@Suite struct TimeOrderedIDTests {
    @Test func carriesTheInstantVersionAndVariant() {
        // 2026-11-09T09:30:00.123Z
        let ms: UInt64 = 1_794_216_600_123
        let id = TimeOrderedID.make(unixMilliseconds: ms)
        let b = id.uuid
        let stamp = [b.0, b.1, b.2, b.3, b.4, b.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(stamp == ms)
        #expect(b.6 >> 4 == 7, "version 7")
        #expect(b.8 >> 6 == 0b10, "the RFC 9562 variant")
        #expect(id.uuidString.lowercased().hasPrefix("01a1bfa4-a23b-7"))
    }

    @Test func laterMillisecondsSortLaterAsPostgreSQLComparesUUIDs() {
        // PostgreSQL orders uuid values by their bytes, which is the text order of the lowercase form.
        let ids = (0..<1_000).map { TimeOrderedID.make(unixMilliseconds: 1_794_216_600_000 + UInt64($0)) }
        let texts = ids.map { $0.uuidString.lowercased() }
        #expect(texts == texts.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func idsOfTheSameMillisecondDiffer() {
        let ids = (0..<10_000).map { _ in TimeOrderedID.make(unixMilliseconds: 1_794_216_600_000) }
        #expect(Set(ids).count == ids.count)
    }

    @Test func nowIsNow() {
        let before = UInt64(Date().timeIntervalSince1970 * 1_000)
        let b = TimeOrderedID.make().uuid
        let after = UInt64(Date().timeIntervalSince1970 * 1_000)
        let stamp = [b.0, b.1, b.2, b.3, b.4, b.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(stamp >= before && stamp <= after + 1)
    }
}

@Suite struct UUIDTextTests {
    @Test func isFoundationsFormInLowerCase() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.lowercasedString == id.uuidString.lowercased())
        }
        let fixed = UUID(uuidString: "00FF10A0-0B0C-7D0E-8F00-FFFFFFFFFFFF")!
        #expect(fixed.lowercasedString == "00ff10a0-0b0c-7d0e-8f00-ffffffffffff")
    }
}

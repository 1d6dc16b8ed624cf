import Runtime
import Testing

@Suite struct ConstantTimeTests {
    @Test func equalBytesAreEqual() {
        #expect(ConstantTime.equal([], []))
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        let digest = SHA256.hash("token".utf8)
        #expect(ConstantTime.equal(digest, SHA256.hash("token".utf8)))
    }

    @Test func aDifferenceAnywhereIsUnequal() {
        let base = [UInt8](repeating: 0x5a, count: 32)
        for i in base.indices {
            for bit in 0..<8 {
                var other = base
                other[i] ^= 1 << bit
                #expect(!ConstantTime.equal(base, other), "byte \(i), bit \(bit)")
            }
        }
    }

    @Test func differentLengthsAreUnequal() {
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equal([], [0]))
        #expect(!ConstantTime.equal([0], []))
    }
}

import Runtime
import Testing

@Suite struct SecureRandomTests {
    @Test func givesTheBytesAskedFor() throws {
        #expect(try SecureRandom.bytes(32).count == 32)
        #expect(try SecureRandom.bytes(0) == [])
        #expect(try SecureRandom.bytes(1).count == 1)
        // Above 256 bytes getrandom may read short; the loop must still fill everything.
        #expect(try SecureRandom.bytes(1 << 20).count == 1 << 20)
    }

    @Test func twoCallsDiffer() throws {
        // Equal by chance with probability 2^-256.
        #expect(try SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test func aLargeReadIsNotMostlyZeros() throws {
        // The buffer starts zeroed: a short read left unfilled would show as a run of zeros.
        let bytes = try SecureRandom.bytes(1 << 20)
        let zeros = bytes.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        #expect(zeros < 8_000, "expected about 4,096 zero bytes in 1 MiB, got \(zeros)")
    }
}

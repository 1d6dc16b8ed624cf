/// SHA-256 (FIPS 180-4), our own: the package takes no dependencies, and tokens are hashed on every request,
/// so blocks are compressed straight from contiguous storage and nothing is allocated but the digest.
public enum SHA256 {
    /// The digest's length in bytes.
    public static let digestByteCount = 32

    /// The 32-byte digest of `bytes`.
    public static func hash<B: Collection>(_ bytes: B) -> [UInt8] where B.Element == UInt8 {
        var hasher = Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// `digest` as lowercase hexadecimal, two characters a byte.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: digest.count * 2) { out in
            digits.withUTF8Buffer { digits in
                for (i, byte) in digest.enumerated() {
                    out[2 &* i] = digits[Int(byte &>> 4)]
                    out[2 &* i &+ 1] = digits[Int(byte & 0x0f)]
                }
            }
            return digest.count * 2
        }
    }

    /// An incremental SHA-256: `update` any number of times, then `finalize` once.
    public struct Hasher: Sendable {
        private var state = State()
        /// The partial block not yet compressed; a tuple so it lives inline, with no heap storage.
        private var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        private var buffered = 0
        /// Message length in bytes; §5.1.1 pads with it in bits, modulo 2^64.
        private var length: UInt64 = 0

        public init() {}

        public mutating func update<B: Collection>(_ bytes: B) where B.Element == UInt8 {
            let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
            if done != nil { return }
            // Not contiguous (a lazy or reversed view): feed the buffer a byte at a time, still without allocating.
            for byte in bytes {
                withUnsafeMutableBytes(of: &buffer) { $0[buffered] = byte }
                buffered &+= 1
                length &+= 1
                if buffered == 64 { compressBuffer() }
            }
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            guard var source = bytes.baseAddress, bytes.count > 0 else { return }
            var remaining = bytes.count
            length &+= UInt64(remaining)
            if buffered > 0 {
                let take = min(64 - buffered, remaining)
                withUnsafeMutableBytes(of: &buffer) { $0.baseAddress!.advanced(by: buffered).copyMemory(from: source, byteCount: take) }
                buffered &+= take
                source += take
                remaining -= take
                if buffered < 64 { return }
                compressBuffer()
            }
            let blocks = remaining / 64
            if blocks > 0 {
                SHA256.compress(&state, source, blocks: blocks)
                source += blocks * 64
                remaining -= blocks * 64
            }
            if remaining > 0 {
                withUnsafeMutableBytes(of: &buffer) { $0.baseAddress!.copyMemory(from: source, byteCount: remaining) }
                buffered = remaining
            }
        }

        /// The digest of everything updated so far; the hasher then starts over, as if new.
        public mutating func finalize() -> [UInt8] {
            // §5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, then the length in bits as a 64-bit big-endian integer.
            let bitLength = length &<< 3
            withUnsafeMutableBytes(of: &buffer) { $0[buffered] = 0x80 }
            buffered &+= 1
            if buffered > 56 {
                withUnsafeMutableBytes(of: &buffer) { _ = $0.baseAddress!.advanced(by: buffered).initializeMemory(as: UInt8.self, repeating: 0, count: 64 - buffered) }
                compressBuffer()
            }
            withUnsafeMutableBytes(of: &buffer) { raw in
                raw.baseAddress!.advanced(by: buffered).initializeMemory(as: UInt8.self, repeating: 0, count: 56 - buffered)
                raw.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
            }
            compressBuffer()
            let s = state
            self = Hasher()
            // §6.2.2 step 4: the digest is H0…H7, each big-endian.
            return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
                let raw = UnsafeMutableRawBufferPointer(out)
                raw.storeBytes(of: s.h0.bigEndian, toByteOffset: 0, as: UInt32.self)
                raw.storeBytes(of: s.h1.bigEndian, toByteOffset: 4, as: UInt32.self)
                raw.storeBytes(of: s.h2.bigEndian, toByteOffset: 8, as: UInt32.self)
                raw.storeBytes(of: s.h3.bigEndian, toByteOffset: 12, as: UInt32.self)
                raw.storeBytes(of: s.h4.bigEndian, toByteOffset: 16, as: UInt32.self)
                raw.storeBytes(of: s.h5.bigEndian, toByteOffset: 20, as: UInt32.self)
                raw.storeBytes(of: s.h6.bigEndian, toByteOffset: 24, as: UInt32.self)
                raw.storeBytes(of: s.h7.bigEndian, toByteOffset: 28, as: UInt32.self)
                count = 32
            }
        }

        private mutating func compressBuffer() {
            withUnsafeBytes(of: &buffer) { SHA256.compress(&state, $0.baseAddress!, blocks: 1) }
            buffered = 0
        }
    }

    /// H0…H7; initially the §5.3.3 values (the first 32 bits of the fractional parts of the square roots of the first 8 primes).
    fileprivate struct State: Sendable {
        var h0: UInt32 = 0x6a09_e667, h1: UInt32 = 0xbb67_ae85, h2: UInt32 = 0x3c6e_f372, h3: UInt32 = 0xa54f_f53a
        var h4: UInt32 = 0x510e_527f, h5: UInt32 = 0x9b05_688c, h6: UInt32 = 0x1f83_d9ab, h7: UInt32 = 0x5be0_cd19
    }

    /// §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// One round of §6.2.2 step 3. The caller passes the eight working variables in their current roles; only the
    /// new d (d + T1) and the new a (T1 + T2, stored where h was) change.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32
    ) {
        let bigS1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)  // Σ1, §4.1.2 (4.5)
        let ch = (e & f) ^ (~e & g)  // (4.2)
        let t1 = h &+ bigS1 &+ ch &+ kw
        let bigS0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)  // Σ0, (4.4)
        let maj = (a & b) ^ (a & c) ^ (b & c)  // (4.3)
        d &+= t1
        h = t1 &+ bigS0 &+ maj
    }

    /// §6.2.2: compresses `blocks` consecutive 64-byte blocks at `data` into `state`.
    fileprivate static func compress(_ state: inout State, _ data: UnsafeRawPointer, blocks: Int) {
        k.withUnsafeBufferPointer { k in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                var block = data
                for _ in 0..<blocks {
                    // Step 1: the message schedule; words are big-endian (§3.1) and may be unaligned.
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let x = w[t &- 15], y = w[t &- 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)  // σ0, §4.1.2 (4.6)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)  // σ1, (4.7)
                        w[t] = s1 &+ w[t &- 7] &+ s0 &+ w[t &- 16]
                    }
                    // Steps 2–3, eight rounds at a time: rather than shifting a…h along each round, the
                    // variables' roles rotate, which saves the moves and is about a third faster.
                    var a = state.h0, b = state.h1, c = state.h2, d = state.h3
                    var e = state.h4, f = state.h5, g = state.h6, h = state.h7
                    var t = 0
                    while t < 64 {
                        round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t])
                        round(h, a, b, &c, d, e, f, &g, k[t &+ 1] &+ w[t &+ 1])
                        round(g, h, a, &b, c, d, e, &f, k[t &+ 2] &+ w[t &+ 2])
                        round(f, g, h, &a, b, c, d, &e, k[t &+ 3] &+ w[t &+ 3])
                        round(e, f, g, &h, a, b, c, &d, k[t &+ 4] &+ w[t &+ 4])
                        round(d, e, f, &g, h, a, b, &c, k[t &+ 5] &+ w[t &+ 5])
                        round(c, d, e, &f, g, h, a, &b, k[t &+ 6] &+ w[t &+ 6])
                        round(b, c, d, &e, f, g, h, &a, k[t &+ 7] &+ w[t &+ 7])
                        t &+= 8
                    }
                    // Step 4.
                    state.h0 &+= a; state.h1 &+= b; state.h2 &+= c; state.h3 &+= d
                    state.h4 &+= e; state.h5 &+= f; state.h6 &+= g; state.h7 &+= h
                    block += 64
                }
            }
        }
    }
}

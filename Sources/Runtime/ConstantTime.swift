/// Comparisons whose duration does not reveal where secrets differ, so a caller cannot guess a token or digest
/// byte by byte from response times.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes. Every byte is examined, whatever the first difference; only the
    /// lengths, which are not secret (a digest's is fixed), may end the comparison early.
    @inline(never)
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<a.count { difference |= a[i] ^ b[i] }
            }
        }
        return difference == 0
    }
}

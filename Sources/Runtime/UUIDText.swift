import Foundation

extension UUID {
    /// The canonical text form in lower case (`8-4-4-4-12` hex digits), as ids appear in the API and
    /// the audit trail. Written directly: Foundation's `uuidString` formats each byte through printf,
    /// which a batch of thousands of records felt.
    public var lowercasedString: String {
        String(unsafeUninitializedCapacity: 36) { out in
            write(into: UnsafeMutableBufferPointer(rebasing: out[0..<36]))
            return 36
        }
    }

    /// Appends the same 36 characters as bytes (to a JSON text being written, say).
    public func appendLowercased(to bytes: inout [UInt8]) {
        let at = bytes.count
        for _ in 0..<36 { bytes.append(0) }
        bytes.withUnsafeMutableBufferPointer { write(into: UnsafeMutableBufferPointer(rebasing: $0[at..<(at + 36)])) }
    }

    private func write(into out: UnsafeMutableBufferPointer<UInt8>) {
        let hex: StaticString = "0123456789abcdef"
        withUnsafeBytes(of: uuid) { raw in
            hex.withUTF8Buffer { digits in
                var o = 0
                for (i, byte) in raw.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = 0x2D; o += 1 }
                    out[o] = digits[Int(byte >> 4)]
                    out[o + 1] = digits[Int(byte & 0x0F)]
                    o += 2
                }
            }
        }
    }
}

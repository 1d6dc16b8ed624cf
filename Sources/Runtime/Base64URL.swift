/// Base64 with the URL- and filename-safe alphabet (RFC 4648 §5), unpadded, as tokens travel in URLs and headers.
/// Decoding is strict, so that each byte string has exactly one text form (RFC 4648 §3.5's canonical encoding).
public enum Base64URL {
    /// RFC 4648 §5, Table 2: as §4's alphabet, with "-" and "_" for "+" and "/".
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    /// Each ASCII byte's 6-bit value, or 0xff for bytes outside the alphabet (padding and whitespace included).
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        alphabet.withUTF8Buffer { for (value, char) in $0.enumerated() { table[Int(char)] = UInt8(value) } }
        return table
    }()

    /// `bytes` as unpadded base64url (§3.2 allows omitting the padding when the length is known, as here).
    public static func encode(_ bytes: [UInt8]) -> String {
        let length = (bytes.count / 3) * 4 + [0, 2, 3][bytes.count % 3]
        return String(unsafeUninitializedCapacity: length) { out in
            alphabet.withUTF8Buffer { chars in
                bytes.withUnsafeBufferPointer { input in
                    var i = 0, o = 0
                    // §4: each 3 bytes, as 24 bits, become 4 characters of 6 bits each.
                    while i &+ 3 <= input.count {
                        let group = UInt32(input[i]) &<< 16 | UInt32(input[i &+ 1]) &<< 8 | UInt32(input[i &+ 2])
                        out[o] = chars[Int(group &>> 18)]
                        out[o &+ 1] = chars[Int(group &>> 12 & 0x3f)]
                        out[o &+ 2] = chars[Int(group &>> 6 & 0x3f)]
                        out[o &+ 3] = chars[Int(group & 0x3f)]
                        i &+= 3
                        o &+= 4
                    }
                    // A final 1 or 2 bytes become 2 or 3 characters, the unused low bits zero.
                    switch input.count &- i {
                    case 1:
                        let group = UInt32(input[i]) &<< 16
                        out[o] = chars[Int(group &>> 18)]
                        out[o &+ 1] = chars[Int(group &>> 12 & 0x3f)]
                    case 2:
                        let group = UInt32(input[i]) &<< 16 | UInt32(input[i &+ 1]) &<< 8
                        out[o] = chars[Int(group &>> 18)]
                        out[o &+ 1] = chars[Int(group &>> 12 & 0x3f)]
                        out[o &+ 2] = chars[Int(group &>> 6 & 0x3f)]
                    default:
                        break
                    }
                }
            }
            return length
        }
    }

    /// The bytes `text` encodes, or nil unless it is canonical unpadded base64url: only the §5 alphabet (no "=",
    /// no whitespace, no "+" or "/"), no length of 1 mod 4 (6 bits cannot make a byte), and the unused low bits of
    /// the last character zero (§3.5), so no two texts decode to the same bytes.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(utf8: $0) }
    }

    private static func decode(utf8 input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let tail = input.count % 4
        if tail == 1 { return nil }
        let length = (input.count / 4) * 3 + [0, 0, 1, 2][tail]
        return values.withUnsafeBufferPointer { values in
            var valid = true
            let bytes = [UInt8](unsafeUninitializedCapacity: length) { out, count in
                var i = 0, o = 0
                while i &+ 4 <= input.count {
                    let a = values[Int(input[i])], b = values[Int(input[i &+ 1])]
                    let c = values[Int(input[i &+ 2])], d = values[Int(input[i &+ 3])]
                    // 0xff has the high bits that no 6-bit value has: one test finds any character outside the alphabet.
                    if (a | b | c | d) & 0xc0 != 0 { valid = false; break }
                    let group = UInt32(a) &<< 18 | UInt32(b) &<< 12 | UInt32(c) &<< 6 | UInt32(d)
                    out[o] = UInt8(truncatingIfNeeded: group &>> 16)
                    out[o &+ 1] = UInt8(truncatingIfNeeded: group &>> 8)
                    out[o &+ 2] = UInt8(truncatingIfNeeded: group)
                    i &+= 4
                    o &+= 3
                }
                if valid && tail > 0 {
                    let a = values[Int(input[i])], b = values[Int(input[i &+ 1])]
                    let c = tail == 3 ? values[Int(input[i &+ 2])] : 0
                    let group = UInt32(a) &<< 18 | UInt32(b) &<< 12 | UInt32(c) &<< 6
                    // 2 characters carry 1 byte and 4 spare bits; 3 carry 2 bytes and 2 spare bits.
                    let spare: UInt32 = tail == 2 ? 0xffff : 0xff
                    if (a | b | c) & 0xc0 != 0 || group & spare != 0 {
                        valid = false
                    } else {
                        out[o] = UInt8(truncatingIfNeeded: group &>> 16)
                        if tail == 3 { out[o &+ 1] = UInt8(truncatingIfNeeded: group &>> 8) }
                        o &+= tail &- 1
                    }
                }
                // On failure, count only what was written, so the array is never left partly uninitialized.
                count = o
            }
            return valid ? bytes : nil
        }
    }
}

/// Minimal JSON text helpers, for the transport's own bodies and the log lines.
public enum JSONText {
    /// A JSON string literal for `s` (RFC 8259 7), escaping quotes, backslashes and control characters.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `quoted(s)` appended as UTF-8 bytes; text needing no escapes (the usual case) is copied as is.
    public static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        var plain = true
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2 {   // 0xE2 may start U+2028/9
            plain = false
            break
        }
        if plain {
            out.append(0x22)
            out.append(contentsOf: s.utf8)
            out.append(0x22)
        } else {
            out.append(contentsOf: quoted(s).utf8)
        }
    }
}

/// Byte classes of the HTTP and URI grammars (RFC 9110 5.6, RFC 9112, RFC 3986 appendix A).
///
/// Functions over a `switch` rather than lookup tables: the compiler turns them into range checks,
/// and they need no global initialisation.
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let sp: UInt8 = 0x20
    static let htab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D
    static let dquote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let question: UInt8 = 0x3F
    static let percent: UInt8 = 0x25
    static let at: UInt8 = 0x40
    static let asterisk: UInt8 = 0x2A
    static let leftBracket: UInt8 = 0x5B
    static let rightBracket: UInt8 = 0x5D
    static let dot: UInt8 = 0x2E

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    /// The value of a HEXDIG (either case), or nil.
    @inline(__always) static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: return Int(b - 0x30)
        case 0x41...0x46: return Int(b - 0x41 + 10)
        case 0x61...0x66: return Int(b - 0x61 + 10)
        default: return nil
        }
    }

    @inline(__always) static func isHexDigit(_ b: UInt8) -> Bool { hexValue(b) != nil }

    /// OWS / BWS members (RFC 9110 5.6.3).
    @inline(__always) static func isWhitespace(_ b: UInt8) -> Bool { b == sp || b == htab }

    /// tchar (RFC 9110 5.6.2): the characters of a token (method, field name, coding names).
    @inline(__always) static func isTokenChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }

    /// field-vchar / SP / HTAB (RFC 9110 5.5): VCHAR, obs-text, and whitespace. Everything else
    /// (NUL, other CTLs, DEL, CR and LF on their own) is refused.
    @inline(__always) static func isFieldValueByte(_ b: UInt8) -> Bool {
        b == htab || (b >= 0x20 && b != 0x7F)
    }

    /// qdtext (RFC 9110 5.6.4).
    @inline(__always) static func isQuotedTextByte(_ b: UInt8) -> Bool {
        b == htab || b == sp || b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b <= 0x7E) || b >= 0x80
    }

    /// What may follow a backslash in a quoted-pair (RFC 9110 5.6.4).
    @inline(__always) static func isQuotedPairByte(_ b: UInt8) -> Bool {
        b == htab || b == sp || (b >= 0x21 && b <= 0x7E) || b >= 0x80
    }

    /// unreserved (RFC 3986 2.3).
    @inline(__always) static func isUnreserved(_ b: UInt8) -> Bool {
        isAlpha(b) || isDigit(b) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
    }

    /// sub-delims (RFC 3986 2.2).
    @inline(__always) static func isSubDelim(_ b: UInt8) -> Bool {
        switch b {
        case 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x3B, 0x3D: return true
        default: return false
        }
    }

    /// pchar without pct-encoded (RFC 3986 3.3); `%` is checked separately with its two HEXDIGs.
    @inline(__always) static func isPathChar(_ b: UInt8) -> Bool {
        isUnreserved(b) || isSubDelim(b) || b == colon || b == at
    }

    /// Bytes that can appear in any request-target form (RFC 9112 3.2). Checked as each byte arrives,
    /// so that SP, CTLs, `#`, `"` and bytes >= 0x80 are refused without waiting for the line end;
    /// the exact grammar of the form is checked once the line is complete.
    @inline(__always) static func isRequestTargetByte(_ b: UInt8) -> Bool {
        isPathChar(b) || b == slash || b == question || b == percent || b == leftBracket || b == rightBracket
    }
}

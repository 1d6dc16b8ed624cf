/// Comma-separated lists (RFC 9110 5.6.1), aware of quoted-strings so that a comma inside quotes does
/// not split a member.
enum FieldList {
    /// The trimmed, non-empty members of one field line's list; nil for an unterminated quoted-string
    /// or a bare CTL. Empty members are dropped, as RFC 9110 5.6.1 requires of recipients.
    static func members(_ value: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        var result: [ArraySlice<UInt8>] = []
        var start = value.startIndex
        var i = value.startIndex
        var inQuotes = false
        while i < value.endIndex {
            let b = value[i]
            if inQuotes {
                if b == HTTPSyntax.backslash {
                    i += 2
                    continue
                }
                if b == HTTPSyntax.dquote { inQuotes = false }
            } else if b == HTTPSyntax.dquote {
                inQuotes = true
            } else if b == HTTPSyntax.comma {
                let member = trimmed(value[start..<i])
                if !member.isEmpty { result.append(member) }
                start = i + 1
            }
            i += 1
        }
        if inQuotes || i > value.endIndex { return nil }
        let member = trimmed(value[start..<value.endIndex])
        if !member.isEmpty { result.append(member) }
        return result
    }

    static func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lower = s.startIndex, upper = s.endIndex
        while lower < upper, HTTPSyntax.isWhitespace(s[lower]) { lower += 1 }
        while upper > lower, HTTPSyntax.isWhitespace(s[upper - 1]) { upper -= 1 }
        return s[lower..<upper]
    }

    /// One transfer-coding member: its name and whether it carried parameters; nil when malformed.
    static func transferCoding(_ member: ArraySlice<UInt8>) -> (name: ArraySlice<UInt8>, hasParameters: Bool)? {
        var i = member.startIndex
        let end = member.endIndex
        func skipWhitespace() { while i < end, HTTPSyntax.isWhitespace(member[i]) { i += 1 } }
        func token() -> ArraySlice<UInt8>? {
            let start = i
            while i < end, HTTPSyntax.isTokenChar(member[i]) { i += 1 }
            return i > start ? member[start..<i] : nil
        }
        guard let name = token() else { return nil }
        var hasParameters = false
        while true {
            skipWhitespace()
            if i == end { return (name, hasParameters) }
            guard member[i] == HTTPSyntax.semicolon else { return nil }
            i += 1
            skipWhitespace()
            guard token() != nil else { return nil }
            skipWhitespace()
            guard i < end, member[i] == HTTPSyntax.equals else { return nil }
            i += 1
            skipWhitespace()
            guard i < end else { return nil }
            if member[i] == HTTPSyntax.dquote {
                i += 1
                var closed = false
                while i < end {
                    let b = member[i]
                    if b == HTTPSyntax.backslash {
                        guard i + 1 < end, HTTPSyntax.isQuotedPairByte(member[i + 1]) else { return nil }
                        i += 2
                        continue
                    }
                    i += 1
                    if b == HTTPSyntax.dquote { closed = true; break }
                    guard HTTPSyntax.isQuotedTextByte(b) else { return nil }
                }
                guard closed else { return nil }
            } else {
                guard token() != nil else { return nil }
            }
            hasParameters = true
        }
    }
}

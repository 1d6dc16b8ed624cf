/// Splits a request-target into path and query, and percent-decodes (RFC 3986 2.1).
public enum RequestTarget {
    /// The path and raw query of an origin-form or absolute-form target.
    /// `http://host:1/a?b` → (`/a`, `b`); `*` and authority-form give their text as the path.
    public static func split(_ target: String) -> (path: Substring, query: Substring?) {
        split(Substring(target))
    }

    public static func split(_ target: Substring) -> (path: Substring, query: Substring?) {
        var rest = target
        if !rest.hasPrefix("/"), let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            // absolute-form: drop scheme and authority (RFC 9112 3.2.2).
            let afterAuthority = rest[rest.index(colon, offsetBy: 3)...]
            if let slash = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = afterAuthority[slash...]
                if rest.hasPrefix("?") { rest = "/" + rest }
            } else {
                rest = "/"
            }
        }
        if let q = rest.firstIndex(of: "?") {
            return (rest[..<q], rest[rest.index(after: q)...])
        }
        return (rest, nil)
    }

    /// Parses `a=1&b=x%20y&c` into pairs; `+` means space in query values (HTML form encoding).
    public static func parseQuery(_ query: Substring?) -> QueryParameters {
        guard let query, !query.isEmpty else { return QueryParameters() }
        var items: [(name: String, value: String)] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = pair.firstIndex(of: "=") {
                items.append((percentDecode(pair[..<eq], plusIsSpace: true) ?? String(pair[..<eq]),
                              percentDecode(pair[pair.index(after: eq)...], plusIsSpace: true) ?? String(pair[pair.index(after: eq)...])))
            } else {
                items.append((percentDecode(pair, plusIsSpace: true) ?? String(pair), ""))
            }
        }
        return QueryParameters(items)
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the result is not UTF-8.
    public static func percentDecode(_ s: Substring, plusIsSpace: Bool = false) -> String? {
        let utf8 = s.utf8
        if !utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(s)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "%") {
                let h = utf8.index(after: i)
                guard h != utf8.endIndex else { return nil }
                let l = utf8.index(after: h)
                guard l != utf8.endIndex, let hi = hexValue(utf8[h]), let lo = hexValue(utf8[l]) else { return nil }
                bytes.append(hi << 4 | lo)
                i = utf8.index(after: l)
            } else {
                bytes.append(plusIsSpace && c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i = utf8.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The four request-target forms (RFC 9112 3.2) and the Host grammar (RFC 9112 3.2, RFC 3986 3.2.2).
/// Every function runs once per message over at most `maxTargetBytes` / one field value.
enum RequestTargetGrammar {
    typealias Form = RequestTargetForm

    /// Checks `target` against the form the method allows; nil when it matches none.
    /// authority-form only with CONNECT (RFC 9112 3.2.3), asterisk-form only with OPTIONS (3.2.4);
    /// CONNECT takes nothing but authority-form.
    static func form(of target: ArraySlice<UInt8>, method: ArraySlice<UInt8>) -> Form? {
        if method.elementsEqual("CONNECT".utf8) {
            return isAuthorityForm(target) ? .authority : nil
        }
        guard let first = target.first else { return nil }
        if first == HTTPSyntax.slash {
            return isOriginForm(target) ? .origin : nil
        }
        if target.count == 1, first == HTTPSyntax.asterisk {
            return method.elementsEqual("OPTIONS".utf8) ? .asterisk : nil
        }
        return isAbsoluteForm(target) ? .absolute : nil
    }

    /// origin-form = absolute-path [ "?" query ] (RFC 9112 3.2.1).
    static func isOriginForm(_ t: ArraySlice<UInt8>) -> Bool {
        guard t.first == HTTPSyntax.slash else { return false }
        return isPathAbemptyAndQuery(t)
    }

    /// path-abempty [ "?" query ]: segments of pchar separated by "/", then a query of
    /// pchar / "/" / "?". No fragment: `#` never reaches here (refused while streaming).
    static func isPathAbemptyAndQuery(_ t: ArraySlice<UInt8>) -> Bool {
        var i = t.startIndex
        if let first = t.first, first != HTTPSyntax.slash, first != HTTPSyntax.question { return false }
        while i < t.endIndex {
            let b = t[i]
            if b == HTTPSyntax.percent {
                guard i + 2 < t.endIndex, HTTPSyntax.isHexDigit(t[i + 1]), HTTPSyntax.isHexDigit(t[i + 2]) else {
                    return false
                }
                i += 3
                continue
            }
            // The first "?" starts the query; after it "?" and "/" are plain query characters.
            guard HTTPSyntax.isPathChar(b) || b == HTTPSyntax.slash || b == HTTPSyntax.question else { return false }
            i += 1
        }
        return true
    }

    /// absolute-form = absolute-URI (RFC 9112 3.2.2), limited to the http and https schemes
    /// (case-insensitive, RFC 3986 3.1), which must have an authority with a non-empty host
    /// (RFC 9110 4.2.1, 4.2.2). userinfo is refused (RFC 9110 4.2.4: "treat its presence as an error").
    static func isAbsoluteForm(_ t: ArraySlice<UInt8>) -> Bool {
        guard let colon = t.firstIndex(of: HTTPSyntax.colon) else { return false }
        let scheme = t[t.startIndex..<colon]
        guard asciiCaseInsensitiveEqual(scheme, "http") || asciiCaseInsensitiveEqual(scheme, "https") else {
            return false
        }
        let afterScheme = t[(colon + 1)...]
        guard afterScheme.starts(with: "//".utf8) else { return false }
        let authorityStart = afterScheme.startIndex + 2
        let rest = t[authorityStart...]
        let authorityEnd = rest.firstIndex { $0 == HTTPSyntax.slash || $0 == HTTPSyntax.question } ?? rest.endIndex
        let authority = t[authorityStart..<authorityEnd]
        guard !authority.contains(HTTPSyntax.at) else { return false }
        guard isHostAndOptionalPort(authority, allowEmpty: false) else { return false }
        return isPathAbemptyAndQuery(t[authorityEnd...])
    }

    /// authority-form = uri-host ":" port (RFC 9112 3.2.3): the port is required.
    static func isAuthorityForm(_ t: ArraySlice<UInt8>) -> Bool {
        guard let split = hostPortSplit(t), let portStart = split.portStart else { return false }
        let host = t[t.startIndex..<split.hostEnd]
        let port = t[portStart...]
        return !port.isEmpty && isValidPort(port) && isURIHost(host) && !host.isEmpty
    }

    /// The Host field value (RFC 9112 3.2): uri-host [ ":" port ]; an empty host before a port is
    /// refused (RFC 9110 4.2.1). The port may be empty (RFC 3986 3.2.3 `port = *DIGIT`); a non-empty one
    /// must be at most 65535.
    ///
    /// An entirely empty value is what a client sends when the target URI has no authority (RFC 9112 3.2).
    /// It is accepted when the target carries its own authority (absolute- and authority-form, where
    /// Host is ignored, RFC 9112 3.2.2). With origin- or asterisk-form the target URI would be rebuilt
    /// from Host (RFC 9112 3.3) as an http URI with an empty host, which RFC 9110 4.2.1 makes invalid
    /// and RFC 9112 3.3 lets a server reject: we do (400).
    static func isValidHostFieldValue(_ v: ArraySlice<UInt8>, targetForm: Form) -> Bool {
        if v.isEmpty { return targetForm == .absolute || targetForm == .authority }
        return isHostAndOptionalPort(v, allowEmpty: false)
    }

    static func isHostAndOptionalPort(_ v: ArraySlice<UInt8>, allowEmpty: Bool) -> Bool {
        guard let split = hostPortSplit(v) else { return false }
        let host = v[v.startIndex..<split.hostEnd]
        if host.isEmpty && !allowEmpty { return false }
        guard isURIHost(host) else { return false }
        if let portStart = split.portStart {
            return isValidPort(v[portStart...])
        }
        return true
    }

    /// Where the host ends and the port (after ":") starts. reg-name and IPv4 contain no ":", so the
    /// first ":" outside an IP-literal's brackets separates them.
    private static func hostPortSplit(_ v: ArraySlice<UInt8>) -> (hostEnd: Int, portStart: Int?)? {
        if v.first == HTTPSyntax.leftBracket {
            guard let close = v.firstIndex(of: HTTPSyntax.rightBracket) else { return nil }
            let hostEnd = close + 1
            if hostEnd == v.endIndex { return (hostEnd, nil) }
            guard v[hostEnd] == HTTPSyntax.colon else { return nil }
            return (hostEnd, hostEnd + 1)
        }
        if let colon = v.firstIndex(of: HTTPSyntax.colon) {
            return (colon, colon + 1)
        }
        return (v.endIndex, nil)
    }

    /// port = *DIGIT (RFC 3986 3.2.3), bounded by the 16-bit TCP port range.
    static func isValidPort(_ p: ArraySlice<UInt8>) -> Bool {
        guard p.count <= 5 else { return false }
        var value = 0
        for b in p {
            guard HTTPSyntax.isDigit(b) else { return false }
            value = value * 10 + Int(b - 0x30)
        }
        return value <= 65535
    }

    /// uri-host = IP-literal / IPv4address / reg-name (RFC 3986 3.2.2). IPv4address is a subset of
    /// reg-name's characters, so it needs no separate check.
    static func isURIHost(_ h: ArraySlice<UInt8>) -> Bool {
        if h.first == HTTPSyntax.leftBracket {
            guard h.count >= 2, h.last == HTTPSyntax.rightBracket else { return false }
            let inner = h[(h.startIndex + 1)..<(h.endIndex - 1)]
            if let v = inner.first, v == 0x76 || v == 0x56 {
                return isIPvFuture(inner)
            }
            return isIPv6Address(inner)
        }
        var i = h.startIndex
        while i < h.endIndex {
            let b = h[i]
            if b == HTTPSyntax.percent {
                guard i + 2 < h.endIndex, HTTPSyntax.isHexDigit(h[i + 1]), HTTPSyntax.isHexDigit(h[i + 2]) else {
                    return false
                }
                i += 3
                continue
            }
            guard HTTPSyntax.isUnreserved(b) || HTTPSyntax.isSubDelim(b) else { return false }
            i += 1
        }
        return true
    }

    /// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ) (RFC 3986 3.2.2).
    static func isIPvFuture(_ s: ArraySlice<UInt8>) -> Bool {
        guard s.count >= 4, let dot = s.firstIndex(of: HTTPSyntax.dot) else { return false }
        let hex = s[(s.startIndex + 1)..<dot]
        let tail = s[(dot + 1)...]
        return !hex.isEmpty && hex.allSatisfy(HTTPSyntax.isHexDigit) && !tail.isEmpty
            && tail.allSatisfy { HTTPSyntax.isUnreserved($0) || HTTPSyntax.isSubDelim($0) || $0 == HTTPSyntax.colon }
    }

    /// IPv6address (RFC 3986 3.2.2): eight 16-bit groups of 1-4 HEXDIG, at most one "::" standing for
    /// one or more zero groups, and optionally an IPv4 address as the last 32 bits.
    static func isIPv6Address(_ s: ArraySlice<UInt8>) -> Bool {
        guard s.count >= 2, s.count <= 45 else { return false }
        var doubleColonAt: Int? = nil
        var i = s.startIndex
        while i + 1 < s.endIndex {
            if s[i] == HTTPSyntax.colon && s[i + 1] == HTTPSyntax.colon {
                if doubleColonAt != nil { return false }
                doubleColonAt = i
                i += 2
                continue
            }
            i += 1
        }
        if let dc = doubleColonAt {
            let left = s[s.startIndex..<dc]
            let right = s[(dc + 2)...]
            guard let l = groupCount(left, ipv4AllowedAtEnd: right.isEmpty),
                  let r = groupCount(right, ipv4AllowedAtEnd: true) else { return false }
            return l + r <= 7
        }
        guard let n = groupCount(s, ipv4AllowedAtEnd: true) else { return false }
        return n == 8
    }

    /// Number of 16-bit groups in a ":"-separated run (empty run: 0), or nil when malformed.
    private static func groupCount(_ s: ArraySlice<UInt8>, ipv4AllowedAtEnd: Bool) -> Int? {
        if s.isEmpty { return 0 }
        let parts = s.split(separator: HTTPSyntax.colon, omittingEmptySubsequences: false)
        var count = 0
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, ipv4AllowedAtEnd, part.contains(HTTPSyntax.dot) {
                guard isIPv4Address(part) else { return nil }
                count += 2
                continue
            }
            guard (1...4).contains(part.count), part.allSatisfy(HTTPSyntax.isHexDigit) else { return nil }
            count += 1
        }
        return count
    }

    /// IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet; no leading zeros (RFC 3986 3.2.2).
    static func isIPv4Address(_ s: ArraySlice<UInt8>) -> Bool {
        let octets = s.split(separator: HTTPSyntax.dot, omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy(HTTPSyntax.isDigit) else { return false }
            if octet.count > 1 && octet.first == 0x30 { return false }
            var value = 0
            for b in octet { value = value * 10 + Int(b - 0x30) }
            if value > 255 { return false }
        }
        return true
    }

    static func asciiCaseInsensitiveEqual(_ a: ArraySlice<UInt8>, _ b: String) -> Bool {
        let bu = b.utf8
        guard a.count == bu.count else { return false }
        for (x, y) in zip(a, bu) where asciiLower(x) != asciiLower(y) {
            return false
        }
        return true
    }

    @inline(__always) static func asciiLower(_ b: UInt8) -> UInt8 {
        (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
    }
}

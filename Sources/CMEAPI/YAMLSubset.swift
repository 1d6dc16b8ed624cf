import CMEDomain

/// A reader for the YAML this repository writes (`openapi.yaml`), into a `JSONValue` tree, so that the
/// server can render its own reference page from the contract. It reads block mappings and
/// sequences (a sequence may sit at its key's indent), flow sequences and mappings (across lines
/// too), literal and folded block scalars with their chomping, single- and double-quoted scalars,
/// plain scalars (null, booleans, numbers, else text) and comments. It does not read anchors,
/// aliases, tags, multi-line plain scalars or several documents; a test holds it to PyYAML's reading
/// of the whole contract.
enum YAMLSubset {
    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "openapi.yaml line \(line): \(message)" }
    }

    static func parse(_ text: String) throws(Failure) -> JSONValue {
        var p = Parser(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        })
        p.skipBlank()
        guard p.i < p.lines.count else { return .null }
        let value = try p.node(indent: p.indentOf(p.i))
        p.skipBlank()
        if p.i < p.lines.count { throw Failure(line: p.i + 1, message: "unexpected content after the document") }
        return value
    }

    private struct Parser {
        var lines: [String]
        var i = 0

        func indentOf(_ k: Int) -> Int { lines[k].prefix { $0 == " " }.count }
        func content(_ k: Int) -> Substring { lines[k].drop { $0 == " " } }
        func isBlank(_ k: Int) -> Bool {
            let c = content(k)
            return c.isEmpty || c.hasPrefix("#")
        }
        mutating func skipBlank() { while i < lines.count && isBlank(i) { i += 1 } }

        /// The node that starts at line `i`, whose lines are indented by `indent`.
        mutating func node(indent: Int) throws(Failure) -> JSONValue {
            let c = content(i)
            if c == "-" || c.hasPrefix("- ") { return try sequence(indent: indent) }
            return try mapping(indent: indent)
        }

        mutating func mapping(indent: Int) throws(Failure) -> JSONValue {
            var object: [String: JSONValue] = [:]
            while true {
                skipBlank()
                guard i < lines.count, indentOf(i) == indent else { break }
                let c = content(i)
                if c == "-" || c.hasPrefix("- ") { break }
                let line = i
                let (key, rest) = try splitKey(c, line: line)
                i += 1
                if object[key] != nil { throw Failure(line: line + 1, message: "the key \(key) appears twice") }
                object[key] = try value(rest, parentIndent: indent, line: line)
                if i < lines.count, !isBlank(i), indentOf(i) > indent { throw Failure(line: i + 1, message: "unexpected indentation") }
            }
            return .object(object)
        }

        mutating func sequence(indent: Int) throws(Failure) -> JSONValue {
            var items: [JSONValue] = []
            while true {
                skipBlank()
                guard i < lines.count, indentOf(i) == indent else { break }
                let c = content(i)
                guard c == "-" || c.hasPrefix("- ") else { break }
                let rest = c.dropFirst().drop { $0 == " " }
                let line = i
                if rest.isEmpty || rest.hasPrefix("#") {
                    i += 1
                    items.append(try value("", parentIndent: indent, line: line))
                } else if rest == "-" || rest.hasPrefix("- ") {
                    // "- - item": a sequence inside a sequence, indented past the first dash.
                    let inner = indent + (c.count - rest.count)
                    lines[i] = String(repeating: " ", count: inner) + rest
                    items.append(try sequence(indent: inner))
                } else if !(rest.first == "[" || rest.first == "{" || rest.first == "'" || rest.first == "\""), (try? splitKey(rest, line: line)) != nil {
                    // "- key: value": a mapping whose first line is this one, indented past the dash.
                    let inner = indent + (c.count - rest.count)
                    lines[i] = String(repeating: " ", count: inner) + rest
                    items.append(try mapping(indent: inner))
                } else {
                    i += 1
                    items.append(try value(rest, parentIndent: indent, line: line))
                }
            }
            return .array(items)
        }

        /// `key: rest` (or `key:`): the key, unquoted, and what follows the colon.
        func splitKey(_ c: Substring, line: Int) throws(Failure) -> (String, Substring) {
            if let q = c.first, q == "'" || q == "\"" {
                var s = c[...]
                let key = try quoted(&s, line: line)
                guard s.first == ":" else { throw Failure(line: line + 1, message: "expected a colon after the key") }
                return (key, s.dropFirst().drop { $0 == " " })
            }
            var k = c.startIndex
            while k < c.endIndex {
                if c[k] == ":" {
                    let next = c.index(after: k)
                    if next == c.endIndex || c[next] == " " {
                        return (String(c[..<k]).trimmingTrailingSpaces, c[next...].drop { $0 == " " })
                    }
                }
                if c[k] == "#" && k > c.startIndex && c[c.index(before: k)] == " " { break }
                k = c.index(after: k)
            }
            throw Failure(line: line + 1, message: "expected key: value")
        }

        /// The value after a key or a dash: inline, a block scalar, a flow collection, or the
        /// indented node on the following lines.
        mutating func value(_ rest: Substring, parentIndent: Int, line: Int) throws(Failure) -> JSONValue {
            let text = stripComment(rest)
            if text.isEmpty {
                skipBlank()
                guard i < lines.count else { return .null }
                let next = indentOf(i)
                if next > parentIndent { return try node(indent: next) }
                let c = content(i)
                if next == parentIndent && (c == "-" || c.hasPrefix("- ")) { return try sequence(indent: next) }
                return .null
            }
            if let f = text.first, f == "|" || f == ">" { return .string(try blockScalar(text, parentIndent: parentIndent, line: line)) }
            if let f = text.first, f == "[" || f == "{" {
                // A flow collection may run over several lines: gather them until it closes.
                var source = String(text)
                while !Self.balanced(source) {
                    guard i < lines.count else { throw Failure(line: line + 1, message: "an unclosed flow collection") }
                    source += " " + stripComment(content(i))
                    i += 1
                }
                var s = source[...]
                let v = try flow(&s, line: line)
                guard s.drop(while: { $0 == " " }).isEmpty else { throw Failure(line: line + 1, message: "text after a flow collection") }
                return v
            }
            if let f = text.first, f == "'" || f == "\"" {
                var s = text[...]
                let v = try quoted(&s, line: line)
                guard s.drop(while: { $0 == " " }).isEmpty else { throw Failure(line: line + 1, message: "text after a quoted scalar") }
                return .string(v)
            }
            return Self.plain(String(text))
        }

        mutating func blockScalar(_ header: Substring, parentIndent: Int, line: Int) throws(Failure) -> String {
            let folded = header.first == ">"
            let chomp: Character? = header.dropFirst().first { $0 == "-" || $0 == "+" }
            var body: [String] = []
            var blockIndent: Int?
            while i < lines.count {
                let raw = lines[i]
                let c = content(i)
                if c.isEmpty { body.append(""); i += 1; continue }
                let ind = indentOf(i)
                if let b = blockIndent {
                    guard ind >= b else { break }
                } else {
                    guard ind > parentIndent else { break }
                    blockIndent = ind
                }
                body.append(String(raw.dropFirst(blockIndent!)))
                i += 1
            }
            // Trailing blank lines belong to the chomping, not to the text.
            var trailing = 0
            while let last = body.last, last.isEmpty { body.removeLast(); trailing += 1 }
            var text: String
            if folded {
                text = ""
                var previousBlank = true, previousMore = false
                for (k, l) in body.enumerated() {
                    let more = l.hasPrefix(" ")
                    if k > 0 {
                        if l.isEmpty { text += "\n" } else if previousBlank || more || previousMore { text += previousBlank ? "" : "\n" } else { text += " " }
                    }
                    text += l
                    previousBlank = l.isEmpty
                    previousMore = more
                }
            } else {
                text = body.joined(separator: "\n")
            }
            if body.isEmpty { return chomp == "+" ? String(repeating: "\n", count: trailing) : "" }
            switch chomp {
            case "-": return text
            case "+": return text + "\n" + String(repeating: "\n", count: trailing)
            default: return text + "\n"
            }
        }

        func flow(_ s: inout Substring, line: Int) throws(Failure) -> JSONValue {
            s = s.drop { $0 == " " }
            guard let f = s.first else { throw Failure(line: line + 1, message: "an empty flow value") }
            if f == "[" {
                s = s.dropFirst()
                var items: [JSONValue] = []
                while true {
                    s = s.drop { $0 == " " }
                    if s.first == "]" { s = s.dropFirst(); return .array(items) }
                    items.append(try flow(&s, line: line))
                    s = s.drop { $0 == " " }
                    if s.first == "," { s = s.dropFirst(); continue }
                    guard s.first == "]" else { throw Failure(line: line + 1, message: "expected , or ] in a flow sequence") }
                }
            }
            if f == "{" {
                s = s.dropFirst()
                var object: [String: JSONValue] = [:]
                while true {
                    s = s.drop { $0 == " " }
                    if s.first == "}" { s = s.dropFirst(); return .object(object) }
                    let key: String
                    if let q = s.first, q == "'" || q == "\"" { key = try quoted(&s, line: line) } else {
                        let end = s.firstIndex { $0 == ":" || $0 == "," || $0 == "}" } ?? s.endIndex
                        key = String(s[..<end]).trimmingTrailingSpaces
                        s = s[end...]
                    }
                    s = s.drop { $0 == " " }
                    guard s.first == ":" else { throw Failure(line: line + 1, message: "expected : in a flow mapping") }
                    s = s.dropFirst()
                    object[key] = try flow(&s, line: line)
                    s = s.drop { $0 == " " }
                    if s.first == "," { s = s.dropFirst(); continue }
                    guard s.first == "}" else { throw Failure(line: line + 1, message: "expected , or } in a flow mapping") }
                }
            }
            if f == "'" || f == "\"" { return .string(try quoted(&s, line: line)) }
            let end = s.firstIndex { $0 == "," || $0 == "]" || $0 == "}" } ?? s.endIndex
            let text = String(s[..<end]).trimmingTrailingSpaces
            s = s[end...]
            return Self.plain(text)
        }

        func quoted(_ s: inout Substring, line: Int) throws(Failure) -> String {
            let q = s.first!
            s = s.dropFirst()
            var out = ""
            while let c = s.first {
                s = s.dropFirst()
                if q == "'" {
                    if c == "'" {
                        if s.first == "'" { out.append("'"); s = s.dropFirst(); continue }
                        return out
                    }
                    out.append(c)
                    continue
                }
                if c == "\"" { return out }
                guard c == "\\" else { out.append(c); continue }
                guard let e = s.first else { break }
                s = s.dropFirst()
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "0": out.append("\0")
                case "\"", "\\", "/", " ": out.append(e)
                case "u", "x":
                    let count = e == "u" ? 4 : 2
                    let hex = String(s.prefix(count))
                    guard hex.count == count, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
                        throw Failure(line: line + 1, message: "a bad escape in a quoted scalar")
                    }
                    out.unicodeScalars.append(scalar)
                    s = s.dropFirst(count)
                default: throw Failure(line: line + 1, message: "an unknown escape \\\(e)")
                }
            }
            throw Failure(line: line + 1, message: "an unclosed quoted scalar")
        }

        /// The text without a trailing ` # comment` (outside quotes and flow strings).
        func stripComment(_ s: Substring) -> Substring {
            var quote: Character?
            var k = s.startIndex
            while k < s.endIndex {
                let c = s[k]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == "'" || c == "\"" {
                    if k == s.startIndex || " [{,:".contains(s[s.index(before: k)]) { quote = c }
                } else if c == "#" && (k == s.startIndex || s[s.index(before: k)] == " ") {
                    return Substring(String(s[..<k]).trimmingTrailingSpaces)
                }
                k = s.index(after: k)
            }
            return Substring(String(s).trimmingTrailingSpaces)
        }

        static func balanced(_ s: String) -> Bool {
            var depth = 0
            var quote: Character?
            for c in s {
                if let q = quote { if c == q { quote = nil }; continue }
                switch c {
                case "'", "\"": quote = c
                case "[", "{": depth += 1
                case "]", "}": depth -= 1
                default: break
                }
            }
            return depth <= 0
        }

        /// A plain scalar as the core schema reads it.
        static func plain(_ s: String) -> JSONValue {
            switch s {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            let bytes = Array(s.utf8)
            let digits = bytes.drop { $0 == 0x2B || $0 == 0x2D }
            if !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 || $0 == 0x2B || $0 == 0x2D }),
               digits.first.map({ (0x30...0x39).contains($0) || $0 == 0x2E }) == true, bytes.count - digits.count <= 1, let d = Double(s) {
                return .number(d)
            }
            return .string(s)
        }
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var s = self[...]
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

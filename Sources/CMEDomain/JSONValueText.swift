import Foundation

/// JSON text to and from `JSONValue` without Foundation's coders: a strict RFC 8259 parser (UTF-8
/// only, no trailing text, nesting at most 512 deep, lone surrogates refused) and a writer with
/// sorted keys. Request bodies of thousands of notices are parsed here, so it is written for speed.
extension JSONValue {
    /// The tree of an Encodable value (its JSON, read back).
    public init(encoding value: some Encodable) throws {
        guard let tree = JSONValue.parse(Array(try JSONEncoder().encode(value))) else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "not JSON"))
        }
        self = tree
    }

    /// Parses a JSON text; nil when it is not one.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        var p = JSONParser(bytes: bytes)
        return p.document()
    }

    /// The JSON text, keys sorted, no insignificant whitespace; `/` is not escaped.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    public var text: String { String(decoding: serialized, as: UTF8.self) }

    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { Self.writeInteger(Int64(n), to: &out) }
            else if n.isFinite { out.append(contentsOf: "\(n)".utf8) }
            else { out.append(contentsOf: "null".utf8) }
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let a):
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                v.write(to: &out)
            }
            out.append(0x5D)
        case .object(let o):
            out.append(0x7B)
            // Keys in the order of their UTF-8 bytes (for ASCII keys, every key the service writes,
            // the same as String's order, without its Unicode comparison). The entries are sorted
            // by their places in the dictionary, so that sorting moves integers, not keys and values.
            if o.count == 1, let (k, v) = o.first {
                Self.writeString(k, to: &out)
                out.append(0x3A)
                v.write(to: &out)
            } else if !o.isEmpty {
                let order = o.indices.sorted { Self.bytesPrecede(o.keys[$0], o.keys[$1]) }
                for (i, index) in order.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    Self.writeString(o.keys[index], to: &out)
                    out.append(0x3A)
                    o.values[index].write(to: &out)
                }
            }
            out.append(0x7D)
        }
    }

    /// Decimal digits, with a minus sign when negative.
    public static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var magnitude = value.magnitude
        if magnitude < 10 { out.append(0x30 + UInt8(magnitude)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // up to 20 digits, written backwards
        let count = withUnsafeMutableBytes(of: &digits) { buffer -> Int in
            var n = 0
            while magnitude > 0 {
                buffer[23 - n] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            return n
        }
        withUnsafeBytes(of: &digits) { out.append(contentsOf: $0[(24 - count)...]) }
    }

    /// Whether `a`'s UTF-8 bytes sort before `b`'s.
    static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                return c != 0 ? c < 0 : x.count < y.count
            }
        }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escape: copied whole.
        let plain = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true { out.append(0x22); return }
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30])
                out.append(hex.utf8Start[Int(b >> 4)]); out.append(hex.utf8Start[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    var depth = 0
    static let maxDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() -> JSONValue? {
        skipSpace()
        guard let v = value() else { return nil }
        skipSpace()
        return i == bytes.count ? v : nil
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func literal(_ word: [UInt8], _ v: JSONValue) -> JSONValue? {
        guard i + word.count <= bytes.count, Array(bytes[i..<i + word.count]) == word else { return nil }
        i += word.count
        return v
    }

    mutating func value() -> JSONValue? {
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case 0x7B: return object()
        case 0x5B: return array()
        case 0x22: return string().map(JSONValue.string)
        case 0x74: return literal([0x74, 0x72, 0x75, 0x65], .bool(true))
        case 0x66: return literal([0x66, 0x61, 0x6C, 0x73, 0x65], .bool(false))
        case 0x6E: return literal([0x6E, 0x75, 0x6C, 0x6C], .null)
        default: return number()
        }
    }

    mutating func object() -> JSONValue? {
        depth += 1
        guard depth <= Self.maxDepth else { return nil }
        defer { depth -= 1 }
        i += 1
        // Room for the fields of a typical form object from the start: growing from empty hashes
        // every key again at each doubling.
        var o = [String: JSONValue](minimumCapacity: 6)
        skipSpace()
        if i < bytes.count, bytes[i] == 0x7D { i += 1; return .object(o) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x22, let key = string() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            guard let v = value() else { return nil }
            o[key] = v
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D { i += 1; return .object(o) }
            return nil
        }
    }

    mutating func array() -> JSONValue? {
        depth += 1
        guard depth <= Self.maxDepth else { return nil }
        defer { depth -= 1 }
        i += 1
        var a: [JSONValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == 0x5D { i += 1; return .array(a) }
        while true {
            skipSpace()
            guard let v = value() else { return nil }
            a.append(v)
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x5D { i += 1; return .array(a) }
            return nil
        }
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: return nil
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    mutating func string() -> String? {
        i += 1
        let start = i
        // Fast path: no escapes. ASCII text (nearly every key and value) needs no validation, and
        // the generic validating initialiser looks up type metadata on every call.
        var high: UInt8 = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                let s = high < 0x80 ? String(decoding: bytes[start..<i], as: UTF8.self) : String(validating: bytes[start..<i], as: UTF8.self)
                i += 1
                return s
            }
            if b == 0x5C || b < 0x20 { break }
            high |= b
            i += 1
        }
        var out: [UInt8] = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 { i += 1; return String(validating: out, as: UTF8.self) }
            if b < 0x20 { return nil }
            if b != 0x5C { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { return nil }
            let e = bytes[i]
            i += 1
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code) {
                    guard i + 2 <= bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else { return nil }
                    i += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    return nil
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                out += Array(String(Character(scalar)).utf8)
            default: return nil
            }
        }
        return nil
    }

    mutating func number() -> JSONValue? {
        let start = i
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == 0x30 { i += 1 }
        else if (0x31...0x39).contains(bytes[i]) { while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 } }
        else { return nil }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { return nil }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { return nil }
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        }
        guard let d = Double(String(decoding: bytes[start..<i], as: UTF8.self)), d.isFinite else { return nil }
        return .number(d)
    }
}

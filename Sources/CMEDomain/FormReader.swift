import Foundation

/// A JSON document as a tree, with booleans and numbers kept apart (a form's `true` is never the
/// number 1). Request bodies are decoded into it once; `FormReader` then reads fields by pointer.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The value at `pointer`, nil when absent.
    public func at(_ pointer: JSONPointer) -> JSONValue? {
        var current: JSONValue? = self
        _ = pointer.forEachToken { token in
            current = current?.child(token)
            return current != nil
        }
        return current
    }

    /// One step of a pointer: an object's member, or an array's element by its decimal index.
    @inline(__always)
    func child(_ token: String) -> JSONValue? {
        switch self {
        case .object(let o): return o[token]
        case .array(let a):
            guard let i = Int(token), a.indices.contains(i) else { return nil }
            return a[i]
        default: return nil
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o } else { return nil } }
}

/// Reads a form (a request body as `JSONValue`) field by field, collecting every wrong field with its
/// pointer, so that one 422 names all of them. Absent and `null` are the same: not given. Each read
/// returns nil when the field is absent or wrong; `errors` says which.
public struct FormReader: Sendable {
    public let root: JSONValue
    public var errors = FieldErrors()
    /// The object a literal pointer last looked into, by the address and length of its parent's
    /// text (static, so never reused for other text): a form reads the fields of one object one
    /// after another (`/pupil/upn`, `/pupil/first_name`, …), and each lookup of a key hashes it.
    private var lastParent: (address: Int, count: Int, value: JSONValue?)?

    public init(_ root: JSONValue) { self.root = root }

    /// The value at `p`, nil when absent or null; "is required" when `required`.
    mutating func value(_ p: JSONPointer, required: Bool) -> JSONValue? {
        guard let v = lookup(p), !v.isNull else {
            if required { errors.add(p, "is required") }
            return nil
        }
        return v
    }

    /// `root.at(p)`, taking the parent object of a literal pointer from `lastParent` when it is the
    /// same as the last one's.
    mutating func lookup(_ p: JSONPointer) -> JSONValue? {
        guard let (parent, last) = p.literalParentAndLast, let start = parent.baseAddress else { return root.at(p) }
        let container: JSONValue?
        if let cached = lastParent, cached.count == parent.count,
           cached.address == Int(bitPattern: start) || memcmp(UnsafeRawPointer(bitPattern: cached.address)!, start, parent.count) == 0 {
            container = cached.value
        } else {
            var found: JSONValue? = root
            _ = JSONPointer.forEachToken(in: parent) { token in
                found = found?.child(token)
                return found != nil
            }
            container = found
            lastParent = (Int(bitPattern: start), parent.count, container)
        }
        return container?.child(last)
    }

    public mutating func string(_ p: JSONPointer, required: Bool = false, maxLength: Int = 200) -> String? {
        guard let v = value(p, required: required) else { return nil }
        guard case .string(let text) = v else { errors.add(p, "must be a string"); return nil }
        // A text of no more bytes than the limit has no more characters either: counted only when
        // it might be too long.
        if text.utf8.count > maxLength && text.count > maxLength { errors.add(p, "must be at most \(maxLength) characters"); return nil }
        // Control characters are single bytes below 0x20 in UTF-8 (no longer sequence has such a byte).
        if text.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            errors.add(p, "must not contain control characters"); return nil
        }
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty {
            if required { errors.add(p, "is required") }
            return nil
        }
        return trimmed
    }

    public mutating func bool(_ p: JSONPointer) -> Bool? {
        guard let v = value(p, required: false) else { return nil }
        guard case .bool(let b) = v else { errors.add(p, "must be true or false"); return nil }
        return b
    }

    /// A `YYYY-MM-DD` date that exists; with `notAfter`, not later than that day.
    public mutating func date(_ p: JSONPointer, required: Bool = false, notAfter latest: CalendarDate? = nil,
                              notBefore earliest: CalendarDate? = nil) -> CalendarDate? {
        guard let v = value(p, required: required) else { return nil }
        guard case .string(let text) = v, text.utf8.count == 10, let d = CalendarDate(text) else {
            errors.add(p, "must be a date, YYYY-MM-DD"); return nil
        }
        if let latest, d > latest { errors.add(p, "must not be after \(latest)"); return nil }
        if let earliest, d < earliest { errors.add(p, "must not be before \(earliest)"); return nil }
        return d
    }

    /// One of an enumeration's raw values, compared as bytes.
    public mutating func choice<E: RawRepresentable & CaseIterable>(_ p: JSONPointer, _ type: E.Type, required: Bool = false,
                                                                   except excluded: [E] = []) -> E? where E.RawValue == String {
        guard let v = value(p, required: required) else { return nil }
        let allowed = E.allCases.filter { c in !excluded.contains { $0.rawValue == c.rawValue } }
        if case .string(let text) = v, let found = allowed.first(where: { Array($0.rawValue.utf8) == Array(text.utf8) }) {
            return found
        }
        errors.add(p, "must be one of " + allowed.map(\.rawValue).joined(separator: ", "))
        return nil
    }

    /// A 6-digit URN, ASCII only.
    public mutating func urn(_ p: JSONPointer, required: Bool = false) -> URN? {
        guard let text = string(p, required: required, maxLength: 20) else { return nil }
        guard let urn = URN(text) else { errors.add(p, "must be a URN of 6 digits"); return nil }
        return urn
    }

    /// A 3-digit LA code, ASCII only.
    public mutating func laCode(_ p: JSONPointer, required: Bool = false) -> LACode? {
        guard let text = string(p, required: required, maxLength: 20) else { return nil }
        guard let la = LACode(text) else { errors.add(p, "must be an LA code of 3 digits"); return nil }
        return la
    }

    /// An array of at most `max` elements; its count, nil when absent.
    public mutating func arrayCount(_ p: JSONPointer, max: Int, required: Bool = false) -> Int? {
        guard let v = value(p, required: required) else { return nil }
        guard case .array(let a) = v else { errors.add(p, "must be an array"); return nil }
        if a.count > max { errors.add(p, "must have at most \(max) items"); return nil }
        return a.count
    }

    /// Whether an object is present at `p` (an error when something else is).
    public mutating func object(_ p: JSONPointer, required: Bool = false) -> Bool {
        guard let v = value(p, required: required) else { return false }
        guard case .object = v else { errors.add(p, "must be an object"); return false }
        return true
    }

    /// An array of strings, each at most `maxLength`.
    public mutating func strings(_ p: JSONPointer, max: Int = 20, maxLength: Int = 100) -> [String]? {
        guard let n = arrayCount(p, max: max) else { return nil }
        var out: [String] = []
        for i in 0..<n {
            if let s = string(p.appending(i), required: true, maxLength: maxLength) { out.append(s) }
        }
        return out
    }

    /// Fields of the object at `p` that this form does not know: an error each, so that a misspelt
    /// key is not silently dropped.
    public mutating func rejectUnknownKeys(_ p: JSONPointer, known: Set<String>) {
        guard let o = root.at(p)?.objectValue else { return }
        for key in o.keys.sorted() where !known.contains(key) {
            errors.add(p.appending(key), "is not a field of this form")
        }
    }

    /// An address `{line1, line2, town, postcode}`.
    public mutating func address(_ p: JSONPointer) -> Address? {
        guard object(p) else { return nil }
        rejectUnknownKeys(p, known: ["line1", "line2", "town", "postcode"])
        return Address(line1: string(p.appending("line1")), line2: string(p.appending("line2")),
                       town: string(p.appending("town")), postcode: string(p.appending("postcode"), maxLength: 10))
    }
}

/// A postal address as forms carry it.
public struct Address: Hashable, Sendable, Codable {
    public var line1: String?
    public var line2: String?
    public var town: String?
    public var postcode: String?

    public init(line1: String? = nil, line2: String? = nil, town: String? = nil, postcode: String? = nil) {
        self.line1 = line1
        self.line2 = line2
        self.town = town
        self.postcode = postcode
    }

    /// The postcode as compared: upper case, no spaces.
    public var postcodeKey: String? {
        postcode.map { $0.uppercased().filter { !$0.isWhitespace } }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(line1, forKey: .line1)
        try c.encode(line2, forKey: .line2)
        try c.encode(town, forKey: .town)
        try c.encode(postcode, forKey: .postcode)
    }
}

/// A JSON Pointer (RFC 6901) to a field of a request body, e.g. `/child/date_of_birth`.
public struct JSONPointer: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// A literal of the code is kept as its static text, split only when its tokens are asked for:
    /// a form reader names a dozen fields per item, a batch has thousands of items, and nearly every
    /// pointer is used once, to find a field that is there (`JSONValue.at` walks the text's bytes).
    private enum Form: Sendable {
        /// Starts with `/` and has no `~`: its tokens are the bytes between the slashes.
        case literal(StaticString)
        case tokens([String])
    }

    private let form: Form

    /// The unescaped reference tokens: `["parents", "0", "name"]`.
    public var tokens: [String] {
        switch form {
        case .tokens(let tokens): return tokens
        case .literal:
            var tokens: [String] = []
            _ = forEachToken { tokens.append($0); return true }
            return tokens
        }
    }

    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) {
        form = .tokens(tokens)
    }

    public static func == (a: JSONPointer, b: JSONPointer) -> Bool { a.tokens == b.tokens }
    public func hash(into hasher: inout Hasher) { hasher.combine(tokens) }

    /// Calls `body` with each token in turn until it returns false; false when it did.
    func forEachToken(_ body: (String) -> Bool) -> Bool {
        switch form {
        case .tokens(let tokens):
            for token in tokens where !body(token) { return false }
            return true
        case .literal(let text):
            return Self.forEachToken(in: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount), body)
        }
    }

    /// The tokens of a pointer's text with no escapes (empty, or starting with `/`).
    static func forEachToken(in bytes: UnsafeBufferPointer<UInt8>, _ body: (String) -> Bool) -> Bool {
        var start = 1
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x2F { end += 1 }
            if !body(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) { return false }
            start = end + 1
        }
        return true
    }

    /// For a literal other than the root: the text of its parent (up to its last `/`, in the binary
    /// for the life of the process) and its last token. Lets a form reader find the fields of one
    /// object without walking to it again for each.
    var literalParentAndLast: (parent: UnsafeBufferPointer<UInt8>, last: String)? {
        guard case .literal(let text) = form else { return nil }
        let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        guard let slash = bytes.lastIndex(of: 0x2F) else { return nil }
        return (UnsafeBufferPointer(rebasing: bytes[..<slash]),
                String(decoding: UnsafeBufferPointer(rebasing: bytes[(slash + 1)...]), as: UTF8.self))
    }

    /// Parses the string form; `~1` is `/` and `~0` is `~` (RFC 6901 section 4: `~1` is
    /// decoded before `~0`, so `~01` is the token `~1`). Nil when it does not start with `/` or
    /// has a `~` not followed by 0 or 1.
    public init?(parsing text: String) {
        if text.isEmpty { form = .tokens([]); return }
        guard text.hasPrefix("/") else { return nil }
        if !text.utf8.contains(0x7E) {   // no escapes: split on the slashes
            form = .tokens(text.utf8.dropFirst().split(separator: 0x2F, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) })
            return
        }
        var decoded: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else { token.append(character); continue }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: return nil
                }
            }
            decoded.append(token)
        }
        form = .tokens(decoded)
    }

    /// For literals in code, which are always well formed.
    public init(stringLiteral value: StaticString) {
        let bytes = UnsafeBufferPointer(start: value.utf8Start, count: value.hasPointerRepresentation ? value.utf8CodeUnitCount : 0)
        if value.hasPointerRepresentation, bytes.first == 0x2F, !bytes.contains(0x7E) { form = .literal(value); return }
        guard let pointer = JSONPointer(parsing: value.description) else { preconditionFailure("malformed JSON pointer literal \(value)") }
        self = pointer
    }

    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }
    public func appending(_ index: Int) -> JSONPointer { appending(String(index)) }

    /// `prefix` followed by this pointer: a batch item's `/pupil/upn` becomes
    /// `/notifications/3/pupil/upn`.
    public func prefixed(by prefix: JSONPointer) -> JSONPointer { JSONPointer(tokens: prefix.tokens + tokens) }

    public var description: String {
        tokens.map { "/" + $0.replacingAll("~", with: "~0").replacingAll("/", with: "~1") }.joined()
    }
}

/// One invalid field: where it is, and what is wrong, in words a council's integrator can act on.
public struct FieldError: Hashable, Sendable, Codable {
    /// The RFC 6901 string form, as the 422 body's `errors[].pointer` carries it.
    public let pointer: String
    public let message: String

    public init(pointer: JSONPointer, message: String) {
        self.pointer = pointer.description
        self.message = message
    }

    // The 422 problem body names the message `detail` (openapi.yaml).
    enum CodingKeys: String, CodingKey {
        case pointer
        case message = "detail"
    }
}

/// Collects every field error of a request at once, so one 422 answer lists all of them
/// (openapi.yaml) instead of one per round trip.
public struct FieldErrors: Error, Hashable, Sendable, Sequence {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public var isEmpty: Bool { errors.isEmpty }
    public var count: Int { errors.count }
    public func makeIterator() -> IndexingIterator<[FieldError]> { errors.makeIterator() }

    public mutating func add(_ pointer: JSONPointer, _ message: String) {
        errors.append(FieldError(pointer: pointer, message: message))
    }

    /// Adds "is required" at `pointer` when `value` is nil or blank; returns the value otherwise.
    @discardableResult
    public mutating func require<T>(_ value: T?, at pointer: JSONPointer, _ message: String = "is required") -> T? {
        if let text = value as? String, text.trimmingWhitespace().isEmpty {
            add(pointer, message)
            return nil
        }
        guard let value else { add(pointer, message); return nil }
        return value
    }

    /// Adds the errors of a nested object (e.g. one parent of `parents`) under `prefix`.
    public mutating func merge(_ other: FieldErrors, under prefix: JSONPointer = .root) {
        for error in other.errors {
            let pointer = JSONPointer(parsing: error.pointer) ?? .root
            errors.append(FieldError(pointer: pointer.prefixed(by: prefix), message: error.message))
        }
    }

    /// The pointers in the order they were found.
    public var pointers: [String] { errors.map(\.pointer) }

    /// Throws self when not empty: `try errors.throwIfAny()` at the end of a validation.
    public func throwIfAny() throws(FieldErrors) {
        if !isEmpty { throw self }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}

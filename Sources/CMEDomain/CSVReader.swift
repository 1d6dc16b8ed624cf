/// An RFC 4180 CSV reader over the raw bytes of a file.
///
/// It works on bytes, not text, because comma, quote, CR and LF are the same bytes in UTF-8 and
/// Windows-1252: the caller decodes only the fields it needs, once it knows the encoding. Fields
/// are byte ranges into the file, so a record of 130 columns costs one small array.
///
/// Records end at CRLF or LF (a lone CR inside a field is data). Blank lines are skipped. A UTF-8
/// byte order mark at the start is skipped. A malformed record is still returned, with `error`
/// set and its fields recovered as well as they can be, so one bad line does not lose the file.
public struct CSVReader: Sequence, IteratorProtocol {
    public let bytes: [UInt8]
    private var position: Int
    private var line = 1
    private var lastFieldCount = 0

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        position = TextDecoding.hasUTF8BOM(bytes) ? 3 : 0
    }

    /// The field's content: without its surrounding quotes, and with doubled quotes made single.
    public func value(_ field: CSVField) -> ArraySlice<UInt8> {
        let raw = bytes[field.start..<field.end]
        guard field.hasDoubledQuotes else { return raw }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(raw.count)
        var skipNext = false
        for byte in raw {
            if skipNext { skipNext = false; continue }
            unescaped.append(byte)
            if byte == quote { skipNext = true }
        }
        return unescaped[...]
    }

    public mutating func next() -> CSVRecord? {
        bytes.withUnsafeBufferPointer { readRecord($0) }
    }

    private mutating func readRecord(_ buffer: UnsafeBufferPointer<UInt8>) -> CSVRecord? {
        let count = buffer.count
        var p = position
        defer { position = p }

        // Blank lines carry no record (a trailing newline at the end of the file is the usual one).
        while p < count {
            if buffer[p] == lf { p += 1; line += 1 }
            else if buffer[p] == cr, p + 1 == count || buffer[p + 1] == lf { p += 1 }
            else { break }
        }
        guard p < count else { return nil }

        let startLine = line
        var fields: [CSVField] = []
        fields.reserveCapacity(lastFieldCount)
        var error: CSVError?
        defer { lastFieldCount = fields.count }

        while true {
            if buffer[p] == quote {
                let openLine = line
                let openPosition = p
                p += 1
                let start = p
                var doubled = false
                var end = -1
                while p < count {
                    let byte = buffer[p]
                    if byte == quote {
                        if p + 1 < count, buffer[p + 1] == quote { doubled = true; p += 2; continue }
                        end = p
                        p += 1
                        break
                    }
                    if byte == lf { line += 1 }
                    p += 1
                }
                if end < 0 {
                    // Never closed: the quote was most likely a stray. Report this record and
                    // carry on from the line after the quote, which is where the file makes sense again.
                    // That rereads the rest once at most: every quote after this one came in pairs
                    // (nothing closed the field), so no later field can be left open to the end.
                    let unterminated = CSVError(line: openLine, kind: .unterminatedQuote)
                    p = openPosition
                    while p < count, buffer[p] != lf { p += 1 }
                    if p < count { p += 1 }
                    line = openLine + 1
                    return CSVRecord(line: startLine, fields: fields, error: unterminated)
                }
                fields.append(CSVField(start: start, end: end, isQuoted: true, hasDoubledQuotes: doubled))
                if p < count, buffer[p] != comma, buffer[p] != lf, !(buffer[p] == cr && (p + 1 == count || buffer[p + 1] == lf)) {
                    // `"abc"x`: the field keeps what was quoted; the rest up to the separator is dropped.
                    if error == nil { error = CSVError(line: line, kind: .textAfterClosingQuote) }
                    while p < count, buffer[p] != comma, buffer[p] != lf,
                          !(buffer[p] == cr && (p + 1 == count || buffer[p + 1] == lf)) { p += 1 }
                }
            } else {
                let start = p
                while p < count {
                    let byte = buffer[p]
                    if byte == comma || byte == lf { break }
                    if byte == cr, p + 1 == count || buffer[p + 1] == lf { break }
                    if byte == quote, error == nil { error = CSVError(line: line, kind: .quoteInUnquotedField) }
                    p += 1
                }
                fields.append(CSVField(start: start, end: p, isQuoted: false, hasDoubledQuotes: false))
            }

            // At a separator, a line end or the end of the file.
            if p >= count { break }
            if buffer[p] == comma {
                p += 1
                if p >= count {
                    // `a,b,` at the very end: the record has an empty last field.
                    fields.append(CSVField(start: p, end: p, isQuoted: false, hasDoubledQuotes: false))
                    break
                }
                continue
            }
            if buffer[p] == cr { p += 1 }
            if p < count { p += 1 } // the LF
            line += 1
            break
        }
        return CSVRecord(line: startLine, fields: fields, error: error)
    }
}

/// One field of a record: a byte range of the file, excluding any surrounding quotes.
public struct CSVField: Sendable, Equatable {
    public let start: Int
    public let end: Int
    public let isQuoted: Bool
    /// The range still holds `""` pairs; `CSVReader.value` makes them single.
    public let hasDoubledQuotes: Bool

    public var isEmpty: Bool { start == end }
}

public struct CSVRecord: Sendable, Equatable {
    /// The physical line (1-based) the record starts on; a quoted newline makes a record span lines.
    public let line: Int
    public let fields: [CSVField]
    /// Set when the record is malformed; `fields` are then a best effort.
    public let error: CSVError?
}

public struct CSVError: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A quoted field runs to the end of the file.
        case unterminatedQuote
        /// A `"` inside a field that did not start with one, e.g. `St Mary"s`.
        case quoteInUnquotedField
        /// Something other than a comma or line end right after a closing quote, e.g. `"a"b`.
        case textAfterClosingQuote
    }

    /// The physical line the fault is on (a later line than the record's when a quoted field spans lines).
    public let line: Int
    public let kind: Kind

    public var description: String {
        switch kind {
        case .unterminatedQuote: "a quoted field opened on line \(line) is never closed"
        case .quoteInUnquotedField: "a double quote on line \(line) is inside a field that is not quoted"
        case .textAfterClosingQuote: "text follows a closing double quote on line \(line)"
        }
    }
}

private let comma = UInt8(ascii: ",")
private let quote = UInt8(ascii: "\"")
private let cr = UInt8(ascii: "\r")
private let lf = UInt8(ascii: "\n")

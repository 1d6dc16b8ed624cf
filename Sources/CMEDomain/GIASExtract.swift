/// A school (establishment) as the DfE's "Get Information about Schools" (GIAS) lists it.
public struct GIASSchool: Sendable, Hashable {
    public let urn: URN
    public let laCode: LACode
    /// The LA code followed by GIAS's 4-digit EstablishmentNumber.
    public let laestab: LAESTAB
    public let name: String
    /// GIAS's own wording, e.g. "Primary", "Secondary", "Not applicable".
    public let phase: String?
    /// GIAS's own wording, e.g. "Community school", "Academy converter".
    public let type: String?
    /// GIAS's own wording, e.g. "Open", "Closed", "Open, but proposed to close".
    public let status: String?
    public let postcode: String?

    /// The LA code is the LAESTAB's first three digits, so the two cannot disagree.
    public init(urn: URN, laestab: LAESTAB, name: String, phase: String? = nil, type: String? = nil,
                status: String? = nil, postcode: String? = nil) {
        self.urn = urn
        self.laCode = laestab.laCode
        self.laestab = laestab
        self.name = name
        self.phase = phase
        self.type = type
        self.status = status
        self.postcode = postcode
    }
}

/// A data row of the extract that was not imported, and why (one sentence).
public struct GIASRejection: Sendable, Hashable, CustomStringConvertible {
    /// The physical line of the file the row starts on; the header is line 1.
    public let line: Int
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// The outcome of reading a GIAS extract: the schools, and the rows that were not used.
public struct GIASImport: Sendable, Equatable {
    /// One per URN, in file order.
    public var schools: [GIASSchool]
    /// In file order.
    public var rejected: [GIASRejection]
    /// Rows of other LAs, left out because `onlyLA` was given (0 without it).
    public var skippedOtherLA: Int
    /// Set when the file as a whole cannot be used (then `schools` and `rejected` are empty).
    public var fileError: String?
    /// How the text was decoded.
    public var encoding: TextEncoding

    public init(schools: [GIASSchool] = [], rejected: [GIASRejection] = [], skippedOtherLA: Int = 0,
                fileError: String? = nil, encoding: TextEncoding = .utf8) {
        self.schools = schools
        self.rejected = rejected
        self.skippedOtherLA = skippedOtherLA
        self.fileError = fileError
        self.encoding = encoding
    }
}

/// Parses the GIAS establishment CSV extract (edubasealldata*.csv, or a search download).
///
/// Pure: the caller reads the file. Columns are found by their GIAS header names, in any order and
/// in any letter case; other columns (the national extract has about 130) are ignored. The text is
/// UTF-8 if valid, else Windows-1252, which is what GIAS publishes.
public enum GIASExtract {
    /// The header names the parser uses, spelled as GIAS spells them.
    public enum Column: String, CaseIterable, Sendable {
        case urn = "URN"
        case laCode = "LA (code)"
        case establishmentNumber = "EstablishmentNumber"
        case name = "EstablishmentName"
        case type = "TypeOfEstablishment (name)"
        case phase = "PhaseOfEducation (name)"
        case status = "EstablishmentStatus (name)"
        case postcode = "Postcode"

        public var isRequired: Bool {
            switch self {
            case .urn, .laCode, .establishmentNumber, .name: true
            case .type, .phase, .status, .postcode: false
            }
        }
    }

    /// Reads the extract. With `onlyLA`, rows of other LAs are counted in `skippedOtherLA` and not
    /// checked further, so another LA's faults do not fill the rejection list.
    public static func parse(_ bytes: [UInt8], onlyLA: LACode? = nil) -> GIASImport {
        if let problem = notCSVProblem(bytes) { return GIASImport(fileError: problem) }
        let encoding = TextDecoding.detectEncoding(bytes)
        var reader = CSVReader(bytes: bytes)
        guard let header = reader.next() else { return GIASImport(fileError: "the file is empty", encoding: encoding) }
        if let error = header.error {
            return GIASImport(fileError: "the header line is not valid CSV: \(error)", encoding: encoding)
        }
        if header.fields.count < 2 {
            return GIASImport(fileError: "the first line has no commas, so this is not a CSV file", encoding: encoding)
        }

        // Where each known column is.
        var index = [Int?](repeating: nil, count: Column.allCases.count)
        let names = Column.allCases.map { Array($0.rawValue.utf8) }
        for (position, field) in header.fields.enumerated() {
            let name = trimmed(reader.value(field))
            for (slot, expected) in names.enumerated() where equalIgnoringASCIICase(name, expected) {
                if index[slot] != nil {
                    return GIASImport(fileError: "the header has the column \(Column.allCases[slot].rawValue) twice", encoding: encoding)
                }
                index[slot] = position
            }
        }
        let missing = Column.allCases.enumerated().filter { $0.element.isRequired && index[$0.offset] == nil }.map(\.element.rawValue)
        if !missing.isEmpty {
            let noun = missing.count == 1 ? "column" : "columns"
            return GIASImport(fileError: "the header (line \(header.line)) lacks the required \(noun) \(listed(missing))",
                              encoding: encoding)
        }
        func at(_ column: Column) -> Int? { index[Column.allCases.firstIndex(of: column)!] }
        let urnColumn = at(.urn)!, laColumn = at(.laCode)!, numberColumn = at(.establishmentNumber)!, nameColumn = at(.name)!
        let typeColumn = at(.type), phaseColumn = at(.phase), statusColumn = at(.status), postcodeColumn = at(.postcode)
        let onlyLABytes = onlyLA.map { Array($0.value.utf8) }

        var result = GIASImport(encoding: encoding)
        var firstLineOfURN: [Int: Int] = [:] // URN's number → line it was imported from
        let width = header.fields.count

        while let record = reader.next() {
            func reject(_ reason: String) { result.rejected.append(GIASRejection(line: record.line, reason: reason)) }
            if let error = record.error { reject("the row is not valid CSV: \(error)"); continue }
            let fields = record.fields
            guard fields.count == width else {
                reject("the row has \(fields.count) fields but the header has \(width)")
                continue
            }
            func raw(_ column: Int) -> ArraySlice<UInt8> { trimmed(reader.value(fields[column])) }
            func text(_ column: Int?) -> String? {
                guard let column else { return nil }
                let value = TextDecoding.string(raw(column), encoding: encoding)
                // Bytes were trimmed of ASCII space; a non-ASCII space (e.g. NBSP) may remain at an end.
                let clean = (value.first?.isASCII ?? true) && (value.last?.isASCII ?? true) ? value : value.trimmingWhitespace()
                return clean.isEmpty ? nil : clean
            }
            func shown(_ column: Int) -> String { quotedForMessage(TextDecoding.string(raw(column), encoding: encoding)) }

            let laBytes = raw(laColumn)
            guard !laBytes.isEmpty else { reject("the LA (code) is empty"); continue }
            guard isASCIIDigits(laBytes, count: 3), let laCode = LACode(String(decoding: laBytes, as: UTF8.self)) else {
                reject("the LA (code) \(shown(laColumn)) is not 3 digits")
                continue
            }
            if let onlyLABytes, !laBytes.elementsEqual(onlyLABytes) { result.skippedOtherLA += 1; continue }

            let urnBytes = raw(urnColumn)
            guard !urnBytes.isEmpty else { reject("the URN is empty"); continue }
            guard isASCIIDigits(urnBytes, count: 6), let urn = URN(String(decoding: urnBytes, as: UTF8.self)) else {
                reject("the URN \(shown(urnColumn)) is not 6 digits")
                continue
            }

            let numberBytes = raw(numberColumn)
            guard !numberBytes.isEmpty else {
                reject("the EstablishmentNumber is empty (GIAS gives none for some establishment types, such as children's centres)")
                continue
            }
            guard isASCIIDigits(numberBytes, count: 4) else {
                reject("the EstablishmentNumber \(shown(numberColumn)) is not 4 digits")
                continue
            }
            let laestab = LAESTAB(laCode: laCode, establishmentNumber: String(decoding: numberBytes, as: UTF8.self))

            guard let name = text(nameColumn) else { reject("the EstablishmentName is empty"); continue }

            let urnNumber = urnBytes.reduce(0) { $0 * 10 + Int($1 - zero) }
            if let first = firstLineOfURN[urnNumber] {
                reject("the URN \(urn) is a duplicate, first on line \(first)")
                continue
            }
            firstLineOfURN[urnNumber] = record.line
            result.schools.append(GIASSchool(urn: urn, laestab: laestab, name: name, phase: text(phaseColumn),
                                             type: text(typeColumn), status: text(statusColumn), postcode: text(postcodeColumn)))
        }
        return result
    }

    /// Files people upload by mistake, caught before they are read as CSV so the message says what they are.
    static func notCSVProblem(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "the file is a PNG image, not a CSV file" }
        if starts(Array("%PDF".utf8)) { return "the file is a PDF document, not a CSV file" }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            return "the file is a ZIP archive (an Excel .xlsx workbook is one), not a CSV file: save it as CSV"
        }
        if starts([0xD0, 0xCF, 0x11, 0xE0]) { return "the file is an Excel .xls workbook, not a CSV file: save it as CSV" }
        if starts([0x1F, 0x8B]) { return "the file is gzip-compressed: decompress it first" }
        if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
            return "the file is UTF-16 text: save it as CSV (UTF-8 or plain CSV) instead"
        }
        let text = TextDecoding.hasUTF8BOM(bytes) ? bytes[3...] : bytes[...]
        guard let first = text.first(where: { !isASCIIWhitespace($0) }) else { return "the file is empty" }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "the file looks like JSON, not CSV" }
        if first == UInt8(ascii: "<") { return "the file looks like HTML or XML, not CSV" }
        // Text never holds NUL; looking at the start is enough to tell a binary file.
        if text.prefix(8192).contains(0) { return "the file holds binary data, not CSV text" }
        return nil
    }
}

private let zero = UInt8(ascii: "0")

private func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
}

private func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var start = bytes.startIndex, end = bytes.endIndex
    while start < end, isASCIIWhitespace(bytes[start]) { start += 1 }
    while end > start, isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
    return bytes[start..<end]
}

/// Identifiers are checked as bytes: a look-alike such as a fullwidth digit never passes for an ASCII one.
private func isASCIIDigits(_ bytes: ArraySlice<UInt8>, count: Int) -> Bool {
    bytes.count == count && bytes.allSatisfy { $0 >= zero && $0 <= UInt8(ascii: "9") }
}

/// Header names are matched on ASCII case only, so U+212A KELVIN SIGN never matches a K.
private func equalIgnoringASCIICase(_ bytes: ArraySlice<UInt8>, _ expected: [UInt8]) -> Bool {
    guard bytes.count == expected.count else { return false }
    return zip(bytes, expected).allSatisfy { lower($0) == lower($1) }
}

private func lower(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// A value quoted in a rejection: cut short, with control characters shown as spaces, so a
/// malformed row cannot make the message long or multi-line.
private func quotedForMessage(_ value: String) -> String {
    let limit = 30
    var shown = String(value.prefix(limit).map { character -> Character in
        character.unicodeScalars.contains { $0.properties.generalCategory == .control } ? " " : character
    })
    if value.count > limit { shown += "…" }
    return "'\(shown)'"
}

/// "A", "A and B", "A, B and C".
private func listed(_ items: [String]) -> String {
    guard items.count > 1 else { return items.first ?? "" }
    return items.dropLast().joined(separator: ", ") + " and " + items.last!
}

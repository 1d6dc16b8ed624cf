/// A local authority's 3-digit code (e.g. Rotherham 372). Which codes exist is data the admin
/// edits (the list changes when councils merge, docs/domain.md, "Identifiers"), so only the format is checked here.
public struct LACode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count == 3, trimmed.isAllASCIIDigits else { return nil }
        value = trimmed
    }

    public init(from decoder: any Decoder) throws {
        self = try decodeIdentifier(decoder, LACode.init, "an LA code of 3 digits")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func < (lhs: LACode, rhs: LACode) -> Bool { lhs.value < rhs.value }
    public var description: String { value }
}

/// A school's Unique Reference Number: 6 digits, one per school.
public struct URN: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.utf8.count == 6, trimmed.isAllASCIIDigits else { return nil }
        value = trimmed
    }

    public init(from decoder: any Decoder) throws {
        self = try decodeIdentifier(decoder, URN.init, "a URN of 6 digits")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func < (lhs: URN, rhs: URN) -> Bool { lhs.value < rhs.value }
    public var description: String { value }
}

/// A LAESTAB (DfE number): 3-digit LA code + 4-digit establishment number, 7 digits.
///
/// GIAS and schools also write it `372/4001`; that form is accepted and normalised to 7 digits.
public struct LAESTAB: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        var trimmed = text.trimmingWhitespace()
        if trimmed.count == 8, Array(trimmed)[3] == "/" { trimmed.remove(at: trimmed.index(trimmed.startIndex, offsetBy: 3)) }
        guard trimmed.count == 7, trimmed.isAllASCIIDigits else { return nil }
        value = trimmed
    }

    public init(laCode: LACode, establishmentNumber: String) {
        precondition(establishmentNumber.count == 4 && establishmentNumber.isAllASCIIDigits)
        value = laCode.value + establishmentNumber
    }

    public var laCode: LACode { LACode(String(value.prefix(3)))! }
    public var establishmentNumber: String { String(value.suffix(4)) }

    public init(from decoder: any Decoder) throws {
        self = try decodeIdentifier(decoder, LAESTAB.init, "a LAESTAB of 7 digits")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public static func < (lhs: LAESTAB, rhs: LAESTAB) -> Bool { lhs.value < rhs.value }
    public var description: String { value }
}

/// The two special destination codes of a Common Transfer File. Such files go to the DfE's Lost
/// Pupil Database (School to School), which is not a CME register.
public enum CTFDestinationCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Destination unknown: the child's whereabouts are a CME matter.
    case destinationUnknown = "XXXXXXX"
    /// Moved to a school outside England and Wales, or to the independent sector.
    case outsideEnglandAndWalesOrIndependent = "MMMMMMM"
}

/// Where a Common Transfer File is sent: a school's LAESTAB or one of the special codes.
public enum CTFDestination: Hashable, Sendable {
    case school(LAESTAB)
    case special(CTFDestinationCode)

    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace().uppercased()
        if let code = CTFDestinationCode(rawValue: trimmed) {
            self = .special(code)
        } else if let laestab = LAESTAB(trimmed) {
            self = .school(laestab)
        } else {
            return nil
        }
    }
}

private func decodeIdentifier<T>(_ decoder: any Decoder, _ make: (String) -> T?, _ expected: String) throws -> T {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let value = make(text) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected \(expected)")
    }
    return value
}

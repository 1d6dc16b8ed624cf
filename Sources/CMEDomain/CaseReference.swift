/// A case's human reference, `CME-<la_code>-<year>-<6-digit sequence>` (docs/architecture.md, "Database access rules"), e.g.
/// `CME-372-2026-000123`: what officers quote on the phone and in letters.
public struct CaseReference: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let laCode: LACode
    public let year: Int
    public let sequence: Int

    /// Nil when the year is not four digits or the sequence is outside 1...999999.
    public init?(laCode: LACode, year: Int, sequence: Int) {
        guard (1000...9999).contains(year), (1...999_999).contains(sequence) else { return nil }
        self.laCode = laCode
        self.year = year
        self.sequence = sequence
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "CME", let la = LACode(parts[1]),
              parts[2].count == 4, parts[2].isAllASCIIDigits, parts[3].count == 6, parts[3].isAllASCIIDigits,
              let year = Int(parts[2]), let sequence = Int(parts[3]) else { return nil }
        self.init(laCode: la, year: year, sequence: sequence)
    }

    public var description: String {
        let digits = String(sequence)
        return "CME-\(laCode)-\(year)-\(String(repeating: "0", count: 6 - digits.count))\(digits)"
    }

    public static func < (lhs: CaseReference, rhs: CaseReference) -> Bool {
        (lhs.laCode.value, lhs.year, lhs.sequence) < (rhs.laCode.value, rhs.year, rhs.sequence)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let reference = CaseReference(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected CME-<la_code>-<year>-<6 digits>")
        }
        self = reference
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

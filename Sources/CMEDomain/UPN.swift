/// A Unique Pupil Number: 13 characters, a check letter then twelve characters (docs/domain.md, "Identifiers").
///
/// Positions: 1 check letter; 2-4 LA code; 5-8 establishment number; 9-10 the year allocated;
/// 11-13 three digits (permanent) or two digits and a letter (temporary).
public struct UPN: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 13 characters, upper case.
    public let value: String

    /// The letters of the check-letter table; I, O and S are never used.
    static let checkLetters: [Character] = Array("ABCDEFGHJKLMNPQRTUVWXYZ")

    /// Trims surrounding whitespace, upper-cases and checks every rule, in the order a reader
    /// would (length, characters by position, then the check letter).
    public static func parse(_ text: String) -> Result<UPN, UPNError> {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count == 13 else { return .failure(.wrongLength(trimmed.count)) }
        // ASCII only, checked before anything else: Swift's Character equality is canonical
        // equivalence, so U+212A KELVIN SIGN would otherwise pass as the check letter K and a second
        // spelling of one child's UPN would be stored. (Upper-casing non-ASCII could also change it.)
        for (offset, character) in trimmed.enumerated() where !character.isASCII {
            switch offset + 1 {
            case 1: return .failure(.checkLetterNotInTable(character))
            case 13: return .failure(.invalidFinalCharacter(character))
            default: return .failure(.notADigit(position: offset + 1, found: character))
            }
        }
        let normalised = trimmed.uppercased()
        let characters = Array(normalised)
        guard checkLetters.contains(characters[0]) else { return .failure(.checkLetterNotInTable(characters[0])) }
        for position in 2...12 where !characters[position - 1].isASCIIDigit {
            return .failure(.notADigit(position: position, found: characters[position - 1]))
        }
        let last = characters[12]
        guard last.isASCIIDigit || checkLetters.contains(last) else { return .failure(.invalidFinalCharacter(last)) }
        let expected = checkLetter(for: characters[1...])
        guard expected == characters[0] else {
            return .failure(.wrongCheckLetter(expected: expected, found: characters[0]))
        }
        return .success(UPN(value: normalised))
    }

    public init?(_ text: String) {
        guard case .success(let upn) = UPN.parse(text) else { return nil }
        self = upn
    }

    private init(value: String) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch UPN.parse(text) {
        case .success(let upn): self = upn
        case .failure(let error): throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    /// The check letter for characters 2-13: each character's value times its position (2-13),
    /// summed, mod 23, through the table. A letter in position 13 takes its index in the table.
    static func checkLetter<C: Collection>(for twelve: C) -> Character where C.Element == Character {
        var sum = 0
        for (offset, character) in twelve.enumerated() {
            let value = character.wholeNumberValue ?? checkLetters.firstIndex(of: character) ?? 0
            sum += value * (offset + 2)
        }
        return checkLetters[sum % 23]
    }

    /// The check letter the statute's algorithm gives for twelve characters (positions 2-13), or nil
    /// when they are not eleven digits followed by a digit or a table letter. Useful in warnings:
    /// "the check letter should be P".
    public static func expectedCheckLetter(for twelve: String) -> Character? {
        let characters = Array(twelve.uppercased())
        guard characters.count == 12, characters.dropLast().allSatisfy(\.isASCIIDigit),
              characters[11].isASCIIDigit || checkLetters.contains(characters[11]) else { return nil }
        return checkLetter(for: characters)
    }

    /// A temporary UPN ends in a letter; it is replaced when the real one is known, and the old one
    /// is kept as a former UPN.
    public var isTemporary: Bool { !(value.last?.isASCIIDigit ?? true) }
    public var isPermanent: Bool { !isTemporary }

    /// Positions 2-4: the LA that allocated the number.
    public var laCode: LACode { LACode(String(Array(value)[1...3]))! }

    /// Positions 5-8.
    public var establishmentNumber: String { String(Array(value)[4...7]) }

    /// Positions 9-10: last two digits of the year allocated.
    public var yearAllocated: String { String(Array(value)[8...9]) }

    public var description: String { value }
}

/// Why a string is not a UPN; each case names the rule that failed.
public enum UPNError: Error, Hashable, Sendable {
    case wrongLength(Int)
    /// Position 1 must be a letter of `ABCDEFGHJKLMNPQRTUVWXYZ`.
    case checkLetterNotInTable(Character)
    /// Positions 2-12 must be digits.
    case notADigit(position: Int, found: Character)
    /// Position 13 must be a digit (permanent) or a letter of the table (temporary).
    case invalidFinalCharacter(Character)
    case wrongCheckLetter(expected: Character, found: Character)

    public var message: String {
        switch self {
        case .wrongLength(let count):
            return "a UPN has 13 characters, not \(count)"
        case .checkLetterNotInTable(let found):
            return "character 1 must be a check letter (A-Z without I, O and S), not '\(found)'"
        case .notADigit(let position, let found):
            return "character \(position) must be a digit, not '\(found)'"
        case .invalidFinalCharacter(let found):
            return "character 13 must be a digit or a letter (A-Z without I, O and S), not '\(found)'"
        case .wrongCheckLetter(let expected, let found):
            return "the check letter is '\(found)' but characters 2-13 give '\(expected)'"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    func trimmingWhitespace() -> String {
        // Nearly every value starts and ends with a visible ASCII character: nothing to trim, and no
        // grapheme breaking to learn it (a cluster whose first or last scalar is a visible ASCII
        // character is not whitespace).
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
           !first.isASCIIWhitespaceByte, !last.isASCIIWhitespaceByte {
            return self
        }
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    var isAllASCIIDigits: Bool { !isEmpty && utf8.allSatisfy { (0x30...0x39).contains($0) } }
}

extension UInt8 {
    /// Tab, line feed, vertical tab, form feed, carriage return or space: the ASCII characters
    /// `Character.isWhitespace` counts.
    var isASCIIWhitespaceByte: Bool { (0x09...0x0D).contains(self) || self == 0x20 }
}

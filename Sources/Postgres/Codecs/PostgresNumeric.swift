import Foundation

/// A `numeric` value as its exact decimal text (`-12.3400`, `NaN`, `Infinity`, `-Infinity`), the
/// same text PostgreSQL prints. Nothing is rounded: `numeric` holds up to 131072 digits before the
/// point and 16383 after, far beyond `Decimal` or `Double`.
///
/// Wire format (binary): int16 ndigits, int16 weight, uint16 sign, int16 dscale, then ndigits int16
/// base-10000 digits; the first digit is worth 10000^weight, `dscale` is the number of decimal
/// digits after the point.
public struct PostgresNumeric: PostgresArrayElement, Hashable, CustomStringConvertible {
    /// Canonical text: optional `-`, digits without leading zeros, optional `.` and fraction digits.
    public let text: String

    public static let nan = PostgresNumeric(uncheckedText: "NaN")
    public static let infinity = PostgresNumeric(uncheckedText: "Infinity")
    public static let negativeInfinity = PostgresNumeric(uncheckedText: "-Infinity")

    private init(uncheckedText: String) { self.text = uncheckedText }

    /// Parses `[-+]digits[.digits]` (or `.digits`), `NaN`, `Infinity`, `-Infinity`; nil otherwise.
    /// Trailing fraction zeros are kept (they are the value's scale, as in PostgreSQL).
    public init?(_ text: String) {
        guard let parts = Self.parse(text) else { return nil }
        switch parts {
        case .special(let special): self = special
        case .finite(let negative, let integer, let fraction):
            let isZero = integer.isEmpty && fraction.allSatisfy { $0 == UInt8(ascii: "0") }
            var canonical = (negative && !isZero) ? "-" : ""
            canonical += integer.isEmpty ? "0" : String(decoding: integer, as: UTF8.self)
            if !fraction.isEmpty { canonical += "." + String(decoding: fraction, as: UTF8.self) }
            self.text = canonical
        }
    }

    public init(_ value: Int) { self.text = String(value) }

    /// `decimal.description` as numeric (Decimal's NaN becomes NaN).
    public init(_ decimal: Decimal) {
        self = decimal.isNaN ? .nan : PostgresNumeric(decimal.description) ?? .nan
    }

    public var isNaN: Bool { text == "NaN" }
    public var isFinite: Bool { !isNaN && text != "Infinity" && text != "-Infinity" }
    public var description: String { text }

    /// The value as `Decimal` when Decimal holds it exactly (NaN included); nil for infinities and
    /// for values with more significant digits than Decimal's 38.
    public var decimal: Decimal? {
        if isNaN { return .nan }
        guard isFinite, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return PostgresNumeric(value).trimmed == trimmed ? value : nil
    }

    /// The text without trailing fraction zeros (for comparing values regardless of scale).
    private var trimmed: String {
        guard isFinite, text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return t == "-0" ? "0" : String(t)
    }

    private enum Parts {
        case special(PostgresNumeric)
        case finite(negative: Bool, integer: [UInt8], fraction: [UInt8])
    }

    private static func parse(_ text: String) -> Parts? {
        switch text {
        case "NaN": return .special(.nan)
        case "Infinity", "+Infinity": return .special(.infinity)
        case "-Infinity": return .special(.negativeInfinity)
        default: break
        }
        var bytes = Array(text.utf8)[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        let pieces = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let integerPart = pieces.first, integerPart.allSatisfy(isDigit) else { return nil }
        let fractionPart = pieces.count == 2 ? pieces[1] : []
        guard fractionPart.allSatisfy(isDigit), !(integerPart.isEmpty && fractionPart.isEmpty),
              fractionPart.count <= 16_383, integerPart.count <= 131_072 else { return nil }
        return .finite(negative: negative, integer: Array(integerPart.drop { $0 == UInt8(ascii: "0") }),
                       fraction: Array(fractionPart))
    }

    public static var postgresDataType: PostgresDataType { .numeric }
    public static var postgresArrayDataType: PostgresDataType { .numericArray }

    private static let positive: UInt16 = 0x0000, negative: UInt16 = 0x4000, nanSign: UInt16 = 0xC000
    private static let plusInfinity: UInt16 = 0xD000, minusInfinity: UInt16 = 0xF000

    public func encodePostgres(into buffer: inout [UInt8]) {
        func header(_ ndigits: Int, _ weight: Int, _ sign: UInt16, _ dscale: Int) {
            buffer.appendBigEndian(Int16(ndigits))
            buffer.appendBigEndian(Int16(weight))
            buffer.appendBigEndian(sign)
            buffer.appendBigEndian(Int16(dscale))
        }
        guard case .finite(let isNegative, let integer, let fraction)? = Self.parse(text) else {
            header(0, 0, isNaN ? Self.nanSign : text.hasPrefix("-") ? Self.minusInfinity : Self.plusInfinity, 0)
            return
        }
        // Group the decimal digits in fours around the point.
        let zero = UInt8(ascii: "0")
        let paddedInteger = [UInt8](repeating: zero, count: (4 - integer.count % 4) % 4) + integer
        let paddedFraction = fraction + [UInt8](repeating: zero, count: (4 - fraction.count % 4) % 4)
        var groups: [Int16] = []
        for chunk in stride(from: 0, to: paddedInteger.count, by: 4) {
            groups.append(Self.group(paddedInteger[chunk..<chunk + 4]))
        }
        var weight = groups.count - 1
        for chunk in stride(from: 0, to: paddedFraction.count, by: 4) {
            groups.append(Self.group(paddedFraction[chunk..<chunk + 4]))
        }
        var first = 0
        while first < groups.count, groups[first] == 0 { first += 1; weight -= 1 }
        var end = groups.count
        while end > first, groups[end - 1] == 0 { end -= 1 }
        let digits = groups[first..<end]
        if digits.isEmpty { weight = 0 }
        header(digits.count, weight, isNegative && !digits.isEmpty ? Self.negative : Self.positive, fraction.count)
        for digit in digits { buffer.appendBigEndian(digit) }
    }

    private static func group(_ ascii: ArraySlice<UInt8>) -> Int16 {
        ascii.reduce(0) { $0 * 10 + Int16($1 - UInt8(ascii: "0")) }
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> PostgresNumeric {
        var reader = BinaryReader(try cell.bytes(for: PostgresNumeric.self, accepting: .numeric))
        guard let ndigits = reader.read(Int16.self), let weight = reader.read(Int16.self),
              let sign = reader.read(UInt16.self), let dscale = reader.read(Int16.self),
              ndigits >= 0, dscale >= 0, reader.remaining == Int(ndigits) * 2 else {
            throw cell.malformed(PostgresNumeric.self, "bad header")
        }
        switch sign {
        case nanSign: return .nan
        case plusInfinity: return .infinity
        case minusInfinity: return .negativeInfinity
        case positive, negative: break
        default: throw cell.malformed(PostgresNumeric.self, "bad sign")
        }
        var digits: [Int] = []
        for _ in 0..<ndigits {
            guard let digit = reader.read(Int16.self), (0..<10_000).contains(digit) else {
                throw cell.malformed(PostgresNumeric.self, "bad digit")
            }
            digits.append(Int(digit))
        }
        let w = Int(weight)
        func digit(at exponent: Int) -> Int {
            let index = w - exponent
            return index >= 0 && index < digits.count ? digits[index] : 0
        }
        var text = sign == negative ? "-" : ""
        if w < 0 {
            text += "0"
        } else {
            text += String(digit(at: w))
            for exponent in stride(from: w - 1, through: 0, by: -1) { text += CivilCalendar.pad(digit(at: exponent), 4) }
        }
        if dscale > 0 {
            var fraction = ""
            let groups = (Int(dscale) + 3) / 4
            for k in 1...groups { fraction += CivilCalendar.pad(digit(at: -k), 4) }
            text += "." + fraction.prefix(Int(dscale))
        }
        return PostgresNumeric(uncheckedText: text)
    }
}

import Foundation

/// `Decimal` is `numeric`. Decoding throws rather than round: a value with more significant digits
/// than Decimal holds, or ±Infinity, must be read as `PostgresNumeric`.
extension Decimal: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .numeric }
    public static var postgresArrayDataType: PostgresDataType { .numericArray }

    public func encodePostgres(into buffer: inout [UInt8]) {
        PostgresNumeric(self).encodePostgres(into: &buffer)
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> Decimal {
        let numeric = try PostgresNumeric.decodePostgres(cell)
        guard let decimal = numeric.decimal else {
            throw PostgresError.decoding("numeric value does not fit Decimal exactly; decode PostgresNumeric", cell: cell)
        }
        return decimal
    }
}

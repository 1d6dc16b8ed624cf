import Foundation

/// Foundation `Date` is `timestamptz`, through `PostgresTimestamp` (rounded to the microsecond).
/// `infinity` / `-infinity` cannot be a `Date`: decoding them throws; use `PostgresTimestamp`.
extension Date: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .timestamptz }
    public static var postgresArrayDataType: PostgresDataType { .timestamptzArray }

    public func encodePostgres(into buffer: inout [UInt8]) {
        PostgresTimestamp(self).encodePostgres(into: &buffer)
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> Date {
        let timestamp = try PostgresTimestamp.decodePostgres(cell)
        guard let date = timestamp.date else {
            throw PostgresError.decoding("\(timestamp) cannot be a Foundation Date; decode PostgresTimestamp", cell: cell)
        }
        return date
    }
}

import Foundation

/// `Data` is `bytea`, raw bytes in binary format (no hex or escape text format involved).
/// (`[UInt8]` cannot be `bytea`: arrays of encodable elements are PostgreSQL arrays.)
extension Data: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .bytea }
    public static var postgresArrayDataType: PostgresDataType { .byteaArray }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Data {
        Data(try cell.bytes(for: Data.self, accepting: .bytea))
    }
}

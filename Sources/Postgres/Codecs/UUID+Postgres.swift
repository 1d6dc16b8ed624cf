import Foundation

/// `uuid` is its 16 bytes in order (RFC 9562 network order), the same as `UUID.uuid`.
extension UUID: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .uuid }
    public static var postgresArrayDataType: PostgresDataType { .uuidArray }

    public func encodePostgres(into buffer: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) }
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> UUID {
        let bytes = try cell.bytes(for: UUID.self, accepting: .uuid)
        guard bytes.count == 16 else { throw cell.malformed(UUID.self, "expected 16 bytes, got \(bytes.count)") }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        return UUID(uuid: raw)
    }
}

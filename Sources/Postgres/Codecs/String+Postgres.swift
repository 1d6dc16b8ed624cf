/// `String` is `text`; it also decodes `varchar`, `bpchar`, `name` and `unknown` (all UTF-8 on the
/// wire because every connection sets `client_encoding=UTF8`).
extension String: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .text }
    public static var postgresArrayDataType: PostgresDataType { .textArray }

    public func encodePostgres(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: utf8)
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> String {
        let bytes = try cell.bytes(for: String.self, accepting: .text, .varchar, .bpchar, .name, .unknown)
        return String(decoding: bytes, as: UTF8.self)
    }
}

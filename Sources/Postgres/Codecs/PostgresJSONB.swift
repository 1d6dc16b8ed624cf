/// A `jsonb` value as its JSON text (UTF-8), exactly as the server renders it. Parse it with
/// `JSONDecoder` or `JSONSerialization` where needed; the client does not interpret it.
///
/// Binary `jsonb` is a version byte (1) followed by the text. Decoding also accepts `json`, whose
/// binary form is the bare text.
public struct PostgresJSONB: PostgresArrayElement, Hashable, CustomStringConvertible {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(utf8 bytes: some Sequence<UInt8>) { self.text = String(decoding: Array(bytes), as: UTF8.self) }

    public var utf8: [UInt8] { Array(text.utf8) }
    public var description: String { text }

    public static var postgresDataType: PostgresDataType { .jsonb }
    public static var postgresArrayDataType: PostgresDataType { .jsonbArray }

    public func encodePostgres(into buffer: inout [UInt8]) {
        buffer.append(1)
        buffer.append(contentsOf: text.utf8)
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> PostgresJSONB {
        let bytes = try cell.bytes(for: PostgresJSONB.self, accepting: .jsonb, .json)
        if cell.dataType == .json { return PostgresJSONB(utf8: bytes) }
        guard let version = bytes.first else { throw cell.malformed(PostgresJSONB.self, "empty") }
        guard version == 1 else { throw cell.malformed(PostgresJSONB.self, "unknown jsonb version \(version)") }
        return PostgresJSONB(utf8: bytes.dropFirst())
    }
}

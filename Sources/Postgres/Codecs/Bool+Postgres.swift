extension Bool: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .bool }
    public static var postgresArrayDataType: PostgresDataType { .boolArray }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Bool {
        switch try cell.exactInteger(UInt8.self, for: Bool.self, accepting: .bool) {
        case 0: false
        case 1: true
        default: throw cell.malformed(Bool.self, "byte is neither 0 nor 1")
        }
    }
}

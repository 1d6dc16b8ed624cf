/// `Int16` is `int2`, `Int32` is `int4`, `Int64` and `Int` are `int8`. Decoding widens (an `Int`
/// reads `int2`, `int4` and `int8`, so `count(*)` and `serial` columns both decode as `Int`) but never
/// narrows: an `Int32` does not read an `int8` column.
extension Int16: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int2 }
    public static var postgresArrayDataType: PostgresDataType { .int2Array }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Int16 {
        try cell.exactInteger(Int16.self, for: Int16.self, accepting: .int2)
    }
}

extension Int32: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int4 }
    public static var postgresArrayDataType: PostgresDataType { .int4Array }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Int32 {
        if cell.dataType == .int2 { return Int32(try Int16.decodePostgres(cell)) }
        return try cell.exactInteger(Int32.self, for: Int32.self, accepting: .int4)
    }
}

extension Int64: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int8 }
    public static var postgresArrayDataType: PostgresDataType { .int8Array }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(self) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Int64 {
        switch cell.dataType {
        case .int2: Int64(try Int16.decodePostgres(cell))
        case .int4: Int64(try Int32.decodePostgres(cell))
        default: try cell.exactInteger(Int64.self, for: Int64.self, accepting: .int8)
        }
    }
}

extension Int: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .int8 }
    public static var postgresArrayDataType: PostgresDataType { .int8Array }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(Int64(self)) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Int {
        Int(try Int64.decodePostgres(cell))
    }
}

/// `Double` is `float8`, sent as its IEEE 754 bit pattern, so infinities, NaN and -0 survive
/// exactly. It also decodes `float4` (widening is exact).
extension Double: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { .float8 }
    public static var postgresArrayDataType: PostgresDataType { .float8Array }
    public func encodePostgres(into buffer: inout [UInt8]) { buffer.appendBigEndian(bitPattern) }
    public static func decodePostgres(_ cell: PostgresCell) throws -> Double {
        if cell.dataType == .float4 {
            return Double(Float(bitPattern: try cell.exactInteger(UInt32.self, for: Double.self, accepting: .float4)))
        }
        return Double(bitPattern: try cell.exactInteger(UInt64.self, for: Double.self, accepting: .float8))
    }
}

/// One-dimensional PostgreSQL arrays: `[String]` is `text[]`, `[String?]` allows NULL elements.
///
/// Wire format: int32 ndim, int32 has-null flag, uint32 element OID, per dimension int32 length and
/// int32 lower bound, then each element as int32 length (-1 for NULL) and its bytes. An empty array
/// has ndim 0. Decoding accepts any lower bound but refuses multi-dimensional arrays.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresDataType: PostgresDataType { Element.postgresArrayDataType }

    public func encodePostgres(into buffer: inout [UInt8]) {
        // Text arrays (a unit's audit events: thousands of elements in a batch) skip the generic
        // calls per element; both paths write the same bytes.
        if let texts = self as? [String] {
            buffer.appendArrayHeader(count: texts.count, hasNull: false, elementType: Element.postgresDataType)
            for text in texts {
                buffer.appendBigEndian(Int32(text.utf8.count))
                buffer.append(contentsOf: text.utf8)
            }
            return
        }
        buffer.appendArrayHeader(count: count, hasNull: contains { $0.isPostgresNull }, elementType: Element.postgresDataType)
        for value in self { buffer.appendArrayElement(value) }
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    private static var arrayTypes: Set<PostgresDataType> {
        [.boolArray, .byteaArray, .int2Array, .int4Array, .textArray, .varcharArray, .int8Array, .float8Array,
         .timestampArray, .dateArray, .timestamptzArray, .numericArray, .uuidArray, .jsonbArray]
    }

    public static func decodePostgres(_ cell: PostgresCell) throws -> [Element] {
        guard cell.dataType == Element.postgresArrayDataType || arrayTypes.contains(cell.dataType) else {
            throw PostgresError.decoding("cannot decode \(cell.dataType) as \(Self.self)", cell: cell)
        }
        guard let bytes = cell.bytes else {
            throw PostgresError.decoding("unexpected NULL for non-optional \(Self.self)", cell: cell)
        }
        var reader = BinaryReader(bytes)
        guard let dimensions = reader.read(Int32.self), reader.read(Int32.self) != nil,
              let elementOID = reader.read(UInt32.self) else {
            throw cell.malformed(Self.self, "bad array header")
        }
        if dimensions == 0 { return [] }
        guard dimensions == 1 else {
            throw PostgresError.decoding("\(dimensions)-dimensional arrays are not supported", cell: cell)
        }
        guard let count = reader.read(Int32.self), count >= 0, reader.read(Int32.self) != nil else {
            throw cell.malformed(Self.self, "bad array dimension")
        }
        var result: [Element] = []
        result.reserveCapacity(Int(count))
        let elementName = cell.columnName + "[]"
        for _ in 0..<count {
            guard let length = reader.read(Int32.self) else { throw cell.malformed(Self.self, "truncated") }
            var elementBytes: ArraySlice<UInt8>? = nil
            if length >= 0 {
                guard let slice = reader.read(count: Int(length)) else { throw cell.malformed(Self.self, "truncated") }
                elementBytes = slice
            }
            let element = PostgresCell(bytes: elementBytes, dataType: PostgresDataType(elementOID),
                                       columnName: elementName, columnIndex: cell.columnIndex)
            result.append(try Element.decodePostgres(element))
        }
        guard reader.isAtEnd else { throw cell.malformed(Self.self, "trailing bytes") }
        return result
    }
}

/// Big-endian reading of PostgreSQL binary values (network byte order, as the wire protocol uses).
struct BinaryReader {
    private(set) var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }
    var remaining: Int { bytes.count }

    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.count >= size else { return nil }
        var value: T = 0
        for byte in bytes.prefix(size) { value = value << 8 | T(truncatingIfNeeded: byte) }
        bytes = bytes.dropFirst(size)
        return value
    }

    mutating func read(count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.count >= count else { return nil }
        let slice = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return slice
    }
}

extension Array where Element == UInt8 {
    @inlinable
    public mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    /// The header of a one-dimensional array in the binary format: dimensions (0 when empty), the
    /// has-NULL flag, the element OID, then the length and lower bound (1) of the one dimension.
    @inlinable
    public mutating func appendArrayHeader(count: Int, hasNull: Bool, elementType: PostgresDataType) {
        appendBigEndian(Int32(count == 0 ? 0 : 1))
        appendBigEndian(Int32(hasNull ? 1 : 0))
        appendBigEndian(elementType.rawValue)
        guard count > 0 else { return }
        appendBigEndian(Int32(count))
        appendBigEndian(Int32(1))
    }

    /// One element of an array: its length as an int32 (-1 for SQL NULL), then its bytes, written
    /// in place (the length is set once the element is written, so nothing is copied twice).
    @inlinable
    public mutating func appendArrayElement<T: PostgresEncodable>(_ value: T) {
        guard !value.isPostgresNull else { appendNullArrayElement(); return }
        let at = count
        for _ in 0..<4 { append(0) }   // byte by byte: cheaper than appending a buffer of four
        value.encodePostgres(into: &self)
        let length = UInt32(count - at - 4)
        withUnsafeMutableBufferPointer { bytes in
            for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: length >> (24 - 8 * UInt32(i))) }
        }
    }

    /// A NULL element: the length -1.
    @inlinable
    public mutating func appendNullArrayElement() {
        for _ in 0..<4 { append(0xFF) }
    }
}

extension PostgresCell {
    /// Reads a fixed-width integer that must fill the whole cell.
    func exactInteger<T: FixedWidthInteger, S>(_: T.Type, for swiftType: S.Type, accepting accepted: PostgresDataType...) throws -> T {
        guard accepted.contains(dataType) else {
            throw PostgresError.decoding("cannot decode \(dataType) as \(S.self)", cell: self)
        }
        guard let bytes else {
            throw PostgresError.decoding("unexpected NULL for non-optional \(S.self)", cell: self)
        }
        var reader = BinaryReader(bytes)
        guard bytes.count == MemoryLayout<T>.size, let value = reader.read(T.self) else {
            throw malformed(S.self, "expected \(MemoryLayout<T>.size) bytes, got \(bytes.count)")
        }
        return value
    }
}

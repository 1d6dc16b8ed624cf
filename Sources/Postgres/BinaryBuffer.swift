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
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
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

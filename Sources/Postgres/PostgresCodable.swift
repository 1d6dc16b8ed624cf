/// A Swift value that can be bound as a query parameter.
///
/// Parameters are always sent in binary format with the type's OID, so the server never parses a
/// value out of SQL text. `Optional.none` of any encodable type is a typed NULL; `PostgresNull()`
/// is an untyped one (the server infers the type from context).
public protocol PostgresEncodable: Sendable {
    /// The OID sent with the parameter, and the element OID when the value sits inside an array.
    static var postgresDataType: PostgresDataType { get }
    /// Appends the binary wire representation. Not called when `isPostgresNull` is true.
    func encodePostgres(into buffer: inout [UInt8])
    /// True when the value is SQL NULL.
    var isPostgresNull: Bool { get }
}

extension PostgresEncodable {
    public var isPostgresNull: Bool { false }
}

/// A Swift value that can be read from a binary-format result cell.
public protocol PostgresDecodable {
    /// Decodes `cell`; throws `PostgresError` (kind `.decoding`) for a wrong type OID, an unexpected
    /// NULL, or bytes that do not form a valid value.
    static func decodePostgres(_ cell: PostgresCell) throws -> Self
}

public typealias PostgresCodable = PostgresEncodable & PostgresDecodable

/// A type that can be an element of a one-dimensional PostgreSQL array (`[String]` is `text[]`).
public protocol PostgresArrayElement: PostgresCodable {
    static var postgresArrayDataType: PostgresDataType { get }
}

/// An untyped SQL NULL parameter (sent with OID 0, so the server infers its type).
public struct PostgresNull: PostgresEncodable, Hashable {
    public init() {}
    public static var postgresDataType: PostgresDataType { .unspecified }
    public func encodePostgres(into buffer: inout [UInt8]) {}
    public var isPostgresNull: Bool { true }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresDataType: PostgresDataType { Wrapped.postgresDataType }
    public func encodePostgres(into buffer: inout [UInt8]) {
        if case .some(let value) = self { value.encodePostgres(into: &buffer) }
    }
    public var isPostgresNull: Bool {
        switch self {
        case .none: true
        case .some(let value): value.isPostgresNull
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decodePostgres(_ cell: PostgresCell) throws -> Wrapped? {
        cell.bytes == nil ? nil : try Wrapped.decodePostgres(cell)
    }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresArrayDataType: PostgresDataType { Wrapped.postgresArrayDataType }
}

/// One value of a result (or one element of an array value), as the decoders see it.
public struct PostgresCell: Sendable {
    /// The binary value; nil for SQL NULL.
    public let bytes: ArraySlice<UInt8>?
    public let dataType: PostgresDataType
    /// Column name (or `name[]` for an array element), for error messages.
    public let columnName: String
    public let columnIndex: Int

    public init(bytes: ArraySlice<UInt8>?, dataType: PostgresDataType, columnName: String, columnIndex: Int) {
        self.bytes = bytes
        self.dataType = dataType
        self.columnName = columnName
        self.columnIndex = columnIndex
    }

    /// The bytes of a non-NULL cell whose type is one of `accepted`; otherwise a decoding error.
    public func bytes<T>(for swiftType: T.Type, accepting accepted: PostgresDataType...) throws -> ArraySlice<UInt8> {
        guard accepted.contains(dataType) else {
            throw PostgresError.decoding("cannot decode \(dataType) as \(T.self)", cell: self)
        }
        guard let bytes else {
            throw PostgresError.decoding("unexpected NULL for non-optional \(T.self)", cell: self)
        }
        return bytes
    }

    /// A decoding error about this cell (never includes the value itself).
    public func malformed<T>(_ swiftType: T.Type, _ why: String) -> PostgresError {
        PostgresError.decoding("malformed \(dataType) for \(T.self): \(why)", cell: self)
    }
}

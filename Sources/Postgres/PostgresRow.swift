/// A result column: its name and type as the server described them.
public struct PostgresColumn: Sendable, Hashable {
    public let name: String
    public let dataType: PostgresDataType
}

/// The rows of one statement, copied out of libpq's `PGresult` before it is cleared (so no pointer
/// into libpq memory outlives the call that produced it). Immutable and Sendable.
public struct PostgresRows: Sendable, RandomAccessCollection {
    final class Storage: Sendable {
        let columns: [PostgresColumn]
        let columnIndex: [String: Int]
        /// All non-NULL cell bytes, row-major, back to back.
        let bytes: [UInt8]
        /// Per cell: start offset into `bytes` and length, or length -1 for NULL.
        let cells: [(offset: Int, length: Int)]

        init(columns: [PostgresColumn], bytes: [UInt8], cells: [(offset: Int, length: Int)]) {
            self.columns = columns
            var index: [String: Int] = [:]
            for (i, column) in columns.enumerated() where index[column.name] == nil { index[column.name] = i }
            self.columnIndex = index
            self.bytes = bytes
            self.cells = cells
        }
    }

    let storage: Storage
    /// Number of rows.
    public let count: Int
    /// Rows inserted, updated, deleted, selected, ... as the command tag says (0 when it says none).
    public let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 1`.
    public let commandTag: String

    public var columns: [PostgresColumn] { storage.columns }
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < count, "row index out of range")
        return PostgresRow(storage: storage, row: position)
    }

    init(columns: [PostgresColumn], rowCount: Int, bytes: [UInt8], cells: [(offset: Int, length: Int)],
         affectedRows: Int, commandTag: String) {
        self.storage = Storage(columns: columns, bytes: bytes, cells: cells)
        self.count = rowCount
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }
}

/// One row. Decode columns by index or by name:
/// `let id = try row.decode(UUID.self, at: 0)`, `let name = try row.decode(String?.self, column: "name")`.
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let row: Int

    public var columns: [PostgresColumn] { storage.columns }

    /// The raw cell; decoding errors name its column.
    public func cell(at index: Int) throws -> PostgresCell {
        guard index >= 0 && index < storage.columns.count else {
            throw PostgresError(kind: .decoding, message: "no column at index \(index) (the row has \(storage.columns.count))")
        }
        let (offset, length) = storage.cells[row * storage.columns.count + index]
        let column = storage.columns[index]
        let bytes = length < 0 ? nil : storage.bytes[offset..<offset + length]
        return PostgresCell(bytes: bytes, dataType: column.dataType, columnName: column.name, columnIndex: index)
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        try T.decodePostgres(cell(at: index))
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws -> T {
        guard let index = storage.columnIndex[name] else {
            throw PostgresError(kind: .decoding, message: "no column named \"\(name)\"")
        }
        return try decode(type, at: index)
    }
}

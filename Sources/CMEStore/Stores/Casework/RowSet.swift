import CMEDomain
import Foundation
import Postgres
import Runtime

/// Rows for a set-based statement, sent column by column: each column is one binary array
/// parameter, and `unnest` turns the arrays back into rows. Thousands of rows travel in one round
/// trip, and the server reads each value with its binary input function, instead of parsing one
/// large JSON document and taking it apart again (measured: a quarter of the time for a batch of
/// 5,000 notices).
///
///     var rows = RowSet()
///     for c in children { rows.row { $0.add("id", c.id); $0.add("upn", c.upn) } }
///     "INSERT INTO t (id, upn) SELECT id, upn FROM \(sql: rows.source("x"))"
///
/// Every row adds the same columns in the same order (checked). How the statement is planned: see
/// `source`.
struct RowSet {
    private struct Column {
        var name: String
        var arrayType: PostgresDataType
        var elementType: PostgresDataType
        var payload: [UInt8] = []
        var hasNull = false
    }

    private var columns: [Column] = []
    private var next = 0
    private(set) var count = 0

    mutating func row(_ fields: (inout RowSet) -> Void) {
        next = 0
        fields(&self)
        precondition(next == columns.count, "every row of a RowSet adds the same columns")
        count += 1
    }

    /// One value of the current row; nil is SQL NULL.
    mutating func add<T: PostgresArrayElement>(_ name: String, _ value: T?) {
        if count == 0 {
            precondition(next == columns.count, "a RowSet's columns are added in the same order in every row")
            columns.append(Column(name: name, arrayType: T.postgresArrayDataType, elementType: T.postgresDataType))
        }
        precondition(next < columns.count && columns[next].name == name && columns[next].elementType == T.postgresDataType,
                     "a RowSet's columns are added in the same order in every row")
        // The column's bytes are taken once for the whole element, not at every byte.
        if let value, !value.isPostgresNull {
            columns[next].payload.appendArrayElement(value)
        } else {
            columns[next].payload.appendNullArrayElement()
            columns[next].hasNull = true
        }
        next += 1
    }

    mutating func add(_ name: String, _ value: CalendarDate?) { add(name, StoreCoding.date(value)) }
    /// A JSON document for a text column, written straight into the column's bytes (no text made
    /// first and copied in); nil is SQL NULL.
    mutating func document(_ name: String, _ value: JSONValue?) { add(name, value.map(DocumentText.init)) }
    /// JSON text, stored as `jsonb`.
    mutating func json(_ name: String, _ text: String?) { add(name, text.map(PostgresJSONB.init)) }

    /// `(SELECT unnest($1::uuid[]) AS id, unnest($2::text[]) AS upn, …) AS alias`, the arrays bound as
    /// parameters. The unnests are in the select list, where PostgreSQL walks the arrays side by side
    /// row by row; `unnest($1, $2, …)` in FROM instead copies every column into a store of its own
    /// before the first row comes out (measured: 16 ms against 4 for 20 columns of 5,000 rows).
    ///
    /// The statement is planned each run (`PostgresQuery.plannedEachRun()`): a kept plan is made from
    /// the statistics of its moment, and the tables a batch writes grow fast (a plan made on a new
    /// council's empty tables, kept while a 100,000-pupil roll was loaded, took seconds a batch
    /// instead of 40 ms), so its plan follows the tables' real size, for about a millisecond a batch.
    ///
    /// One row (a single notice) is `(VALUES ($1::uuid, $2::text, …)) AS alias(id, upn, …)` instead:
    /// a statement whose plan does not depend on how many rows it carries, prepared and kept like
    /// any other, so that a single notice plans nothing.
    func source(_ alias: String) -> PostgresQuery {
        let names = PostgresQuery(sql: columns.map(\.name).joined(separator: ", "))
        if count == 1 {
            var row: PostgresQuery = "(VALUES ("
            for (i, c) in columns.enumerated() {
                row = "\(sql: row)\(sql: i == 0 ? "" : ", ")\(OneValue(column: c))::\(sql: PostgresQuery(sql: c.elementType.description))"
            }
            return "\(sql: row))) AS \(sql: PostgresQuery(sql: alias))(\(sql: names))"
        }
        var query: PostgresQuery = "(SELECT "
        for (i, c) in columns.enumerated() {
            query = "\(sql: query)\(sql: i == 0 ? "" : ", ")unnest(\(BinaryArray(column: c, count: count))::\(sql: PostgresQuery(sql: c.arrayType.description))) AS \(sql: PostgresQuery(sql: c.name))"
        }
        let source: PostgresQuery = "\(sql: query)) AS \(sql: PostgresQuery(sql: alias))"
        return source.plannedEachRun()
    }

    /// The one value of a one-row column, in binary, its type named by the cast in the statement.
    private struct OneValue: PostgresEncodable {
        static var postgresDataType: PostgresDataType { .unspecified }
        let bytes: [UInt8]?

        init(column c: Column) {
            // The payload holds one element: its length (-1 for NULL), then its bytes.
            let length = c.payload.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            bytes = length == UInt32.max ? nil : Array(c.payload.dropFirst(4))
        }

        var isPostgresNull: Bool { bytes == nil }
        func encodePostgres(into buffer: inout [UInt8]) { buffer.append(contentsOf: bytes ?? []) }
    }

    /// One column in the binary array format (one dimension, from 1), its type named by the cast
    /// in the statement.
    private struct BinaryArray: PostgresEncodable {
        static var postgresDataType: PostgresDataType { .unspecified }
        let bytes: [UInt8]

        init(column c: Column, count: Int) {
            var b: [UInt8] = []
            b.reserveCapacity(20 + c.payload.count)
            b.appendArrayHeader(count: count, hasNull: c.hasNull, elementType: c.elementType)
            if count > 0 { b.append(contentsOf: c.payload) }
            bytes = b
        }

        func encodePostgres(into buffer: inout [UInt8]) { buffer.append(contentsOf: bytes) }
    }
}

/// A JSON document as the text of a `text` column, written by `JSONValue.write`.
private struct DocumentText: PostgresArrayElement {
    let value: JSONValue
    static var postgresDataType: PostgresDataType { .text }
    static var postgresArrayDataType: PostgresDataType { .textArray }
    var isPostgresNull: Bool { false }
    func encodePostgres(into buffer: inout [UInt8]) { value.write(to: &buffer) }

    static func decodePostgres(_ cell: PostgresCell) throws -> DocumentText {
        guard let value = JSONValue.parse(Array(try String.decodePostgres(cell).utf8)) else { throw MalformedRow() }
        return DocumentText(value: value)
    }
}

/// A statement and its parameters, written as one string: every interpolated value becomes a bound
/// parameter (`$1`, `$2`, … in order), never SQL text, so a twenty-column insert cannot misnumber its
/// parameters and no value can be injected:
///
///     conn.query("SELECT id FROM schools WHERE la_code = \(la) AND urn = \(urn)")
///
/// Text that really is SQL (a trusted fragment built from constants) goes in with `\(sql: …)`.
///
/// A connection prepares each statement once and reuses it, and PostgreSQL may keep its plan (see
/// `LibpqSession`). A statement whose best plan depends on its values or on the tables' size of the
/// moment (thousands of rows in array parameters, a report's date range) is marked
/// `plannedEachRun()`, and a fragment so marked marks the statement it goes into.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var parameters: [any PostgresEncodable]
    /// Planned afresh, with its values, each time it runs (never prepared).
    public private(set) var plansEachRun = false

    public init(sql: String, parameters: [any PostgresEncodable] = []) {
        self.sql = sql
        self.parameters = parameters
    }

    /// This statement, planned afresh with its values each time it runs.
    public func plannedEachRun() -> PostgresQuery {
        var query = self
        query.plansEachRun = true
        return query
    }

    public init(stringLiteral value: String) {
        self.init(sql: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(sql: stringInterpolation.sql, parameters: stringInterpolation.parameters)
        plansEachRun = stringInterpolation.plansEachRun
    }

    /// The SQL alone, with its placeholders: safe for logs (values never appear in it).
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var parameters: [any PostgresEncodable] = []
        var plansEachRun = false

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            parameters.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// A value, bound as the next parameter (`Optional.none` is a typed NULL).
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value)
            sql += "$" + String(parameters.count)
        }

        /// An optional value: `nil` is a typed NULL.
        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            parameters.append(value)
            sql += "$" + String(parameters.count)
        }

        /// Trusted SQL text (an identifier or fragment the code chose, never a client's value).
        public mutating func appendInterpolation(sql fragment: PostgresQuery) {
            plansEachRun = plansEachRun || fragment.plansEachRun
            // A fragment's own placeholders are renumbered after the ones already bound (nothing to
            // renumber when it binds nothing, or when nothing was bound before it).
            let offset = parameters.count
            guard offset > 0 && !fragment.parameters.isEmpty else {
                sql += fragment.sql
                parameters += fragment.parameters
                return
            }
            var text: [UInt8] = []
            let bytes = Array(fragment.sql.utf8)
            var i = 0
            while i < bytes.count {
                var j = i + 1
                var n = 0
                while bytes[i] == UInt8(ascii: "$") && j < bytes.count && (0x30...0x39).contains(bytes[j]) {
                    n = n * 10 + Int(bytes[j] - 0x30)
                    j += 1
                }
                if j > i + 1 {
                    text += Array(("$" + String(n + offset)).utf8)
                    i = j
                } else {
                    text.append(bytes[i])
                    i += 1
                }
            }
            let rewritten = String(decoding: text, as: UTF8.self)
            sql += rewritten
            parameters += fragment.parameters
        }
    }
}

extension PostgresConnection {
    /// Runs one statement built with interpolated parameters and returns its rows.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await self.query(query.sql, parameters: query.parameters, plansEachRun: query.plansEachRun)
    }

    /// Runs one statement built with interpolated parameters; returns the rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }
}

extension PostgresPool {
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await self.query(query.sql, parameters: query.parameters, plansEachRun: query.plansEachRun)
    }

    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }
}

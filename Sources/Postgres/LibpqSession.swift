import CLibpq
import Glibc

/// One parameter ready for the wire: its type OID and binary bytes (nil for NULL). Built on the
/// caller's side, so only plain bytes cross to the connection thread.
struct PostgresBinding: Sendable {
    let oid: UInt32
    let bytes: [UInt8]?

    init(_ value: any PostgresEncodable) {
        oid = type(of: value).postgresDataType.rawValue
        if value.isPostgresNull {
            bytes = nil
        } else {
            var buffer: [UInt8] = []
            value.encodePostgres(into: &buffer)
            bytes = buffer
        }
    }
}

/// One statement ready for the connection's thread: its SQL, its bound parameters, and whether the
/// session may prepare it once and reuse it (`PostgresQuery.plannedEachRun()` says no).
struct PostgresStatement: Sendable {
    let sql: String
    let bindings: [PostgresBinding]
    let prepare: Bool
}

/// Owns one libpq `PGconn`. Not Sendable and never shared: every method is called on the
/// connection's own thread (`ConnectionThread`), where blocking is fine.
///
/// Sending a statement and receiving its result are separate steps (`send`, `receive`) so that a
/// later pipeline mode can send several statements before reading their results.
final class LibpqSession {
    private var connection: OpaquePointer?
    /// The transaction status after the last completed statement, to know whether a connection
    /// found dead while idle can be replaced transparently.
    private var lastTransactionStatus = PQTRANS_IDLE
    /// A statement sent more than `outgrowLimit` bytes of parameters (a batch's set of rows). libpq
    /// grew its output buffer to hold them and keeps it, a few MiB, as long as the connection lives;
    /// so the pool retires this connection once it has sat idle a while (`outgrownIdleLimit`).
    private(set) var outgrown = false
    static let outgrowLimit = 1 << 20

    deinit { finish() }

    /// Opens the connection (blocking, bounded by `connect_timeout`).
    func connect(_ configuration: PostgresConfiguration) throws {
        finish()
        // An unparseable string would be echoed back in libpq's error message, password included.
        guard configuration.parsedParameters != nil else {
            throw PostgresError.connectionUnavailable("the connection string cannot be parsed")
        }
        let pairs = configuration.connectionKeywords
        let keys = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keyPointers = keys.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        let connection = keyPointers.withUnsafeBufferPointer { keyBuffer in
            valuePointers.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keyBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
        guard let connection else { throw PostgresError.connectionUnavailable("libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.errorMessage(connection)
            PQfinish(connection)
            throw PostgresError.connectionUnavailable(message)
        }
        // libpq prints notices (e.g. "there is no transaction in progress") to stderr by default.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
        lastTransactionStatus = PQTRANS_IDLE
        outgrown = false
        prepared.removeAll()
    }

    func finish() {
        if let connection { PQfinish(connection) }
        connection = nil
    }

    var isBroken: Bool { connection.map { PQstatus($0) != CONNECTION_OK } ?? true }

    /// Statements prepared on this session, by SQL text and parameter types: each is parsed and
    /// analysed once per session instead of once per run, and PostgreSQL keeps its plan when a
    /// generic one costs no more than those made for the values (`plan_cache_mode = auto`: after
    /// five runs; a plan is made again whenever `ANALYZE` changes its tables' statistics). An
    /// unnamed statement (planned each run) gets a plan for its values every time. Bounded: past
    /// `preparedLimit` the session deallocates them all and starts again.
    private var prepared: [PreparedKey: String] = [:]
    private var preparedCount = 0
    static let preparedLimit = 256
    /// The statement sent last, if it was prepared (to forget it when the server has).
    private var lastPrepared: PreparedKey?
    /// An error met while preparing: the statement was not sent, and `receive()` reports it.
    private var failedToPrepare: PostgresError?
    /// How many times the cache was deallocated whole (names taken before are then gone).
    private var deallocations = 0

    private struct PreparedKey: Hashable {
        let sql: String
        let types: [Oid]

        init(_ statement: PostgresStatement) {
            sql = statement.sql
            types = statement.bindings.map { Oid($0.oid) }
        }
    }

    /// Runs statements in order and returns the last one's rows: one statement alone, several in one
    /// round trip (`pipeline`).
    func run(_ statements: [PostgresStatement]) throws -> PostgresRows {
        if statements.count == 1 {
            try send(statements[0])
            return try receive()
        }
        return try pipeline(statements, answer: statements.count - 1)
    }

    /// Sends one statement with binary parameters, asking for binary results: prepared once and then
    /// executed by name, unless the statement says it is planned each run.
    func send(_ statement: PostgresStatement) throws {
        let connection = try usableConnection()
        lastPrepared = nil
        var name: String?
        if statement.prepare {
            let key = PreparedKey(statement)
            name = try preparedName(for: key, on: connection)
            guard failedToPrepare == nil else { return }
            if name != nil { lastPrepared = key }
        }
        try dispatch(statement, name: name, on: connection)
    }

    /// Runs statements in one round trip (libpq's pipeline mode) and returns the rows of the one at
    /// `answer`. The first failure is thrown; the statements after it did not run. The connection
    /// blocks while it sends, so only the answering statement may answer with much, and nothing big
    /// may follow it: the others must answer little (a transaction's opening, an audit insert, a
    /// setting), or the server could block writing results that no one reads until all is sent.
    private func pipeline(_ statements: [PostgresStatement], answer: Int) throws -> PostgresRows {
        let connection = try usableConnection()
        // A statement new to the session is prepared first, in a round trip of its own (once). Should
        // one of them find the cache full and deallocate it, the names taken before are gone too:
        // take them all again.
        var names: [String?] = []
        while true {
            let deallocationsBefore = deallocations
            names = []
            for statement in statements {
                guard statement.prepare else {
                    names.append(nil)
                    continue
                }
                names.append(try preparedName(for: PreparedKey(statement), on: connection))
                if let failure = failedToPrepare {
                    failedToPrepare = nil
                    throw failure
                }
            }
            // A second pass cannot deallocate again: the cache then holds these statements only.
            if deallocations == deallocationsBefore { break }
        }
        guard PQenterPipelineMode(connection) == 1 else { throw PostgresError.client(Self.errorMessage(connection)) }
        // `self.connection`, not `connection`: a COPY answer below closes the session.
        defer { if let open = self.connection, PQpipelineStatus(open) != PQ_PIPELINE_OFF { _ = PQexitPipelineMode(open) } }
        for (statement, name) in zip(statements, names) {
            try dispatch(statement, name: name, on: connection)
        }
        guard PQpipelineSync(connection) == 1 else {
            let message = Self.errorMessage(connection)
            throw PQstatus(connection) == CONNECTION_OK ? PostgresError.client(message) : PostgresError.connectionLost(message)
        }
        var answered: PostgresRows?
        var failure: (error: PostgresError, index: Int)?
        // Each statement's results end with a null result; statements after a failure answer
        // PIPELINE_ABORTED; the sync point answers last.
        for index in statements.indices where PQstatus(connection) == CONNECTION_OK {
            let (rows, error) = try results(on: connection)
            if index == answer { answered = rows }
            if let error, failure == nil { failure = (error, index) }
        }
        while PQstatus(connection) == CONNECTION_OK, let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        let failed = failure.flatMap { names[$0.index] == nil ? nil : PreparedKey(statements[$0.index]) }
        return try conclude(answered, failure: failure?.error, of: failed, on: connection)
    }

    /// One statement's results, up to the null result that ends them: its rows (the last set) and
    /// its error (the first). A statement skipped after an earlier failure of its pipeline has
    /// neither.
    private func results(on connection: OpaquePointer) throws -> (rows: PostgresRows?, failure: PostgresError?) {
        var rows: PostgresRows?
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                rows = Self.rows(from: result)
            case PGRES_PIPELINE_ABORTED:
                break
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                // COPY would leave the connection mid-protocol; drop it rather than guess.
                finish()
                throw PostgresError.client("COPY is not supported by this client")
            default:
                failure = failure ?? Self.error(from: result)
            }
        }
        return (rows, failure)
    }

    /// The end of a round trip: notes the transaction status, then throws a lost connection or the
    /// statement's failure (forgetting the prepared statement it made stale), else returns the rows.
    private func conclude(_ rows: PostgresRows?, failure: PostgresError?, of statement: PreparedKey?,
                          on connection: OpaquePointer) throws -> PostgresRows {
        lastTransactionStatus = PQtransactionStatus(connection)
        if PQstatus(connection) != CONNECTION_OK {
            let lost = failure ?? PostgresError.connectionLost(Self.errorMessage(connection))
            throw lost.kind == .connectionLost ? lost : lost.with(kind: .connectionLost)
        }
        if let failure {
            forgetPrepared(after: failure, statement: statement)
            throw failure
        }
        guard let rows else { throw PostgresError.connectionLost(Self.errorMessage(connection)) }
        return rows
    }

    /// Puts one statement on the wire, by its prepared name or unnamed. The parameter bytes live in
    /// one buffer allocated for this call and freed when it returns; libpq copies them into its
    /// output buffer before the send returns.
    private func dispatch(_ statement: PostgresStatement, name: String?, on connection: OpaquePointer) throws {
        let bindings = statement.bindings
        let total = bindings.reduce(0) { $0 + ($1.bytes?.count ?? 0) }
        if total > Self.outgrowLimit { outgrown = true }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var values: [UnsafePointer<CChar>?] = []
        var lengths: [Int32] = []
        values.reserveCapacity(bindings.count)
        lengths.reserveCapacity(bindings.count)
        var offset = 0
        for binding in bindings {
            guard let bytes = binding.bytes else {
                values.append(nil)
                lengths.append(0)
                continue
            }
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { (storage + offset).copyMemory(from: base, byteCount: source.count) }
            }
            // A zero-length value still needs a non-NULL pointer: NULL would mean SQL NULL.
            values.append(UnsafePointer((storage + offset).assumingMemoryBound(to: CChar.self)))
            lengths.append(Int32(bytes.count))
            offset += bytes.count
        }
        let types = bindings.map { Oid($0.oid) }
        let formats = [Int32](repeating: 1, count: bindings.count)
        let sent = types.withUnsafeBufferPointer { types in
            values.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        if let name {
                            return PQsendQueryPrepared(connection, name, Int32(bindings.count), values.baseAddress, lengths.baseAddress,
                                                       formats.baseAddress, 1)
                        }
                        return PQsendQueryParams(connection, statement.sql, Int32(bindings.count), types.baseAddress, values.baseAddress,
                                                 lengths.baseAddress, formats.baseAddress, 1)
                    }
                }
            }
        }
        guard sent == 1 else {
            let message = Self.errorMessage(connection)
            throw PQstatus(connection) == CONNECTION_OK ? PostgresError.client(message) : PostgresError.connectionLost(message)
        }
    }

    /// The session's name for the statement, preparing it first if it is new (one round trip, the
    /// first time only). Nil when it cannot be prepared now and should be sent unnamed instead. A
    /// server error while preparing (a syntax error, an aborted transaction) is kept in
    /// `failedToPrepare`, and the statement is not sent.
    private func preparedName(for key: PreparedKey, on connection: OpaquePointer) throws -> String? {
        if let name = prepared[key] { return name }
        if prepared.count >= Self.preparedLimit {
            let result = PQexec(connection, "DEALLOCATE ALL")
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_COMMAND_OK else {
                try throwIfLost(connection)
                return nil   // inside a failed transaction: sent unnamed, it reports why
            }
            prepared.removeAll(keepingCapacity: true)
            deallocations += 1
        }
        preparedCount += 1
        let name = "cme_\(preparedCount)"
        let result = key.types.withUnsafeBufferPointer { types in
            PQprepare(connection, name, key.sql, Int32(key.types.count), types.baseAddress)
        }
        defer { PQclear(result) }
        guard let result, PQresultStatus(result) == PGRES_COMMAND_OK else {
            try throwIfLost(connection)
            failedToPrepare = result.map(Self.error(from:)) ?? PostgresError.client(Self.errorMessage(connection))
            lastTransactionStatus = PQtransactionStatus(connection)
            return nil
        }
        prepared[key] = name
        return name
    }

    private func throwIfLost(_ connection: OpaquePointer) throws {
        if PQstatus(connection) != CONNECTION_OK {
            throw PostgresError.connectionLost(Self.errorMessage(connection))
        }
    }

    /// After a failed statement: forgets prepared statements the server no longer has, or can no
    /// longer run (a table's columns changed under a cached plan).
    private func forgetPrepared(after failure: PostgresError, statement key: PreparedKey?) {
        switch failure.sqlState {
        case "26000":   // invalid_sql_statement_name: the session's statements are gone
            prepared.removeAll()
        case "0A000":   // feature_not_supported: "cached plan must not change result type"
            if let key { prepared[key] = nil }
        default:
            break
        }
    }

    /// Sends a script of one or more statements without parameters (the simple-query protocol,
    /// `PQsendQuery`), for migrations. Results are read with `receive()`; the first error wins.
    func sendScript(_ sql: String) throws {
        let connection = try usableConnection()
        lastPrepared = nil
        guard PQsendQuery(connection, sql) == 1 else {
            let message = Self.errorMessage(connection)
            throw PQstatus(connection) == CONNECTION_OK ? PostgresError.client(message) : PostgresError.connectionLost(message)
        }
    }

    /// Reads every result of the statement sent last (blocking) and copies it out of libpq.
    func receive() throws -> PostgresRows {
        guard let connection else { throw PostgresError.connectionLost("the connection is closed") }
        if let failure = failedToPrepare {
            failedToPrepare = nil
            throw failure
        }
        let (rows, failure) = try results(on: connection)
        return try conclude(rows, failure: failure, of: lastPrepared, on: connection)
    }

    /// Open, healthy and outside any transaction: fit to lend again as it is. Local state only, no I/O.
    var isIdleAndHealthy: Bool {
        guard let connection else { return false }
        return PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE
    }

    /// Makes the connection safe to hand to the next user: rolls back a transaction a caller left
    /// open. False when the connection is unusable and must be discarded.
    func prepareForReuse() -> Bool {
        guard let connection, PQstatus(connection) == CONNECTION_OK else { return false }
        switch PQtransactionStatus(connection) {
        case PQTRANS_IDLE:
            return true
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            PQclear(PQexec(connection, "ROLLBACK"))
            lastTransactionStatus = PQtransactionStatus(connection)
            return PQstatus(connection) == CONNECTION_OK && lastTransactionStatus == PQTRANS_IDLE
        default:
            return false
        }
    }

    /// The connection, checked before a statement is sent. A server that closed our session while
    /// it sat idle (restart, `pg_terminate_backend`) shows as readable input; libpq notices the EOF
    /// when it consumes it. Nothing of ours is in flight then, so one immediate `PQreset` is safe,
    /// unless a transaction was open: its work is gone and must not silently continue.
    private func usableConnection() throws -> OpaquePointer {
        guard let connection else { throw PostgresError.connectionLost("the connection is closed") }
        // The server's farewell (an error message, then EOF) may arrive in more than one read, so
        // once anything arrived while idle (rare: notices, or a session ending), allow 20 ms more.
        var waitMilliseconds: Int32 = 0
        for _ in 0..<4 where PQstatus(connection) == CONNECTION_OK {
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, waitMilliseconds) > 0, PQconsumeInput(connection) == 1 else { break }
            waitMilliseconds = 20
        }
        if PQstatus(connection) == CONNECTION_OK { return connection }
        guard lastTransactionStatus == PQTRANS_IDLE else {
            throw PostgresError.connectionLost("the connection was lost inside a transaction")
        }
        PQreset(connection)
        prepared.removeAll()   // a new server session: nothing is prepared on it
        guard PQstatus(connection) == CONNECTION_OK else {
            throw PostgresError.connectionUnavailable(Self.errorMessage(connection))
        }
        lastTransactionStatus = PQTRANS_IDLE
        return connection
    }

    private static func rows(from result: OpaquePointer) -> PostgresRows {
        let fieldCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(fieldCount)
        for field in 0..<Int32(fieldCount) {
            let name = PQfname(result, field).map { String(cString: $0) } ?? ""
            columns.append(PostgresColumn(name: name, dataType: PostgresDataType(PQftype(result, field))))
        }
        var bytes: [UInt8] = []
        var cells: [(offset: Int, length: Int)] = []
        cells.reserveCapacity(rowCount * fieldCount)
        for row in 0..<Int32(rowCount) {
            for field in 0..<Int32(fieldCount) {
                if PQgetisnull(result, row, field) == 1 {
                    cells.append((0, -1))
                    continue
                }
                let length = Int(PQgetlength(result, row, field))
                cells.append((bytes.count, length))
                if length > 0, let value = PQgetvalue(result, row, field) {
                    bytes.append(contentsOf: UnsafeRawBufferPointer(start: value, count: length))
                }
            }
        }
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        let tag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        return PostgresRows(columns: columns, rowCount: rowCount, bytes: bytes, cells: cells, affectedRows: affected, commandTag: tag)
    }

    private static func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingWhitespace
        return PostgresError.server(sqlState: field("C"), message: message, detail: field("D"), hint: field("H"),
                                    table: field("t"), column: field("c"), constraint: field("n"))
    }

    static func errorMessage(_ connection: OpaquePointer) -> String {
        let text = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        let message = text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace }.joined(separator: " ")
        return message.isEmpty ? "the connection to the server was lost" : message
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

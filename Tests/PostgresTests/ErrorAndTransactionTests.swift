import Foundation
import Postgres
import TestSupport
import Testing

/// SQLSTATE mapping, transactions and session settings against a database of its own.
@Suite struct ErrorAndTransactionTests {
    /// A fresh database with one table, and a pool on it.
    func withSchema<T: Sendable>(_ body: (PostgresPool) async throws -> T) async throws -> T {
        let url = try await TestDatabase.makeFresh(named: "pg_tx")
        return try await withPool(size: 2, url: url) { pool in
            try await pool.execute("""
                CREATE TABLE children (
                    id uuid PRIMARY KEY,
                    upn text NOT NULL CONSTRAINT children_upn_key UNIQUE,
                    age int CONSTRAINT children_age_check CHECK (age >= 0)
                )
                """)
            try await pool.execute("CREATE TABLE cases (id int PRIMARY KEY, child_id uuid CONSTRAINT cases_child_fk REFERENCES children(id))")
            return try await body(pool)
        }
    }

    struct Refused: Error {}

    @Test func uniqueViolationIsTypedAndLogSafe() async throws {
        try await withSchema { pool in
            try await pool.execute("INSERT INTO children (id, upn) VALUES ($1, $2)", UUID(), "A123456789012")
            let error = await expectPostgresError {
                try await pool.execute("INSERT INTO children (id, upn) VALUES ($1, $2)", UUID(), "A123456789012")
            }
            #expect(error?.kind == .uniqueViolation(constraint: "children_upn_key"))
            #expect(error?.sqlState == "23505")
            #expect(error?.table == "children")
            #expect(error?.isTransient == false)
            #expect(error?.detail?.contains("A123456789012") == true, "the server's detail is kept...")
            #expect(error.map { String(describing: $0) }?.contains("A123456789012") == false, "...but never logged")
        }
    }

    @Test func integrityErrorsMapToTheirKinds() async throws {
        try await withSchema { pool in
            let fk = await expectPostgresError { try await pool.execute("INSERT INTO cases VALUES (1, $1)", UUID()) }
            #expect(fk?.kind == .foreignKeyViolation(constraint: "cases_child_fk"))
            let notNull = await expectPostgresError { try await pool.execute("INSERT INTO children (id, upn) VALUES ($1, $2)", UUID(), String?.none) }
            #expect(notNull?.kind == .notNullViolation(column: "upn"))
            let check = await expectPostgresError { try await pool.execute("INSERT INTO children VALUES ($1, 'x', $2)", UUID(), Int32(-1)) }
            #expect(check?.kind == .checkViolation(constraint: "children_age_check"))
            let syntax = await expectPostgresError { try await pool.execute("SELEC 1") }
            #expect(syntax?.kind == .server)
            #expect(syntax?.sqlState == "42601")
            let invalid = await expectPostgresError { _ = try await pool.query("SELECT $1::int", "not a number") }
            #expect(invalid?.sqlState == "22P02")
            #expect(invalid.map { String(describing: $0) }?.contains("not a number") == false, "data exceptions quote input")
        }
    }

    @Test(arguments: [("40001", PostgresError.Kind.serializationFailure), ("40P01", .deadlockDetected),
                      ("57P03", .connectionUnavailable), ("XX000", .server)])
    func raisedSQLStatesMapToKinds(_ state: String, _ kind: PostgresError.Kind) async throws {
        try await withPool(size: 1) { pool in
            let error = await expectPostgresError {
                try await pool.execute("DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '\(state)'; END $$", parameters: [])
            }
            #expect(error?.kind == kind)
            #expect(error?.sqlState == state)
            #expect(error?.message == "raised")
            #expect(error?.isTransient == (kind != .server))
        }
    }

    @Test func transactionCommits() async throws {
        try await withSchema { pool in
            let id = UUID()
            let inserted = try await pool.transaction { c in
                try await c.execute("INSERT INTO children (id, upn) VALUES ($1, 'T1')", id)
            }
            #expect(inserted == 1)
            #expect(try await pool.query("SELECT count(*) FROM children WHERE id = $1", id)[0].decode(Int.self, at: 0) == 1)
        }
    }

    /// The body's statements share one transaction from the first on (a `SET LOCAL` there holds for
    /// the next and ends with the commit; the unit of work sets its tenant so); a body that runs no
    /// statement still returns its value.
    @Test func theFirstStatementOfATransactionRunsInsideIt() async throws {
        try await withPool(size: 1) { pool in
            let inside = try await pool.transaction { c -> String in
                try await c.execute("SET LOCAL statement_timeout = '4321ms'")
                return try await c.query("SHOW statement_timeout")[0].decode(String.self, at: 0)
            }
            #expect(inside == "4321ms")
            #expect(try await pool.query("SHOW statement_timeout")[0].decode(String.self, at: 0) != "4321ms")
            let nothing = try await pool.transaction { _ in 7 }
            #expect(nothing == 7)
        }
    }

    @Test func transactionRollsBackOnAThrownError() async throws {
        try await withSchema { pool in
            await #expect(throws: Refused.self) {
                try await pool.transaction { c in
                    try await c.execute("INSERT INTO children (id, upn) VALUES ($1, 'R1')", UUID())
                    try await c.execute("INSERT INTO children (id, upn) VALUES ($1, 'R2')", UUID())
                    throw Refused()
                }
            }
            // A failing statement inside: also rolled back, and the error is the statement's.
            let error = await expectPostgresError {
                try await pool.transaction { c in
                    try await c.execute("INSERT INTO children (id, upn) VALUES ($1, 'R3')", UUID())
                    try await c.execute("INSERT INTO children (id, upn) VALUES ($1, 'R3')", UUID())
                }
            }
            #expect(error?.kind == .uniqueViolation(constraint: "children_upn_key"))
            #expect(try await pool.query("SELECT count(*) FROM children")[0].decode(Int.self, at: 0) == 0)
            // Both connections are clean afterwards: no transaction left open.
            try await pool.withConnection { c in
                let status = try await c.query("SELECT count(*) FROM children")[0]
                #expect(try status.decode(Int.self, at: 0) == 0)
            }
        }
    }

    @Test func aTransactionOpenedByAPooledStatementIsRolledBackBeforeTheNext() async throws {
        let url = try await TestDatabase.makeFresh(named: "pg_stmtopen")
        try await withPool(size: 1, url: url) { pool in
            try await pool.execute("CREATE TABLE t (n int)")
            try await pool.execute("BEGIN")   // pool statements never share a transaction
            try await pool.execute("INSERT INTO t VALUES (1)")
            #expect(try await pool.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 1, "the insert ran on its own")
            try await pool.execute("BEGIN")
            try await pool.execute("INSERT INTO t VALUES (2)")
            let first = try await pool.query("SELECT txid_current()")[0].decode(Int.self, at: 0)
            let second = try await pool.query("SELECT txid_current()")[0].decode(Int.self, at: 0)
            #expect(first != second)
            #expect(try await pool.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 2, "each insert committed by itself")
        }
    }

    @Test func aTransactionLeftOpenIsRolledBackBeforeReuse() async throws {
        let url = try await TestDatabase.makeFresh(named: "pg_leftopen")
        try await withPool(size: 1, url: url) { pool in
            try await pool.execute("CREATE TABLE t (n int)")
            try await pool.withConnection { c in
                try await c.execute("BEGIN")
                try await c.execute("INSERT INTO t VALUES (1)")
            }
            try await pool.withConnection { c in
                // Outside a transaction, the xid of two statements differs; inside, it would not.
                let first = try await c.query("SELECT txid_current()")[0].decode(Int.self, at: 0)
                let second = try await c.query("SELECT txid_current()")[0].decode(Int.self, at: 0)
                #expect(first != second)
                #expect(try await c.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) == 0)
            }
        }
    }

    @Test func sessionSettingsAreApplied() async throws {
        try await withPool(size: 1) { pool in
            let row = try await pool.query("""
                SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('client_encoding'),
                       current_setting('application_name'), current_user::text
                """)[0]
            #expect(try row.decode(String.self, at: 0) == "UTC")
            #expect(try row.decode(String.self, at: 1).hasPrefix("ISO"))
            #expect(try row.decode(String.self, at: 2) == "UTF8")
            #expect(try row.decode(String.self, at: 3) == "cme-tracker")
            #expect(try row.decode(String.self, at: 4) == "cme")
        }
    }

    @Test func executeCountsAffectedRowsAndQueryReportsColumns() async throws {
        try await withSchema { pool in
            for n in 1...3 { try await pool.execute("INSERT INTO children (id, upn, age) VALUES ($1, $2, $3)", UUID(), "U\(n)", Int32(n)) }
            #expect(try await pool.execute("UPDATE children SET age = age + 1 WHERE age >= $1", Int32(2)) == 2)
            let rows = try await pool.query("SELECT upn, age FROM children ORDER BY upn")
            #expect(rows.columns.map(\.name) == ["upn", "age"])
            #expect(rows.columns.map(\.dataType) == [.text, .int4])
            #expect(rows.commandTag == "SELECT 3")
            #expect(try rows.map { try $0.decode(String.self, column: "upn") } == ["U1", "U2", "U3"])
            #expect(try rows.map { try $0.decode(Int32.self, column: "age") } == [1, 3, 4])
            #expect(try await pool.execute("DELETE FROM children") == 3)
            #expect(try await pool.query("SELECT 1 WHERE false").isEmpty)
        }
    }

    @Test func configurationNeverShowsThePassword() throws {
        let config = PostgresConfiguration(url: "postgresql://cme:s3cret@db.example:5433/cme_tracker?sslmode=disable")
        #expect(config.redactedDescription == "postgresql://cme@db.example:5433/cme_tracker")
        let keyValue = PostgresConfiguration(url: "host=h port=1 user=u password=s3cret dbname=d")
        #expect(keyValue.redactedDescription == "postgresql://u@h:1/d")
        #expect(!PostgresConfiguration(url: "postgresql://u:s3cret@h:notaport/d%").redactedDescription.contains("s3cret"))
    }

    @Test func unparseableURLFailsWithoutEchoingIt() async throws {
        let error = await expectPostgresError {
            _ = try await PostgresConnection.connect(PostgresConfiguration(url: "postgresql://u:s3cret@[bad"))
        }
        #expect(error?.kind == .connectionUnavailable)
        #expect(error?.message.contains("s3cret") == false)
    }
}

/// Start-up's check of DATABASE_URL: libpq's reason, never a secret of the URL.
@Suite struct ConnectionStringProblemTests {
    @Test func aParseableURLHasNoProblem() {
        #expect(PostgresConfiguration.problem(withURL: "postgresql://u:pw@127.0.0.1:5432/db?sslmode=disable") == nil)
        #expect(PostgresConfiguration.problem(withURL: "host=127.0.0.1 dbname=db password=x") == nil)
    }

    @Test(arguments: [
        "postgresql://cme:S3cretPw@[::1/db",
        "postgresql://cme:S3cretPw@host/db?nosuch=1&password=S3cretPw",
        "postgresql://cme:S3cret%zzPw@host/db",
        "host=h password=S3cretPw dbname",
        "postgresql://host/db?password=S3cretPw&bogus=%zz",
    ])
    func theProblemNeverContainsThePassword(_ url: String) throws {
        let problem = try #require(PostgresConfiguration.problem(withURL: url))
        #expect(!problem.contains("S3cret"), "\(problem)")
        #expect(!problem.contains("\n"))
        #expect(!problem.isEmpty)
    }

    @Test func aHarmlessQuotedPartIsKept() throws {
        let problem = try #require(PostgresConfiguration.problem(withURL: "postgresql://cme:pw@host/db?nosuchoption=1"))
        #expect(problem.contains("\"nosuchoption\""), "\(problem)")
    }
}

/// Interpolated values become bound parameters, numbered in order, fragments renumbered.
@Suite struct PostgresQueryTests {
    @Test func valuesBecomeNumberedParameters() {
        let la = "372", urn: Int32 = 100_001
        let missing: String? = nil
        let q: PostgresQuery = "SELECT * FROM schools WHERE la_code = \(la) AND urn = \(urn) AND name = \(missing)"
        #expect(q.sql == "SELECT * FROM schools WHERE la_code = $1 AND urn = $2 AND name = $3")
        #expect(q.parameters.count == 3)
        #expect(q.parameters[2].isPostgresNull)
    }

    @Test func aFragmentIsRenumberedAfterWhatCameBefore() {
        let status = "open"
        let filter: PostgresQuery = "AND status = \(status) AND kind = \("x")"
        let q: PostgresQuery = "SELECT 1 WHERE la = \("372") \(sql: filter) LIMIT \(Int64(5))"
        #expect(q.sql == "SELECT 1 WHERE la = $1 AND status = $2 AND kind = $3 LIMIT $4")
        #expect(q.parameters.count == 4)
    }

    @Test func anInjectionAttemptIsOnlyAValue() async throws {
        let url = try await TestDatabase.url
        let pool = PostgresPool(PostgresConfiguration(url: url, poolSize: 1))
        let evil = "x'; DROP TABLE pg_class; --"
        let rows = try await pool.query("SELECT \(evil)::text AS v")
        #expect(try rows[0].decode(String.self, at: 0) == evil)
        await pool.shutdown()
    }
}

import Foundation
import Postgres
import TestSupport
import Testing

/// Statements prepared once per session and reused; statements sent ahead of the next one in its
/// round trip (a transaction's `BEGIN` with its first statement, queued statements with `COMMIT`).
@Suite struct PreparedAndPipelinedTests {
    func withTable<T: Sendable>(_ body: (PostgresPool) async throws -> T) async throws -> T {
        let url = try await TestDatabase.makeFresh(named: "pg_prep")
        return try await withPool(size: 1, url: url) { pool in
            try await pool.execute("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL CHECK (body <> ''))")
            return try await body(pool)
        }
    }

    /// The session's prepared statements whose text is `sql`.
    func preparedCount(_ c: PostgresConnection, _ sql: String) async throws -> Int {
        try await c.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", sql)[0].decode(Int.self, at: 0)
    }

    @Test func aStatementIsPreparedOnceAndRunsWithEachRunsValues() async throws {
        try await withTable { pool in
            try await pool.withConnection { c in
                let sql = "SELECT $1::int * 2"
                for n in [1, 2, 3, 40] {
                    let doubled = try await c.query(sql, parameters: [Int32(n)])[0].decode(Int.self, at: 0)
                    #expect(doubled == n * 2)
                }
                let prepared = try await preparedCount(c, sql)
                #expect(prepared == 1)
                // The same text with other parameter types is another statement.
                let fromText = try await c.query(sql, parameters: ["21"])[0].decode(Int.self, at: 0)
                #expect(fromText == 42)
                let preparedTwice = try await preparedCount(c, sql)
                #expect(preparedTwice == 2)
            }
        }
    }

    @Test func aStatementPlannedEachRunIsNeverPrepared() async throws {
        try await withTable { pool in
            try await pool.withConnection { c in
                let query: PostgresQuery = "SELECT count(*) FROM notes WHERE id = ANY(\([Int32(1), 2]))"
                for _ in 0..<3 { _ = try await c.query(query.plannedEachRun()) }
                let unprepared = try await preparedCount(c, query.sql)
                #expect(unprepared == 0)
                // A fragment planned each run marks the statement it goes into.
                let outer: PostgresQuery = "SELECT (\(sql: query.plannedEachRun())) + \(Int64(1))"
                #expect(outer.plansEachRun)
                let one = try await c.query(outer)[0].decode(Int.self, at: 0)
                #expect(one == 1)
                let outerPrepared = try await preparedCount(c, outer.sql)
                #expect(outerPrepared == 0)
                _ = try await c.query(query)
                let nowPrepared = try await preparedCount(c, query.sql)
                #expect(nowPrepared == 1)
            }
        }
    }

    /// A statement that cannot be prepared reports its own error, inside a transaction as outside,
    /// and leaves nothing prepared; the session goes on.
    @Test func aStatementThatCannotBePreparedReportsItsOwnError() async throws {
        try await withTable { pool in
            let outside = await expectPostgresError { _ = try await pool.query("SELEC 1") }
            #expect(outside?.sqlState == "42601")
            let inside = await expectPostgresError {
                try await pool.transaction { c in
                    try await c.execute("INSERT INTO notes VALUES (1, 'kept?')")
                    _ = try await c.query("SELECT nonexistent FROM notes")
                }
            }
            #expect(inside?.sqlState == "42703")
            try await pool.withConnection { c in
                let rows = try await c.query("SELECT count(*) FROM notes")[0].decode(Int.self, at: 0)
                #expect(rows == 0)
                let badPrepared = try await preparedCount(c, "SELEC 1")
                #expect(badPrepared == 0)
            }
        }
    }

    /// A table whose columns change under a prepared `SELECT *`: that run fails (PostgreSQL refuses
    /// a cached plan whose result changed), the statement is forgotten, and the next run prepares it
    /// afresh and sees the new column.
    @Test func aStatementWhoseResultChangedIsPreparedAgain() async throws {
        try await withTable { pool in
            try await pool.execute("INSERT INTO notes VALUES (1, 'a')")
            try await pool.withConnection { c in
                let before = try await c.query("SELECT * FROM notes").columns.count
                #expect(before == 2)
                try await c.execute("ALTER TABLE notes ADD COLUMN extra int")
                let changed = await expectPostgresError { _ = try await c.query("SELECT * FROM notes") }
                #expect(changed?.sqlState == "0A000")
                let after = try await c.query("SELECT * FROM notes").columns.count
                #expect(after == 3)
            }
        }
    }

    /// Past the bound the session deallocates its statements and starts again: never more than
    /// the bound on the server, every answer right.
    @Test func theSessionsPreparedStatementsAreBounded() async throws {
        try await withTable { pool in
            try await pool.withConnection { c in
                for n in 0..<300 {
                    let sql = "SELECT $1::int + \(n)"
                    let sum = try await c.query(sql, parameters: [Int32(1)])[0].decode(Int.self, at: 0)
                    #expect(sum == n + 1)
                }
                let held = try await c.query("SELECT count(*) FROM pg_prepared_statements")[0].decode(Int.self, at: 0)
                #expect(held > 0 && held <= 256)
            }
        }
    }

    /// A round trip whose new statement finds the cache full: the cache is deallocated, and the
    /// statements of the round trip prepared before it are prepared again, not sent by a lost name.
    @Test func aRoundTripThatFillsTheCacheStillRunsWhole() async throws {
        try await withTable { pool in
            try await pool.withConnection { c in
                // BEGIN is prepared by a first transaction; then the cache is filled to its bound.
                try await c.transaction { c in _ = try await c.query("SELECT 1") }
                let held = try await c.query("SELECT count(*) FROM pg_prepared_statements")[0].decode(Int.self, at: 0)
                for n in 0..<(256 - held) { _ = try await c.query("SELECT $1::int + \(n)", parameters: [Int32(1)]) }
                let count = try await c.transaction { c -> Int in
                    c.sendWithNext("INSERT INTO notes VALUES (\(Int32(7)), \("at the bound"))")
                    return try await c.query("SELECT count(*) FROM notes WHERE body = \("at the bound")")[0].decode(Int.self, at: 0)
                }
                #expect(count == 1)
                let left = try await c.query("SELECT count(*) FROM pg_prepared_statements")[0].decode(Int.self, at: 0)
                #expect(left < 10, "the full cache was deallocated: \(left) left")
            }
        }
    }

    /// Statements sent with the next: they run first, in order, in its round trip; one that fails
    /// stops the rest, its error is the next statement's, and the transaction leaves nothing.
    @Test func statementsSentWithTheNextRunFirstAndTheirErrorsAreItsOwn() async throws {
        try await withTable { pool in
            let sum = try await pool.transaction { c -> Int in
                c.sendWithNext("INSERT INTO notes VALUES (\(Int32(1)), \("one"))")
                c.sendWithNext("INSERT INTO notes VALUES (\(Int32(2)), \("two"))")
                return try await c.query("SELECT sum(id) FROM notes")[0].decode(Int.self, at: 0)
            }
            #expect(sum == 3)
            let error = await expectPostgresError {
                try await pool.transaction { c in
                    c.sendWithNext("INSERT INTO notes VALUES (\(Int32(3)), \("three"))")
                    c.sendWithNext("INSERT INTO notes VALUES (\(Int32(4)), \(""))")   // the CHECK refuses it
                    try await c.execute("INSERT INTO notes VALUES (\(Int32(5)), \("five"))")
                }
            }
            #expect(error?.kind == .checkViolation(constraint: "notes_body_check"))
            let ids = try await pool.query("SELECT array_agg(id ORDER BY id)::text FROM notes")[0].decode(String.self, at: 0)
            #expect(ids == "{1,2}")
        }
    }

    /// Statements queued last go with `COMMIT`; a failure among them rolls the whole transaction
    /// back; a body that throws before any statement was sent leaves nothing to roll back, and the
    /// connection serves the next caller.
    @Test func statementsQueuedLastGoWithTheCommit() async throws {
        try await withTable { pool in
            try await pool.transaction { c in
                try await c.execute("INSERT INTO notes VALUES (1, 'first')")
                c.sendWithNext("INSERT INTO notes VALUES (\(Int32(2)), \("with the commit"))")
            }
            let count = try await pool.query("SELECT count(*) FROM notes")[0].decode(Int.self, at: 0)
            #expect(count == 2)
            let error = await expectPostgresError {
                try await pool.transaction { c in
                    try await c.execute("INSERT INTO notes VALUES (3, 'undone')")
                    c.sendWithNext("INSERT INTO notes VALUES (\(Int32(1)), \("a duplicate"))")
                }
            }
            #expect(error?.kind == .uniqueViolation(constraint: "notes_pkey"))
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await pool.transaction { c in
                    c.sendWithNext("INSERT INTO notes VALUES (\(Int32(4)), \("never sent"))")
                    throw Refused()
                }
            }
            // A body that queues only: its statements commit with it.
            try await pool.transaction { c in c.sendWithNext("INSERT INTO notes VALUES (\(Int32(5)), \("queued only"))") }
            try await pool.withConnection { c in
                let ids = try await c.query("SELECT array_agg(id ORDER BY id)::text FROM notes")[0].decode(String.self, at: 0)
                #expect(ids == "{1,2,5}")
                // Outside any transaction, each statement is a transaction of its own.
                let first = try await c.query("SELECT txid_current()")[0].decode(Int64.self, at: 0)
                let second = try await c.query("SELECT txid_current()")[0].decode(Int64.self, at: 0)
                #expect(first != second, "no transaction left open")
            }
        }
    }
}

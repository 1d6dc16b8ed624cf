import Foundation
import Postgres
import Testing
import TestSupport
@testable import CMEStore

@Suite struct MigrationTests {
    /// A folder of migration files for one test.
    func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cme-mig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    func freshDatabase(_ name: String) async throws -> Database {
        Database(url: try await TestDatabase.makeFresh(named: name), poolSize: 2, acquireTimeout: .seconds(5))
    }

    @Test func loadsInVersionOrderAndRejectsBadNames() throws {
        let ok = try folder(["0002_b.sql": "SELECT 2;", "0001_a.sql": "SELECT 1;", "README.txt": "ignored"])
        let loaded = try Migration.load(from: ok)
        #expect(loaded.map(\.version) == [1, 2])
        #expect(loaded.map(\.name) == ["a", "b"])

        let bad = try folder(["01-no-underscore.sql": "SELECT 1;"])
        #expect(throws: MigrationError.badFileName("01-no-underscore.sql")) { try Migration.load(from: bad) }
        let dup = try folder(["0001_a.sql": "SELECT 1;", "001_b.sql": "SELECT 1;"])
        #expect(throws: MigrationError.duplicateVersion(1)) { try Migration.load(from: dup) }
        #expect(throws: MigrationError.directoryUnreadable("/nonexistent/cme")) { try Migration.load(from: "/nonexistent/cme") }
    }

    @Test func theRepositoryMigrationsLoad() throws {
        let loaded = try Migration.load(from: TestDatabase.repositoryRoot.path + "/migrations")
        #expect(!loaded.isEmpty)
        #expect(loaded.map(\.version) == loaded.map(\.version).sorted())
    }

    @Test func appliesOnceAndRecordsChecksums() async throws {
        let db = try await freshDatabase("mig_once")
        let migrations = [Migration(version: 1, name: "t", sql: "CREATE TABLE t1 (id int); CREATE TABLE t2 (id int);"),
                          Migration(version: 2, name: "u", sql: "INSERT INTO t1 VALUES (1);")]
        let migrator = Migrator(database: db, migrations: migrations)
        #expect(try await migrator.pendingVersions() == [1, 2])
        #expect(try await migrator.migrate() == [1, 2])
        #expect(try await migrator.migrate() == [], "a second run applies nothing")
        #expect(try await migrator.pendingVersions() == [])
        let rows = try await db.pool.query("SELECT count(*) FROM t1")
        #expect(try rows[0].decode(Int.self, at: 0) == 1, "migration 2 ran exactly once")
        let recorded = try await db.pool.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        #expect(recorded.count == 2)
        #expect(try recorded[0].decode(String.self, at: 1).count == 64, "SHA-256 hex")
        await db.shutdown()
    }

    @Test func aChangedAppliedFileStopsWithOneSentence() async throws {
        let db = try await freshDatabase("mig_changed")
        try await Migrator(database: db, migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (id int);")]).migrate()
        let changed = Migrator(database: db, migrations: [Migration(version: 1, name: "t", sql: "CREATE TABLE t (id bigint);")])
        await #expect(throws: MigrationError.checksumMismatch(version: 1, name: "t")) { try await changed.migrate() }
        #expect(MigrationError.checksumMismatch(version: 1, name: "t").description.hasSuffix("instead."))
        await db.shutdown()
    }

    @Test func anAppliedVersionWithoutItsFileStops() async throws {
        let db = try await freshDatabase("mig_missing")
        try await Migrator(database: db, migrations: [Migration(version: 1, name: "a", sql: "SELECT 1;"),
                                                      Migration(version: 2, name: "b", sql: "SELECT 2;")]).migrate()
        let older = Migrator(database: db, migrations: [Migration(version: 1, name: "a", sql: "SELECT 1;")])
        await #expect(throws: MigrationError.appliedButMissing(version: 2)) { try await older.migrate() }
        await db.shutdown()
    }

    @Test func aFailingMigrationIsRolledBackWhole() async throws {
        let db = try await freshDatabase("mig_fail")
        let migrations = [Migration(version: 1, name: "ok", sql: "CREATE TABLE kept (id int);"),
                          Migration(version: 2, name: "broken", sql: "CREATE TABLE half (id int); SELECT no_such_function();")]
        let migrator = Migrator(database: db, migrations: migrations)
        await #expect { try await migrator.migrate() } throws: { error in
            guard case MigrationError.failed(let v, let name, _) = error else { return false }
            return v == 2 && name == "broken"
        }
        #expect(try await migrator.pendingVersions() == [2])
        let half = try await db.pool.query("SELECT to_regclass('half') IS NULL, to_regclass('kept') IS NOT NULL")
        #expect(try half[0].decode(Bool.self, at: 0), "the failed file left nothing behind")
        #expect(try half[0].decode(Bool.self, at: 1), "the earlier file stays applied")
        await db.shutdown()
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        let url = try await TestDatabase.makeFresh(named: "mig_race")
        let migrations = [Migration(version: 1, name: "t", sql: "CREATE TABLE counter (n int); INSERT INTO counter VALUES (0);"),
                          Migration(version: 2, name: "bump", sql: "UPDATE counter SET n = n + 1;")]
        let dbs = (0..<4).map { _ in Database(url: url, poolSize: 1) }
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for db in dbs { group.addTask { try await Migrator(database: db, migrations: migrations).migrate() } }
            var all: [Int] = []
            for try await a in group { all += a }
            return all
        }
        #expect(applied.sorted() == [1, 2], "each version applied by exactly one instance")
        let n = try await dbs[0].pool.query("SELECT n FROM counter")
        #expect(try n[0].decode(Int.self, at: 0) == 1)
        for db in dbs { await db.shutdown() }
    }
}

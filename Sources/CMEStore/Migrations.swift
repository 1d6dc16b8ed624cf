import Foundation
import Postgres

/// One file of `migrations/`: `NNNN_description.sql`, applied once, in version order.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why migrating could not go on; `description` is one sentence for the operator.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case directoryUnreadable(String)
    case badFileName(String)
    case duplicateVersion(Int)
    case checksumMismatch(version: Int, name: String)
    case appliedButMissing(version: Int)
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .directoryUnreadable(let path):
            "The migrations folder \(path) cannot be read."
        case .badFileName(let file):
            "Migration file \(file) is not named NNNN_description.sql."
        case .duplicateVersion(let v):
            "Two migration files share version \(v)."
        case .checksumMismatch(let v, let name):
            "Migration \(v) (\(name)) was changed after it was applied; restore the applied file and add a new migration instead."
        case .appliedButMissing(let v):
            "Migration \(v) is recorded as applied but its file is missing; this build is older than the database."
        case .failed(let v, let name, let reason):
            "Migration \(v) (\(name)) failed and was rolled back: \(reason)"
        }
    }
}

extension Migration {
    /// Reads `NNNN_description.sql` files from `directory`, sorted by version.
    public static func load(from directory: String) throws(MigrationError) -> [Migration] {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .directoryUnreadable(directory)
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                  let version = Int(stem[..<underscore]), version > 0,
                  stem[..<underscore].allSatisfy(\.isASCII),
                  !stem[stem.index(after: underscore)...].isEmpty else {
                throw .badFileName(file)
            }
            guard let data = FileManager.default.contents(atPath: directory + "/" + file),
                  let sql = String(data: data, encoding: .utf8) else {
                throw .directoryUnreadable(directory + "/" + file)
            }
            if migrations.contains(where: { $0.version == version }) { throw .duplicateVersion(version) }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

/// Applies migrations (docs/architecture.md, "Database access rules"): each file in its own transaction, recorded in
/// `schema_migrations(version, checksum, applied_at)` with the SHA-256 of its text, under an
/// advisory lock so that instances starting together never apply a file twice.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: the advisory lock key every instance takes while migrating.
    static let lockKey: Int64 = 0x636D_655F_6D69_6772   // "cme_migr"

    let database: Database
    public let migrations: [Migration]

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Versions applied by this call, in order. Throws at the first problem; earlier files stay applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await database.pool.withConnection { conn in
            // The lock comes first: even creating the bookkeeping table races between instances.
            _ = try await conn.query("SELECT pg_advisory_lock($1)", Migrator.lockKey)
            try await conn.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            do {
                let applied = try await Migrator.verify(conn, migrations)
                var done: [Int] = []
                for migration in migrations where applied[migration.version] == nil {
                    do {
                        try await conn.executeScript("BEGIN")
                        try await conn.executeScript(migration.sql)
                        _ = try await conn.query(
                            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))",
                            migration.version, migration.name, migration.sql)
                        try await conn.executeScript("COMMIT")
                        done.append(migration.version)
                    } catch {
                        try? await conn.executeScript("ROLLBACK")
                        throw MigrationError.failed(version: migration.version, name: migration.name, reason: Migrator.reason(error))
                    }
                }
                _ = try await conn.query("SELECT pg_advisory_unlock($1)", Migrator.lockKey)
                return done
            } catch {
                _ = try? await conn.query("SELECT pg_advisory_unlock($1)", Migrator.lockKey)
                throw error
            }
        }
    }

    /// Versions whose files are not applied yet (empty when the schema is current).
    public func pendingVersions() async throws -> [Int] {
        let exists = try await database.pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard try exists[0].decode(Bool.self, at: 0) else { return migrations.map(\.version) }
        let rows = try await database.pool.query("SELECT version FROM schema_migrations")
        let applied = Set(try rows.map { try $0.decode(Int.self, at: 0) })
        return migrations.map(\.version).filter { !applied.contains($0) }
    }

    /// Checks every applied file is unchanged and still present; returns applied version → checksum.
    static func verify(_ conn: PostgresConnection, _ migrations: [Migration]) async throws -> [Int: String] {
        var applied: [Int: String] = [:]
        for row in try await conn.query("SELECT version, checksum FROM schema_migrations ORDER BY version") {
            applied[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        for version in applied.keys.sorted() where !migrations.contains(where: { $0.version == version }) {
            throw MigrationError.appliedButMissing(version: version)
        }
        for migration in migrations {
            guard let recorded = applied[migration.version] else { continue }
            let rows = try await conn.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", migration.sql)
            if try rows[0].decode(String.self, at: 0) != recorded {
                throw MigrationError.checksumMismatch(version: migration.version, name: migration.name)
            }
        }
        return applied
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? PostgresError { return e.message }
        return String(describing: error)
    }
}

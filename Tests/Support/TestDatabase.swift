import Glibc
import Foundation
import Postgres
import Synchronization

/// The database the test suites use: `DATABASE_URL` when set, otherwise this checkout's private
/// cluster (`scripts/db start`, which starts it if needed). Tests start nothing else themselves.
public enum TestDatabase {
    /// The application role's URL (role `cme`, not a superuser, has CREATEDB). Resolved once; the
    /// script runs on a dispatch worker thread, so waiting for it never blocks the cooperative pool.
    public static var url: String {
        get async throws {
            if let known = cache.withLock({ $0 }) { return try known.get() }
            let result: Result<String, TestDatabaseError> = await withCheckedContinuation { continuation in
                // A dispatch worker, not the cooperative pool: resolving may run a script and poll.
                DispatchQueue.global().async { continuation.resume(returning: resolved) }
            }
            cache.withLock { $0 = result }
            return try result.get()
        }
    }

    private static let cache = Mutex<Result<String, TestDatabaseError>?>(nil)

    /// The repository root, found from this file's path (`<root>/Tests/Support/TestDatabase.swift`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Creates a new, empty database with a unique name starting with `prefix` (letters, digits
    /// and `_` are kept, the rest become `_`) and returns its URL. For suites that need isolation.
    public static func makeFresh(named prefix: String) async throws -> String {
        try await makeFresh(named: prefix, on: try await url)
    }

    /// As `makeFresh(named:)`, on the cluster at `base` (a test's own cluster).
    public static func makeFresh(named prefix: String, on base: String) async throws -> String {
        let cleaned = String(prefix.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }.prefix(40))
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let name = "\(cleaned.isEmpty ? "test" : cleaned)_\(suffix)"
        let connection = try await PostgresConnection.connect(PostgresConfiguration(url: base))
        // Identifiers cannot be bound as parameters; `name` is [a-z0-9_] only, and quoted.
        try await connection.execute("CREATE DATABASE \"\(name)\"", parameters: [])   // DDL takes no parameters; the name is ours
        await connection.close()
        return try url(base, database: name)
    }

    /// A one-connection pool of a superuser's session on the database of `url` (a fresh test
    /// database): for placing a population in time, or reading counts past row security.
    public static func superuserPool(on url: String) throws -> PostgresPool {
        PostgresPool(PostgresConfiguration(url: try adminURL(database: databaseName(of: url)), poolSize: 1))
    }

    /// A superuser's URL for `database`: `CME_TEST_ADMIN_URL` when set, else the private cluster's
    /// bootstrap role (`scripts/db admin-url`). For the tests that prove row security binds even a
    /// superuser's session.
    public static func adminURL(database: String) throws -> String {
        if let fromEnvironment = ProcessInfo.processInfo.environment["CME_TEST_ADMIN_URL"], !fromEnvironment.isEmpty {
            return try url(fromEnvironment, database: database)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", repositoryRoot.appendingPathComponent("scripts/db").path, "admin-url"]
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !text.isEmpty else {
            throw TestDatabaseError("no superuser URL: set CME_TEST_ADMIN_URL when DATABASE_URL is not the private cluster")
        }
        return try url(text, database: database)
    }

    /// The database name of a URL made by `makeFresh`.
    public static func databaseName(of url: String) -> String {
        URLComponents(string: url).map { String($0.path.dropFirst()) } ?? ""
    }

    /// `base` with its database replaced by `database`.
    public static func url(_ base: String, database: String) throws -> String {
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://") {
            guard var components = URLComponents(string: base) else { throw TestDatabaseError("unparseable DATABASE_URL") }
            components.path = "/" + database
            guard let result = components.string else { throw TestDatabaseError("cannot rebuild DATABASE_URL") }
            return result
        }
        return base + " dbname=\(database)" // key=value strings: the last occurrence of a keyword wins
    }

    /// Computed once, by whichever dedicated thread gets there first.
    private static let resolved: Result<String, TestDatabaseError> = {
        if let fromEnvironment = ProcessInfo.processInfo.environment["DATABASE_URL"], !fromEnvironment.isEmpty {
            return .success(fromEnvironment)
        }
        do {
            return .success(try startPrivateCluster())
        } catch let error as TestDatabaseError {
            return .failure(error)
        } catch {
            return .failure(TestDatabaseError("scripts/db start could not run: \(error)"))
        }
    }()

    /// Runs `scripts/db start` with its output going to temporary files (not pipes: the server it
    /// starts must not inherit a pipe we wait on) and polls for its exit instead of
    /// `waitUntilExit`, which spins a run loop on the calling (cooperative) thread.
    private static func startPrivateCluster() throws -> String {
        try runDBScript("start")
    }

    /// A PostgreSQL cluster of its own for a test that restarts or stops it (`scripts/db` with
    /// `CME_DB_DIR`), so that other tests' sessions are never cut. `start()` returns its URL.
    public struct OwnCluster: Sendable {
        public let folder: String

        public init(name: String) {
            folder = repositoryRoot.appendingPathComponent(".data/cluster-\(name)").path
        }

        public func start() throws -> String { try TestDatabase.blockingDBScript("start", folder: folder) }
        public func restart() throws { _ = try TestDatabase.blockingDBScript("restart", folder: folder) }
        public func stop() throws { _ = try TestDatabase.blockingDBScript("stop", folder: folder) }
    }

    /// Runs `scripts/db COMMAND` for the cluster in `folder`, blocking the calling thread (run it with
    /// `onThread`): spawned and reaped with posix_spawn and waitpid, no Dispatch source involved, so
    /// busy test tasks cannot delay it. Returns the last line it printed.
    static func blockingDBScript(_ command: String, folder: String) throws -> String {
        let script = repositoryRoot.appendingPathComponent("scripts/db").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cme-db-\(UUID().uuidString).out").path
        defer { unlink(output) }
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let args = ["bash", script, command]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var environment = ProcessInfo.processInfo.environment
        environment["CME_DB_DIR"] = folder
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for e in envp { free(e) } }
        let spawned = posix_spawnp(&pid, "bash", &actions, nil, &argv, &envp)
        guard spawned == 0 else { throw TestDatabaseError("scripts/db \(command) could not start: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw TestDatabaseError("scripts/db \(command) failed (wait status \(status))") }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }

    private static func runDBScript(_ command: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let outURL = directory.appendingPathComponent("cme-db-start-\(token).out")
        let errURL = directory.appendingPathComponent("cme-db-start-\(token).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", repositoryRoot.appendingPathComponent("scripts/db").path, command]
        process.currentDirectoryURL = repositoryRoot
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning {
            guard Date() < deadline else {
                process.terminate()
                throw TestDatabaseError("scripts/db \(command) did not finish within 120 s")
            }
            usleep(20_000)
        }
        let text = (try? String(contentsOf: outURL, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard process.terminationStatus == 0, let line = text.split(separator: "\n").last, !line.isEmpty else {
            let errors = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw TestDatabaseError("scripts/db \(command) failed (\(process.terminationStatus)): "
                + errors.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(line)
    }
}

public struct TestDatabaseError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

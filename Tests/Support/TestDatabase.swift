import Foundation
import Postgres

/// The database the test suites use: `DATABASE_URL` when set, otherwise this checkout's private
/// cluster (`scripts/db start`, which starts it if needed). Tests start nothing else themselves.
public enum TestDatabase {
    /// The application role's URL (role `cme`, not a superuser, has CREATEDB). Resolved once.
    public static var url: String {
        get throws { try resolved.get() }
    }

    /// The repository root, found from this file's path (`<root>/Tests/Support/TestDatabase.swift`).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Creates a new, empty database with a unique name starting with `prefix` (letters, digits
    /// and `_` are kept, the rest become `_`) and returns its URL. For suites that need isolation.
    public static func makeFresh(named prefix: String) async throws -> String {
        let base = try url
        let cleaned = String(prefix.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }.prefix(40))
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let name = "\(cleaned.isEmpty ? "test" : cleaned)_\(suffix)"
        let connection = try await PostgresConnection.connect(PostgresConfiguration(url: base))
        // Identifiers cannot be bound as parameters; `name` is [a-z0-9_] only, and quoted.
        try await connection.execute("CREATE DATABASE \"\(name)\"")
        await connection.close()
        return try url(base, database: name)
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

    private static func startPrivateCluster() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", repositoryRoot.appendingPathComponent("scripts/db").path, "start"]
        process.currentDirectoryURL = repositoryRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, let line = text.split(separator: "\n").last, !line.isEmpty else {
            throw TestDatabaseError("scripts/db start failed (\(process.terminationStatus)): "
                + String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(line)
    }
}

public struct TestDatabaseError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

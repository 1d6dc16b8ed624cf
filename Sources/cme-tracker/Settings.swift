import Foundation
import HTTP
import Postgres
import Runtime

/// A setting that is missing or wrong: one sentence, then exit 2.
struct SettingsError: Error, CustomStringConvertible {
    let description: String
}

/// The environment the service reads (README.md, "Configuration"), validated up front.
struct Settings {
    var databaseURL: String
    var host: String
    var port: Int
    var eventLoops: Int
    var poolSize: Int
    var logLevel: LogLevel
    var migrateOnStart: Bool
    var home: String
    /// Requests per second each client may make on average (0: no limit), and how many at once.
    var rateLimitPerSecond: Int
    var rateLimitBurst: Int
    /// Seconds between background sweeps (untraceable children); 0 turns them off.
    var sweepIntervalSeconds: Int

    var sweepInterval: Duration? { sweepIntervalSeconds == 0 ? nil : .seconds(sweepIntervalSeconds) }

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(SettingsError) -> Settings {
        guard let url = env["DATABASE_URL"], !url.isEmpty else {
            throw SettingsError(description: "DATABASE_URL is not set: give it a PostgreSQL URL such as postgresql://user:password@127.0.0.1:5432/cme_tracker, or start the service with scripts/run, which runs a private cluster.")
        }
        guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") || url.contains("=") else {
            throw SettingsError(description: "DATABASE_URL must be a libpq URL (postgresql://…) or key=value connection string.")
        }
        if let problem = PostgresConfiguration.problem(withURL: url) {
            // Checked now, not after half a minute of failed connection attempts. The problem names
            // the offending part as libpq does, with any password or user info in it replaced.
            throw SettingsError(description: "DATABASE_URL is not a connection string libpq accepts (\(problem)).")
        }
        let cores = ServerConfiguration.coreCount
        return Settings(
            databaseURL: url,
            host: env["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            port: try integer(env, "PORT", default: 8080, range: 1...65535),
            eventLoops: try integer(env, "CME_EVENT_LOOPS", default: cores, range: 1...256),
            poolSize: try integer(env, "CME_DB_POOL_SIZE", default: 4 * cores, range: 1...500),
            logLevel: try level(env["LOG_LEVEL"]),
            migrateOnStart: try flag(env, "CME_MIGRATE", default: true),
            home: try locateHome(env),
            rateLimitPerSecond: try integer(env, "CME_RATE_LIMIT", default: 2_000, range: 0...1_000_000),
            rateLimitBurst: try integer(env, "CME_RATE_BURST", default: 4_000, range: 1...10_000_000),
            sweepIntervalSeconds: try integer(env, "CME_SWEEP_INTERVAL", default: 300, range: 0...86_400))
    }

    private static func integer(_ env: [String: String], _ name: String, default value: Int, range: ClosedRange<Int>) throws(SettingsError) -> Int {
        guard let text = env[name], !text.isEmpty else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw SettingsError(description: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\".")
        }
        return n
    }

    private static func flag(_ env: [String: String], _ name: String, default value: Bool) throws(SettingsError) -> Bool {
        guard let text = env[name], !text.isEmpty else { return value }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw SettingsError(description: "\(name) must be 1 or 0, not \"\(text)\".")
        }
    }

    private static func level(_ text: String?) throws(SettingsError) -> LogLevel {
        guard let text, !text.isEmpty else { return .info }
        guard let level = LogLevel(name: text) else {
            throw SettingsError(description: "LOG_LEVEL must be one of debug, info, warning, error, not \"\(text)\".")
        }
        return level
    }

    /// The folder holding `migrations/` and `openapi.yaml`: `CME_HOME`, else the working directory,
    /// else the checkout the executable was built in (`.build/<config>/cme-tracker`).
    static func locateHome(_ env: [String: String]) throws(SettingsError) -> String {
        func isHome(_ dir: String) -> Bool {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir + "/migrations", isDirectory: &isDir) && isDir.boolValue
                && FileManager.default.fileExists(atPath: dir + "/openapi.yaml")
        }
        if let home = env["CME_HOME"], !home.isEmpty {
            guard isHome(home) else {
                throw SettingsError(description: "CME_HOME (\(home)) must contain migrations/ and openapi.yaml.")
            }
            return home
        }
        let cwd = FileManager.default.currentDirectoryPath
        if isHome(cwd) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if isHome(dir.path) { return dir.path }
            dir.deleteLastPathComponent()
        }
        throw SettingsError(description: "Cannot find migrations/ and openapi.yaml: run from the repository folder or set CME_HOME to it.")
    }
}

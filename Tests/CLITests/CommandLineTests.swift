import Foundation
import Testing
import TestSupport

/// The executable as a user meets it: run with no arguments, and with a malformed DATABASE_URL.
@Suite struct CommandLineTests {
    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    /// The `cme-tracker` built beside this test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: selfPath).deletingLastPathComponent().appendingPathComponent("cme-tracker")
    }

    /// Runs the executable on a thread of its own (waiting for a process must not hold the cooperative pool).
    static func run(_ arguments: [String], environment: [String: String]) async throws -> Run {
        let path = executable.path
        #expect(FileManager.default.isExecutableFile(atPath: path), "cme-tracker is built at \(path)")
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Run, any Error>) in
            Thread.detachNewThread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: path)
                    process.arguments = arguments
                    process.environment = environment
                    let out = Pipe(), err = Pipe()
                    process.standardOutput = out
                    process.standardError = err
                    let start = Date()
                    try process.run()
                    let outData = out.fileHandleForReading.readDataToEndOfFile()
                    let errData = err.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: Run(status: process.terminationStatus,
                                                       stdout: String(decoding: outData, as: UTF8.self),
                                                       stderr: String(decoding: errData, as: UTF8.self),
                                                       seconds: Date().timeIntervalSince(start)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @Test func noArgumentsPrintsTheUsage() async throws {
        let r = try await Self.run([], environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Usage:"))
        #expect(r.stdout.contains("cme-tracker serve"))
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func anUnknownCommandIsOneSentenceAndExit2() async throws {
        let r = try await Self.run(["serv"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(r.status == 2)
        #expect(r.stderr == "cme-tracker: unknown command \"serv\"; see cme-tracker --help.\n")
    }

    @Test(arguments: [
        "postgresql://user@127.0.0.1:5432/db?nosuchoption=1",
        "postgresql://[::1/db",
        "host=127.0.0.1 dbname",
    ])
    func aMalformedDatabaseURLStopsServeAtOnceWithOneSentence(_ url: String) async throws {
        let r = try await Self.run(["serve"], environment: ["PATH": "/usr/bin:/bin", "DATABASE_URL": url,
                                                             "CME_HOME": Self.repositoryRoot, "PORT": "1"])
        #expect(r.status == 2)
        #expect(r.seconds < 5, "found before any connection attempt, not after the retry loop: \(r.seconds) s")
        #expect(r.stderr.hasPrefix("cme-tracker: DATABASE_URL is not a connection string libpq accepts ("), "\(r.stderr)")
        #expect(r.stderr.hasSuffix(").\n"))
        #expect(r.stderr.filter { $0 == "\n" }.count == 1, "one line")
        #expect(r.stdout.isEmpty)
    }

    @Test func createClientPrintsTheTokenAloneAndImportSchoolsSummarises() async throws {
        let url = try await TestDatabase.makeFresh(named: "cli_clients")
        let env = ["PATH": "/usr/bin:/bin", "DATABASE_URL": url, "CME_HOME": Self.repositoryRoot]
        let admin = try await Self.run(["create-client", "--la", "372", "--role", "admin", "--name", "First admin"], environment: env)
        #expect(admin.status == 0, "\(admin.stderr)")
        #expect(admin.stdout.wholeMatch(of: /[A-Za-z0-9_-]{43}\n/) != nil, "the token alone on stdout: \(admin.stdout)")
        #expect(admin.stderr.contains("registered council 372"))
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("gias-\(UUID().uuidString).csv")
        try Data("URN,LA (code),EstablishmentNumber,EstablishmentName\n106934,372,2001,\"Wath, Victoria\"\n10693X,372,2002,Bad\n".utf8).write(to: csv)
        let imported = try await Self.run(["import-schools", csv.path, "--la", "372"], environment: env)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("imported 1, updated 0, rejected 1"), "\(imported.stdout)")
        #expect(imported.stdout.contains("line 3: the URN '10693X' is not 6 digits"))
        let school = try await Self.run(["create-client", "--la", "372", "--role", "school", "--name", "MIS", "--school-urn", "106934"], environment: env)
        #expect(school.status == 0 && school.stdout.count == 44, "\(school.stderr)")
        let refused = try await Self.run(["create-client", "--la", "372", "--role", "school", "--name", "MIS", "--school-urn", "999999"], environment: env)
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == "cme-tracker: the client was not created: school-urn is not a registered school of this council.\n")
    }
}

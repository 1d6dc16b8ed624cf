import Foundation
import Glibc
@testable import HTTP
import Postgres
import Synchronization
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore
import Runtime

/// The operations routes over a real socket while the database pool is saturated.
@Suite struct ServedAPITests {
    final class StopFlag: Sendable {
        private let raised = Atomic<Bool>(false)
        var isRaised: Bool { raised.load(ordering: .relaxed) }
        func raise() { raised.store(true, ordering: .relaxed) }
    }

    /// GETs `path` repeatedly on one keep-alive connection until `stop`, on an OS thread of its own;
    /// returns the statuses and the slowest round trip.
    static func hammer(port: Int, path: String, stop: StopFlag) -> (statuses: [Int], slowest: Duration) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return ([], .zero) }
        defer { close(fd) }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return ([], .zero) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
        var statuses: [Int] = []
        var slowest = Duration.zero
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !stop.isRaised {
            let start = ContinuousClock.now
            guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { break }
            // Read one response: head, then Content-Length bytes.
            var status = 0
            while true {
                let text = String(decoding: buffer, as: UTF8.self)
                if let end = text.range(of: "\r\n\r\n") {
                    let head = text[..<end.lowerBound]
                    let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                    let headBytes = text.utf8.distance(from: text.startIndex, to: end.upperBound)
                    if buffer.count >= headBytes + length {
                        status = Int(head.split(separator: " ")[1]) ?? 0
                        buffer.removeFirst(headBytes + length)
                        break
                    }
                }
                let n = recv(fd, &chunk, chunk.count, 0)
                if n <= 0 { return (statuses, slowest) }
                buffer.append(contentsOf: chunk[0..<n])
            }
            statuses.append(status)
            slowest = max(slowest, ContinuousClock.now - start)
            usleep(5_000)
        }
        return (statuses, slowest)
    }

    @Test func thousandConcurrentQueriesThroughFourConnectionsLeaveHealthzQuick() async throws {
        let url = try await TestDatabase.makeFresh(named: "api_busy")
        let database = Database(url: url, poolSize: 4, acquireTimeout: .seconds(60))
        let migrator = Migrator(database: database, migrations: try Migration.load(from: OperationsAPITests.home + "/migrations"))
        try await migrator.migrate()
        var config = ServerConfiguration()
        config.port = 0
        config.eventLoops = 2
        let metrics = ServerMetrics(shards: config.eventLoops)
        let router = API.makeRouter(services: CMEServices(database: database, migrator: migrator),
                                    serverMetrics: metrics, openAPIDocument: OperationsAPITests.contract)
        let server = HTTPServer(configuration: config, router: router, logger: Logger(level: .error, output: .discard), metrics: metrics)
        let port = try server.start()

        let stop = StopFlag()
        let probe = Task.detached { () -> ([Int], Duration) in
            await withCheckedContinuation { (c: CheckedContinuation<([Int], Duration), Never>) in
                do {
                    try startThread(name: "healthz-probe") { c.resume(returning: Self.hammer(port: port, path: "/healthz", stop: stop)) }
                } catch {
                    fatalError("the probe needs a thread: \(error)")
                }
            }
        }
        let start = ContinuousClock.now
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<1000 {
                group.addTask {
                    try await database.pool.query("SELECT $1::int8 FROM pg_sleep(0.01)", i)[0].decode(Int.self, at: 0)
                }
            }
            return try await group.reduce(0, +)
        }
        let took = ContinuousClock.now - start
        stop.raise()
        let (statuses, slowest) = await probe.value
        #expect(sum == 999 * 1000 / 2)
        // 1000 × 10 ms through 4 connections takes at least 2.5 s; /healthz needs no database and
        // must be answered throughout, not queued behind the statements.
        #expect(took >= .milliseconds(2400))
        #expect(statuses.count > 20)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(slowest < .seconds(1), "slowest /healthz took \(slowest) while the pool was saturated")
        await server.stop()
        await database.shutdown()
    }
}

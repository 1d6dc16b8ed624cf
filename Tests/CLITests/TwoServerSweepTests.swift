import Foundation
import Glibc
import Testing
import TestSupport

/// Two `cme-tracker serve` processes on one database sweep at the same moment: a pupil who never
/// arrived becomes one case, not two.
@Suite(.serialized) struct TwoServerSweepTests {
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func request(_ port: Int, _ method: String, _ path: String, token: String, json: String? = nil) async -> WireResponse? {
        let body = json ?? ""
        var raw = "\(method) \(path) HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n"
        if json != nil { raw += "Content-Type: application/json\r\n" }
        raw += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        return await exchangeOnce(port: port, raw)
    }

    @Test func twoServersSweepingTogetherOpenOneCase() async throws {
        let url = try await TestDatabase.makeFresh(named: "two_servers")
        let env = ["DATABASE_URL": url, "CME_HOME": CommandLineTests.repositoryRoot, "PATH": "/usr/bin:/bin", "LOG_LEVEL": "warning"]
        #expect(try await CommandLineTests.run(["migrate"], environment: env).status == 0)
        let admin = try await CommandLineTests.run(["create-client", "--la", "372", "--role", "admin", "--name", "sweep test"], environment: env)
        #expect(admin.status == 0, "\(admin.stderr)")
        let token = admin.stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        var servers: [Process] = []
        var ports: [Int] = []
        defer { for s in servers where s.isRunning { s.terminate() } }
        for _ in 0..<2 {
            let port = Self.freePort()
            let p = Process()
            p.executableURL = CommandLineTests.executable
            p.arguments = ["serve"]
            p.environment = env.merging(["PORT": String(port), "CME_SWEEP_INTERVAL": "0", "CME_MIGRATE": "0"]) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            servers.append(p)
            ports.append(port)
        }
        for port in ports {
            var ready = false
            for _ in 0..<100 where !ready {
                ready = await exchangeOnce(port: port, "GET /readyz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")?.status == 200
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(ready, "server on \(port) ready")
        }
        for (urn, laestab) in [("106934", "3722001"), ("106935", "3722002")] {
            let school = await Self.request(ports[0], "POST", "/v1/admin/schools", token: token,
                                            json: #"{"urn": "\#(urn)", "laestab": "\#(laestab)", "name": "School \#(urn)"}"#)
            #expect(school?.status == 201)
        }
        // A pupil removed to school B 30 days ago, never added there: past due.
        var parts = tm()
        var seconds = time_t(Date().addingTimeInterval(-30 * 86_400).timeIntervalSince1970)
        gmtime_r(&seconds, &parts)
        let left = String(format: "%04d-%02d-%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
        let removal = await Self.request(ports[1], "POST", "/v1/roll-notifications", token: token, json: """
            {"type": "removal", "school_urn": "106934", "event_date": "\(left)", "ground": "9(1)(a)",
             "pupil": {"first_name": "Never", "last_name": "Arrived", "date_of_birth": "2015-05-05"},
             "parents": [{"name": "A Parent", "phone": "07700 900000"}], "destination": {"school_urn": "106935"}}
            """)
        #expect(removal?.status == 201, "\(removal?.bodyText ?? "")")

        // Both servers sweep at the same moment.
        let (first, second) = (ports[0], ports[1])
        async let a = Self.request(first, "POST", "/v1/admin/sweeps/run", token: token)
        async let b = Self.request(second, "POST", "/v1/admin/sweeps/run", token: token)
        let answers = await [a, b]
        let turned = answers.map { r -> Int in
            guard let r, r.status == 200, let o = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else { return -1 }
            return o["expected_arrivals_overdue"] as? Int ?? -1
        }
        #expect(turned.sorted() == [0, 1], "\(turned)")
        let cases = await Self.request(ports[0], "GET", "/v1/cases", token: token)
        let items = ((try? JSONSerialization.jsonObject(with: Data(cases?.body ?? []))) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(items.count == 1)
        #expect(items.first?["reason"] as? String == "did_not_arrive")
    }
}

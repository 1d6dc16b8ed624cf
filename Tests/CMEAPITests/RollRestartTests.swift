import CMEDomain
import Foundation
import HTTP
import Testing
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore

/// Never lose a notice: PostgreSQL restarts while notices are being posted. Every answer is a 201 or
/// a 503 with `Retry-After` (never a 500, never a hang); every 201 is stored exactly once; a 503
/// retried with its `Idempotency-Key` ends stored exactly once too.
@Suite(.serialized) struct RollRestartTests {
    struct Outcome: Sendable {
        var key: String
        var pupil: String
        var status: Int
        var retryAfter: String?
        var id: String?
    }

    @Test func aDatabaseRestartCostsRetriesNeverANoticeOrAnAnswer() async throws {
        // A cluster of its own: restarting the shared one would cut every other test's sessions.
        let cluster = TestDatabase.OwnCluster(name: "restart")
        let base = try await onThread { Result { try cluster.start() } }.get()
        let url = try await TestDatabase.makeFresh(named: "roll_restart", on: base)
        let f = try await SecurityFixture.make("roll_restart", url: url, clock: ServiceClock(now: { SecurityFixture.fixedNow }))
        let school = f.tokens[.school]!
        let stop = ManagedFlag()
        defer { stop.set() }   // the posters stop whatever happens below
        let deadline = Date().addingTimeInterval(90)
        func post(_ n: Int, worker: Int) async -> Outcome {
            let pupil = "W\(worker)N\(n)"
            let key = "restart-\(worker)-\(n)"
            let json = RollNotificationTests.addition(first: pupil, last: "Restart", school: "106934")
            let r = await f.request("POST", "/v1/roll-notifications", token: school, json: json, headers: ["Idempotency-Key": key])
            return Outcome(key: key, pupil: pupil, status: r?.status ?? 0, retryAfter: r?.headers["Retry-After"], id: f.object(r)["id"] as? String)
        }
        // Four MIS integrations posting as fast as they can, while the cluster restarts under them.
        async let posted: [Outcome] = withTaskGroup(of: [Outcome].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    var out: [Outcome] = []
                    var n = 0
                    while (!stop.isSet || n < 5) && Date() < deadline {
                        let started = Date()
                        out.append(await post(n, worker: worker))
                        #expect(Date().timeIntervalSince(started) < 30, "an answer within 30 s")
                        n += 1
                    }
                    return out
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        try await Task.sleep(for: .milliseconds(300))
        let restarted = await onThread { Result { try cluster.restart() } }
        try restarted.get()
        try await Task.sleep(for: .milliseconds(1_500))
        stop.set()
        let outcomes = await posted

        let statuses = Dictionary(grouping: outcomes, by: \.status).mapValues(\.count)
        print("restart test: \(outcomes.count) notices posted, statuses \(statuses.sorted { $0.key < $1.key })")
        #expect(outcomes.allSatisfy { $0.status == 201 || $0.status == 503 }, "\(statuses)")
        #expect(outcomes.filter { $0.status == 503 }.allSatisfy { $0.retryAfter != nil })
        #expect(outcomes.contains { $0.status == 201 })

        // The integrations retry what failed, with the same keys.
        var final = outcomes
        for (i, o) in outcomes.enumerated() where o.status == 503 {
            var retried = o
            for _ in 0..<20 {
                let r = await f.request("POST", "/v1/roll-notifications", token: school,
                                        json: RollNotificationTests.addition(first: o.pupil, last: "Restart", school: "106934"),
                                        headers: ["Idempotency-Key": o.key])
                retried.status = r?.status ?? 0
                retried.id = f.object(r)["id"] as? String
                if retried.status == 201 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            final[i] = retried
        }
        #expect(final.allSatisfy { $0.status == 201 })
        // Exactly once each: one notice per pupil, with the id its 201 gave.
        let stored = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT id, pupil::jsonb->>'first_name' FROM roll_notifications WHERE la_code = '372'").map {
                (try $0.decode(UUID.self, at: 0).uuidString.lowercased(), try $0.decode(String.self, at: 1))
            }
        }
        let byPupil = Dictionary(grouping: stored, by: \.1)
        #expect(stored.count == final.count, "\(stored.count) stored for \(final.count) acknowledged")
        for o in final {
            #expect(byPupil[o.pupil]?.count == 1, "\(o.pupil) stored \(byPupil[o.pupil]?.count ?? 0) times")
            #expect(byPupil[o.pupil]?.first?.0 == o.id, "\(o.pupil): the id its 201 gave")
        }
        await f.database.shutdown()
        try await onThread { Result { try cluster.stop() } }.get()
    }
}

/// A flag set once, read from any task.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

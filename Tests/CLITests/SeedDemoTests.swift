import Foundation
import Postgres
import Testing
import TestSupport

/// `cme-tracker seed-demo`, as `make run` calls it on every start: a token per role each time, and
/// the demo register (cases in every state, a referral to triage, enquiries, visits, tasks, and roll
/// notifications with a pupil who never arrived) made once.
@Suite struct SeedDemoTests {
    @Test func seedsTheRegisterOnceAndNewTokensEachTime() async throws {
        let url = try await TestDatabase.makeFresh(named: "cli_seed_demo")
        let env = ["PATH": "/usr/bin:/bin", "DATABASE_URL": url, "CME_HOME": CommandLineTests.repositoryRoot]
        _ = try await CommandLineTests.run(["migrate"], environment: env)
        let first = try await CommandLineTests.run(["seed-demo"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let tokenLines = { (out: String) in out.split(separator: "\n").filter { $0.wholeMatch(of: /(admin|officer|school|agency|intake) +[A-Za-z0-9_-]{43}/) != nil } }
        #expect(tokenLines(first.stdout).count == 5, "\(first.stdout)")
        #expect(first.stdout.contains("Demo casework loaded"))

        let pool = try TestDatabase.superuserPool(on: url)
        func counts() async throws -> [String: Int64] {
            var out: [String: Int64] = [:]
            for (name, sql) in [("cases", "SELECT count(*) FROM cases WHERE la_code = '372'"),
                                ("case_statuses", "SELECT count(DISTINCT status) FROM cases WHERE la_code = '372'"),
                                ("received", "SELECT count(*) FROM referrals WHERE la_code = '372' AND status = 'received'"),
                                ("did_not_arrive", "SELECT count(*) FROM cases c JOIN referrals r ON r.case_id = c.id WHERE r.reason = 'did_not_arrive' AND c.status = 'open'"),
                                ("overdue_arrivals", "SELECT count(*) FROM expected_arrivals WHERE status = 'overdue' AND case_id IS NOT NULL"),
                                ("arrived", "SELECT count(*) FROM expected_arrivals WHERE status = 'arrived'"),
                                ("ehe", "SELECT count(*) FROM ehe_records WHERE ended_on IS NULL AND reason <> 'unknown'"),
                                ("s437", "SELECT count(*) FROM ehe_events WHERE kind = 's437_notice'"),
                                ("answered_enquiries", "SELECT count(*) FROM enquiries WHERE status = 'answered'"),
                                ("open_enquiries", "SELECT count(*) FROM enquiries WHERE status <> 'answered'"),
                                ("visits_with_outcome", "SELECT count(*) FROM visits WHERE outcome IS NOT NULL"),
                                ("open_tasks", "SELECT count(*) FROM tasks WHERE status = 'open'"),
                                ("notices", "SELECT count(*) FROM roll_notifications")] {
                out[name] = try await pool.query(sql, parameters: []).first!.decode(Int64.self, at: 0)
            }
            return out
        }
        let seeded = try await counts()
        #expect(seeded["case_statuses"] == 4, "open, located, pending_transfer and closed: \(seeded)")
        #expect(seeded["received"] == 1)
        #expect(seeded["did_not_arrive"] == 1)
        #expect(seeded["overdue_arrivals"] == 1)
        #expect(seeded["arrived"] == 1)
        #expect(seeded["ehe"] == 2, "Isaac's spell with its reason, and Grace's")
        #expect(seeded["s437"] == 1)
        #expect(seeded["answered_enquiries"] == 1)
        #expect(seeded["open_enquiries"] == 1)
        #expect(seeded["visits_with_outcome"] == 1)
        #expect((seeded["open_tasks"] ?? 0) >= 5)
        #expect(seeded["notices"] == 4)

        let again = try await CommandLineTests.run(["seed-demo"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(tokenLines(again.stdout).count == 5)
        #expect(Set(tokenLines(again.stdout)).isDisjoint(with: Set(tokenLines(first.stdout))), "new tokens each time")
        #expect(!again.stdout.contains("Demo casework loaded"))
        #expect(try await counts() == seeded, "the register is made once")
        await pool.shutdown()
    }
}

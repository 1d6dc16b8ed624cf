import Foundation
import Postgres
import Testing
import TestSupport
@testable import CMEService
@testable import CMEStore

/// Row-level security: a query that forgets its `WHERE la_code` still sees only its council's rows,
/// a transaction without a council sees none, and both hold when the service connects as a superuser.
@Suite(.serialized) struct TenantIsolationTests {
    static let tenantTables = ["local_authorities", "schools", "school_calendars", "api_clients", "audit_events", "idempotency_keys"]

    static func forgottenWhere(_ f: SecurityFixture) async throws -> [String: Set<String>] {
        var seen: [String: Set<String>] = [:]
        for table in tenantTables {
            let codes = try await f.database.read(as: SecurityFixture.system("372")) { unit in
                // No WHERE la_code on purpose.
                try await unit.query("SELECT DISTINCT la_code FROM \(sql: PostgresQuery(sql: table))").map { try $0.decode(String.self, at: 0) }
            }
            seen[table] = Set(codes)
        }
        return seen
    }

    @Test func aQueryWithoutItsWhereSeesOnlyItsOwnCouncil() async throws {
        let f = try await SecurityFixture.make("rls_where")
        let seen = try await Self.forgottenWhere(f)
        for table in Self.tenantTables where table != "school_calendars" && table != "idempotency_keys" {
            #expect(seen[table] == ["372"], "\(table): \(seen[table] ?? [])")
        }
        // Both councils do have rows: the filter is the database's, not an empty table's.
        let all = try await f.database.pool.query("SELECT count(DISTINCT la_code) FROM client_tokens")
        #expect(try all[0].decode(Int.self, at: 0) == 2)
        await f.database.shutdown()
    }

    @Test func aTransactionWithoutACouncilSeesNoTenantRow() async throws {
        let f = try await SecurityFixture.make("rls_none")
        for table in Self.tenantTables {
            let rows = try await f.database.pool.query("SELECT count(*) FROM \(sql: PostgresQuery(sql: table))")
            #expect(try rows[0].decode(Int.self, at: 0) == 0, "\(table) without app.la_code")
        }
        // Nor can it write one.
        await #expect(throws: (any Error).self) {
            try await f.database.pool.execute("INSERT INTO local_authorities (la_code, name, policy) VALUES ('999', 'x', '{}')")
        }
        await f.database.shutdown()
    }

    @Test func rowSecurityBindsASuperuserConnectionToo() async throws {
        let fresh = try await TestDatabase.makeFresh(named: "rls_superuser")
        let admin = try TestDatabase.adminURL(database: TestDatabase.databaseName(of: fresh))
        let f = try await SecurityFixture.make("unused", url: admin)
        let role = try await f.database.pool.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        #expect(try role[0].decode(Bool.self, at: 0), "this test connects as a superuser")
        let seen = try await Self.forgottenWhere(f)
        #expect(seen["api_clients"] == ["372"], "\(seen["api_clients"] ?? [])")
        #expect(seen["schools"] == ["372"])
        await f.database.shutdown()
    }
}

/// The audit trail: written with the work, gone with a failed write, never rewritten.
@Suite(.serialized) struct AuditTrailTests {
    static func count(_ f: SecurityFixture, subject: String, la: String = "372") async throws -> Int {
        try await f.database.read(as: SecurityFixture.system(la)) { unit in
            try await unit.query("SELECT count(*) FROM audit_events WHERE subject_id = \(subject)")[0].decode(Int.self, at: 0)
        }
    }

    @Test func writesAreAuditedWithWhoWhatAndTheRequest() async throws {
        let f = try await SecurityFixture.make("audit_writes")
        let created = f.object(await f.request("POST", "/v1/admin/clients", token: f.tokens[.admin], json: #"{"role":"officer","name":"Sam"}"#))
        let id = try #require(created["id"] as? String)
        let trail = f.object(await f.request("GET", "/v1/audit?subject=client:\(id)", token: f.tokens[.admin]))
        let items = try #require(trail["items"] as? [[String: Any]])
        #expect(items.count == 1)
        #expect(items.first?["action"] as? String == "create")
        #expect(items.first?["role"] as? String == "admin")
        #expect(items.first?["client_id"] as? String == f.ids[.admin]!.uuidString.lowercased())
        #expect(items.first?["request_id"] as? String == "test-request")
        #expect(trail["next_cursor"] is NSNull)
        await f.database.shutdown()
    }

    @Test func aFailedWriteLeavesNoAuditRowAndAnUnauditedWriteIsRefused() async throws {
        let f = try await SecurityFixture.make("audit_rollback")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            _ = try await f.database.write(as: SecurityFixture.system("372")) { unit in
                unit.audit("update", subjectType: "school", subjectID: "rollback-probe")
                try await unit.execute("UPDATE schools SET name = 'changed' WHERE urn = '106934'")
                throw Boom()
            }
        }
        #expect(try await Self.count(f, subject: "rollback-probe") == 0)
        let name = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT name FROM schools WHERE urn = '106934'")[0].decode(String.self, at: 0)
        }
        #expect(name == "School of 372", "and the write itself was rolled back")
        await #expect(throws: UnauditedWrite.self) {
            _ = try await f.database.write(as: SecurityFixture.system("372")) { unit in
                try await unit.execute("UPDATE schools SET name = 'sneaky' WHERE urn = '106934'")
                return StoredReply(status: 200, body: [])
            }
        }
        await f.database.shutdown()
    }

    @Test func aReadRecordsItsEvents() async throws {
        let f = try await SecurityFixture.make("audit_reads")
        _ = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            unit.audit("read", subjectType: "child", subjectID: "read-probe")
        }
        #expect(try await Self.count(f, subject: "read-probe") == 1)
        await f.database.shutdown()
    }

    @Test func theServiceRoleCannotChangeOrRemoveAuditRows() async throws {
        let f = try await SecurityFixture.make("audit_immutable")
        for statement: PostgresQuery in ["UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
            await #expect(throws: PostgresError.self, "\(statement.sql)") {
                _ = try await f.database.write(as: SecurityFixture.system("372")) { unit in
                    unit.audit("probe", subjectType: "client", subjectID: "x")
                    try await unit.execute(statement)
                    return StoredReply(status: 200, body: [])
                }
            }
        }
        // Even a superuser, who has every privilege, meets the trigger.
        let admin = try TestDatabase.adminURL(database: "postgres")
        let superuser = PostgresPool(PostgresConfiguration(url: try TestDatabase.url(admin, database: try await currentDatabase(f)), poolSize: 1))
        await #expect(throws: PostgresError.self) { try await superuser.execute("DELETE FROM audit_events") }
        await superuser.shutdown()
        let rows = try await f.database.read(as: SecurityFixture.system("372")) { unit in
            try await unit.query("SELECT count(*) FROM audit_events WHERE action = 'forged'")[0].decode(Int.self, at: 0)
        }
        #expect(rows == 0)
        await f.database.shutdown()
    }

    func currentDatabase(_ f: SecurityFixture) async throws -> String {
        try await f.database.pool.query("SELECT current_database()")[0].decode(String.self, at: 0)
    }
}

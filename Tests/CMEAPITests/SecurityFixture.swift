import Foundation
import HTTP
import TestSupport
@testable import CMEAPI
@testable import CMEService
@testable import CMEStore
import CMEDomain

/// Two councils, 372 (Rotherham) and 373, each with a school, and a client of every role in
/// 372 plus an admin in 373, on a fresh migrated database, behind the real router.
struct SecurityFixture {
    var database: Database
    var services: CMEServices
    var router: Router
    var rules: AccessRules
    /// Token and client id per role, in council 372.
    var tokens: [Role: String] = [:]
    var ids: [Role: UUID] = [:]
    var otherCouncilAdmin = ""
    var otherCouncilAdminID = UUID()
    var deletedToken = ""

    static let home = TestDatabase.repositoryRoot.path

    static func system(_ la: String) -> Actor { Actor(clientID: nil, role: "test", laCode: la, requestID: "fixture") }

    static func make(_ name: String, rateLimiter: RateLimiter? = nil, url: String? = nil,
                     clock: ServiceClock = .system) async throws -> SecurityFixture {
        let dbURL: String
        if let url { dbURL = url } else { dbURL = try await TestDatabase.makeFresh(named: name) }
        let database = Database(url: dbURL, poolSize: 4)
        let migrator = Migrator(database: database, migrations: try Migration.load(from: home + "/migrations"))
        try await migrator.migrate()
        let services = CMEServices(database: database, migrator: migrator, rateLimiter: rateLimiter, clock: clock)
        let (router, rules) = API.make(services: services, serverMetrics: ServerMetrics(shards: 1), openAPIDocument: "openapi: 3.1.0\n")
        var f = SecurityFixture(database: database, services: services, router: router, rules: rules)
        for la in ["372", "373"] {
            _ = try await services.councils.register(laCode: LACode(la)!, name: nil, as: system(la))
            _ = try await services.schools.load([SchoolRow(urn: la == "372" ? "106934" : "106999", laestab: la + "2001", name: "School of \(la)",
                                                           phase: "Primary", type: "Community school", status: "Open", postcode: nil)],
                                                as: system(la))
        }
        for role in Role.allCases {
            let input = NewClient(role: role.rawValue, name: "\(role.rawValue) client", schoolURN: role == .school ? "106934" : nil,
                                  agencyType: role == .agency ? "police" : nil, agencyName: role == .agency ? "South Yorkshire Police" : nil)
            let (token, id) = try await f.create(input, la: "372")
            f.tokens[role] = token
            f.ids[role] = id
        }
        (f.otherCouncilAdmin, f.otherCouncilAdminID) = try await f.create(NewClient(role: "admin", name: "other admin"), la: "373")
        let (deleted, deletedID) = try await f.create(NewClient(role: "admin", name: "gone"), la: "372")
        try await services.clients.delete(deletedID, as: system("372"))
        f.deletedToken = deleted
        return f
    }

    func create(_ input: NewClient, la: String) async throws -> (String, UUID) {
        let reply = try await services.clients.create(input, as: Self.system(la)) { created in
            StoredReply(status: 201, body: Array((created.token + " " + created.client.id.uuidString).utf8))
        }
        let parts = String(decoding: reply.body, as: UTF8.self).split(separator: " ")
        return (String(parts[0]), UUID(uuidString: String(parts[1]))!)
    }

    func request(_ method: String, _ target: String, token: String?, json: String? = nil,
                 headers: HTTPHeaders = HTTPHeaders()) async -> Response? {
        await call(router, method, target, token: token, json: json, headers: headers)
    }

    func object(_ r: Response?) -> [String: Any] {
        guard let r, let o = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] else { return [:] }
        return o
    }
}

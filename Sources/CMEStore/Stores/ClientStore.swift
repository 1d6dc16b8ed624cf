import Foundation
import Postgres

/// An API client as stored (never its token: only the token's SHA-256, in `client_tokens`).
public struct ClientRow: Sendable, Equatable {
    public var id: UUID
    public var laCode: String
    public var role: String
    public var name: String
    public var schoolURN: String?
    public var agencyType: String?
    public var agencyName: String?
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: UUID, laCode: String, role: String, name: String, schoolURN: String?, agencyType: String?,
                agencyName: String?, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.laCode = laCode
        self.role = role
        self.name = name
        self.schoolURN = schoolURN
        self.agencyType = agencyType
        self.agencyName = agencyName
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// The `api_clients` and `client_tokens` tables.
public struct ClientStore: Sendable {
    let unit: UnitOfWork

    static let columns: PostgresQuery = "id, la_code, role, name, school_urn, agency_type, agency_name, created_at, revoked_at"

    static func decode(_ row: PostgresRow) throws -> ClientRow {
        ClientRow(id: try row.decode(UUID.self, at: 0), laCode: try row.decode(String.self, at: 1),
                  role: try row.decode(String.self, at: 2), name: try row.decode(String.self, at: 3),
                  schoolURN: try row.decode(String?.self, at: 4), agencyType: try row.decode(String?.self, at: 5),
                  agencyName: try row.decode(String?.self, at: 6), createdAt: try row.decode(Date.self, at: 7),
                  revokedAt: try row.decode(Date?.self, at: 8))
    }

    /// Inserts the client and its token's hash.
    public func insert(_ c: ClientRow, tokenHash: [UInt8]) async throws {
        try await unit.execute("""
            INSERT INTO api_clients (id, la_code, role, name, school_urn, agency_type, agency_name, created_at)
            VALUES (\(c.id), \(c.laCode), \(c.role), \(c.name), \(c.schoolURN), \(c.agencyType), \(c.agencyName), \(c.createdAt))
            """)
        try await unit.execute("INSERT INTO client_tokens (token_hash, client_id, la_code) VALUES (\(Data(tokenHash)), \(c.id), \(c.laCode))")
    }

    public func find(_ id: UUID) async throws -> ClientRow? {
        try await unit.query("SELECT \(sql: Self.columns) FROM api_clients WHERE id = \(id) AND la_code = \(unit.actor.laCode)")
            .first.map(Self.decode)
    }

    /// A page of live clients, oldest first, after the keyset cursor `(createdAt, id)`.
    public func list(after cursor: (Date, UUID)?, limit: Int) async throws -> [ClientRow] {
        let after: PostgresQuery = cursor.map { "AND (created_at, id) > (\($0.0), \($0.1))" } ?? ""
        return try await unit.query("""
            SELECT \(sql: Self.columns) FROM api_clients
            WHERE la_code = \(unit.actor.laCode) AND revoked_at IS NULL \(sql: after)
            ORDER BY created_at, id LIMIT \(Int64(limit))
            """).map(Self.decode)
    }

    /// Revokes the client: its token row goes at once, the client row stays (the audit trail names it).
    /// False when there is no live client with that id in this council.
    public func revoke(_ id: UUID) async throws -> Bool {
        let n = try await unit.execute("""
            UPDATE api_clients SET revoked_at = now()
            WHERE id = \(id) AND la_code = \(unit.actor.laCode) AND revoked_at IS NULL
            """)
        try await unit.execute("DELETE FROM client_tokens WHERE client_id = \(id) AND la_code = \(unit.actor.laCode)")
        return n == 1
    }
}

extension UnitOfWork {
    public var clients: ClientStore { ClientStore(unit: self) }
}

extension Database {
    /// The client a token hash belongs to, if it is live. Runs before the caller's council is known:
    /// the token table (hashes only) says which council, then the client is read as that council.
    public func client(forTokenHash hash: [UInt8], requestID: String) async throws -> ClientRow? {
        let rows = try await pool.query("SELECT client_id, la_code FROM client_tokens WHERE token_hash = \(Data(hash))")
        guard let row = rows.first else { return nil }
        let id = try row.decode(UUID.self, at: 0), la = try row.decode(String.self, at: 1)
        let actor = Actor(clientID: id, role: "system", laCode: la, requestID: requestID)
        return try await read(as: actor) { unit in
            try await unit.clients.find(id).flatMap { $0.revokedAt == nil ? $0 : nil }
        }
    }
}

import Foundation
import Postgres
import Runtime

/// Who is acting, as the audit trail records it (docs/architecture.md, "Database access rules"): the client and its role, the council
/// whose data it works on, and the request.
public struct Actor: Sendable, Equatable {
    public var clientID: UUID?
    public var role: String
    public var laCode: String
    public var requestID: String

    public init(clientID: UUID?, role: String, laCode: String, requestID: String) {
        self.clientID = clientID
        self.role = role
        self.laCode = laCode
        self.requestID = requestID
    }
}

/// A stored answer: what an idempotent request answered the first time.
public struct StoredReply: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// True when this is the first answer replayed for a repeated key, not a new effect.
    public var replayed: Bool
    /// What the first caller gets when it must differ from what is kept for replays: a new client's
    /// token is shown once and never stored, so its replay carries `"token": null`.
    public var firstBody: [UInt8]?

    public init(status: Int, body: [UInt8], replayed: Bool = false, firstBody: [UInt8]? = nil) {
        self.status = status
        self.body = body
        self.replayed = replayed
        self.firstBody = firstBody
    }

    /// The body to send now.
    public var bodyToSend: [UInt8] { firstBody ?? body }
}

/// An `Idempotency-Key` with a digest of the request it came with.
public struct IdempotencyClaim: Sendable, Equatable {
    public var key: String
    public var requestHash: [UInt8]

    public init(key: String, requestHash: [UInt8]) {
        self.key = key
        self.requestHash = requestHash
    }
}

/// The same key came with a different request.
public struct IdempotencyMismatch: Error, Sendable {}

/// A write that recorded no audit event: a bug, refused before it commits.
public struct UnauditedWrite: Error, Sendable {}

/// One transaction of one council's work, and the only way the service layers reach SQL. Opening it
/// sets the tenant (`app.la_code`, for row-level security) and, when the session would bypass row
/// security (a superuser), takes the `cme_tenant` role; the audit events the work records are written
/// in the same transaction; a write's idempotency record commits with its effect.
public final class UnitOfWork: @unchecked Sendable {
    // Used by one task at a time: the body of `Database.write`/`read` that received it.
    let connection: PostgresConnection
    public let actor: Actor
    private var events: [(action: String, subjectType: String, subjectID: String)] = []

    init(connection: PostgresConnection, actor: Actor) {
        self.connection = connection
        self.actor = actor
    }

    /// Runs one statement of this unit; interpolated values are bound parameters.
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await connection.query(query)
    }

    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await connection.execute(query)
    }

    /// Runs a statement whose answer nothing reads (an insert of rows nothing in this step reads back)
    /// with the unit's next statement, in the same round trip: a batch's inserts then cost no round
    /// trip each. Should it fail, the next statement throws its error and the unit rolls back.
    public func executeWithNext(_ query: PostgresQuery) {
        connection.sendWithNext(query)
    }

    /// Records that this unit did `action` to (or read) the subject; written before the unit commits.
    public func audit(_ action: String, subjectType: String, subjectID: String) {
        events.append((action, subjectType, subjectID))
    }

    var hasAuditEvents: Bool { !events.isEmpty }

    /// Runs `body` with another council as the tenant, then this unit's again: for the one
    /// cross-council write there is (an answer to an enquiry another council sent, which goes on that
    /// council's case timeline and audit trail). Audit events recorded inside are that council's.
    public func inCouncil<T>(_ laCode: String, _ body: () async throws -> T) async throws -> T {
        writeAuditEvents()
        _ = try await connection.query("SELECT set_config('app.la_code', \(laCode), true)")
        let value = try await body()
        // Written before the tenant goes back (the events are that council's).
        writeAuditEvents(in: laCode)
        _ = try await connection.query("SELECT set_config('app.la_code', \(actor.laCode), true)")
        return value
    }

    /// Whether audit events were already written before the end of the unit (by `inCouncil`).
    private(set) var auditedEarly = false

    /// One insert of all the recorded events (arrays unnested side by side in the select list, as
    /// `RowSet` does, so any number costs seven parameters),
    /// sent with the unit's next statement (its commit, usually) in one round trip. They are the
    /// unit's council's, or `laCode`'s inside `inCouncil`.
    func writeAuditEvents(in laCode: String? = nil) {
        guard !events.isEmpty else { return }
        auditedEarly = true
        connection.sendWithNext("""
            INSERT INTO audit_events (la_code, client_id, role, action, subject_type, subject_id, request_id)
            SELECT \(laCode ?? actor.laCode), \(actor.clientID), \(actor.role), unnest(\(events.map(\.action))),
                   unnest(\(events.map(\.subjectType))), unnest(\(events.map(\.subjectID))), \(actor.requestID)
            """)
        events.removeAll()
    }

    /// Sets the tenant for this transaction and makes sure row security binds the session (a session
    /// that would bypass it, a superuser's, takes the `cme_tenant` role for the transaction), in one
    /// statement sent with the unit's first. A read also sets `synchronous_commit = off`: the audit
    /// events of reads may be lost in a crash's last moments, never a write's.
    func begin(reading: Bool = false, bypassesRowSecurity: Bool) {
        connection.sendWithNext("""
            SELECT set_config('app.la_code', \(actor.laCode), true)\(sql: bypassesRowSecurity ? ", set_config('role', 'cme_tenant', true)" : "")\
            \(sql: reading ? ", set_config('synchronous_commit', 'off', true)" : "")
            """)
    }
}

extension Database {
    /// A write: `body` runs in one transaction with the tenant set; it must record at least one audit
    /// event, which commits with it (a write that records none is refused before it commits).
    public func write<T: Sendable>(as actor: Actor, _ body: (UnitOfWork) async throws -> T) async throws -> T {
        try await pool.transaction { conn in
            let unit = UnitOfWork(connection: conn, actor: actor)
            unit.begin(bypassesRowSecurity: try await bypassesRowSecurity(conn))
            let value = try await body(unit)
            guard unit.hasAuditEvents || unit.auditedEarly else { throw UnauditedWrite() }
            unit.writeAuditEvents()
            return value
        }
    }

    /// An idempotent write: as `write`, but the `Idempotency-Key` is claimed first, in the same
    /// transaction. A repeated key with the same request returns the first reply without running
    /// `body`; with another request, throws `IdempotencyMismatch`. The reply `body` returns is stored
    /// with the key, so the key and the effect commit together. Without a claim (or a client, as for
    /// the command line) it is a plain `write`.
    public func write(as actor: Actor, idempotency: IdempotencyClaim?,
                      _ body: (UnitOfWork) async throws -> StoredReply) async throws -> StoredReply {
        guard let claim = idempotency, let clientID = actor.clientID else { return try await write(as: actor, body) }
        return try await pool.transaction { conn in
            let unit = UnitOfWork(connection: conn, actor: actor)
            unit.begin(bypassesRowSecurity: try await bypassesRowSecurity(conn))
            do {
                // Claim the key; a concurrent request with the same key waits here for the first to end.
                let claimed = try await conn.execute("""
                    INSERT INTO idempotency_keys (client_id, key, la_code, request_hash, status, response_body)
                    VALUES (\(clientID), \(claim.key), \(actor.laCode), \(SHA256.hex(claim.requestHash)), 0, \(Data()))
                    ON CONFLICT (client_id, key) DO NOTHING
                    """)
                if claimed == 0 {
                    let rows = try await conn.query("""
                        SELECT request_hash, status, response_body FROM idempotency_keys
                        WHERE la_code = \(actor.laCode) AND client_id = \(clientID) AND key = \(claim.key)
                        """)
                    guard let row = rows.first else { throw IdempotencyMismatch() }
                    guard try row.decode(String.self, at: 0) == SHA256.hex(claim.requestHash) else { throw IdempotencyMismatch() }
                    return StoredReply(status: try row.decode(Int.self, at: 1), body: Array(try row.decode(Data.self, at: 2)), replayed: true)
                }
                let reply = try await body(unit)
                guard unit.hasAuditEvents || unit.auditedEarly else { throw UnauditedWrite() }
                unit.writeAuditEvents()
                try await conn.execute("""
                    UPDATE idempotency_keys SET status = \(Int32(reply.status)), response_body = \(Data(reply.body))
                    WHERE la_code = \(actor.laCode) AND client_id = \(clientID) AND key = \(claim.key)
                    """)
                return reply
            }
        }
    }

    /// The reply already stored for a claim, if any (a mismatching request throws
    /// `IdempotencyMismatch`). For work that cannot run in one transaction but is idempotent in
    /// effect (a large import in batches): check first, do the work, then store the reply with `write`.
    public func storedReply(for claim: IdempotencyClaim, as actor: Actor) async throws -> StoredReply? {
        guard let clientID = actor.clientID else { return nil }
        return try await read(as: actor) { unit -> StoredReply? in
            let rows = try await unit.query("""
                SELECT request_hash, status, response_body FROM idempotency_keys
                WHERE la_code = \(actor.laCode) AND client_id = \(clientID) AND key = \(claim.key) AND status <> 0
                """)
            guard let row = rows.first else { return nil }
            guard try row.decode(String.self, at: 0) == SHA256.hex(claim.requestHash) else { throw IdempotencyMismatch() }
            return StoredReply(status: try row.decode(Int.self, at: 1), body: Array(try row.decode(Data.self, at: 2)), replayed: true)
        }
    }

    /// A read: one transaction with the tenant set; the audit events it records (reads of a child's
    /// personal data) are written in it. It commits with `synchronous_commit = off`: a crash can lose
    /// the last moments of read events, never a write's.
    public func read<T: Sendable>(as actor: Actor, _ body: (UnitOfWork) async throws -> T) async throws -> T {
        try await pool.transaction { conn in
            let unit = UnitOfWork(connection: conn, actor: actor)
            unit.begin(reading: true, bypassesRowSecurity: try await bypassesRowSecurity(conn))
            let value = try await body(unit)
            if unit.hasAuditEvents {
                unit.writeAuditEvents()
            }
            return value
        }
    }
}

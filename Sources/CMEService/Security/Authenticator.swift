import CMEStore
import Foundation
import Runtime
import Synchronization

/// Turns an `Authorization` header into a `Caller` (docs/security.md). Tokens are looked up by their
/// SHA-256, so the lookup's timing depends on a hash the caller cannot steer, never on how much of
/// a real token a guess shares. A recognised token is remembered for `cacheLifetime` (5 s): a client
/// deleted through this instance is forgotten at once; other instances stop accepting it within the
/// lifetime, without any message passing between them.
public final class Authenticator: Sendable {
    let database: Database
    let cacheLifetime: Duration
    static let cacheCapacity = 10_000

    private struct Entry {
        var client: ClientRow
        var expires: UInt64
    }
    private let cache = Mutex<[[UInt8]: Entry]>([:])

    public init(database: Database, cacheLifetime: Duration = .seconds(5)) {
        self.database = database
        self.cacheLifetime = cacheLifetime
    }

    /// The caller, or `.unauthenticated` for no header, a scheme other than Bearer, a malformed
    /// token, or one that names no live client.
    public func authenticate(authorization: String?, requestID: String) async throws(ServiceError) -> Caller {
        guard let header = authorization, !header.isEmpty else {
            throw .unauthenticated("This request needs an Authorization: Bearer token.")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw .unauthenticated("Only Bearer tokens are accepted.")
        }
        let token = header.dropFirst(7)
        guard Token.isWellFormed(token) else { throw .unauthenticated("The bearer token is malformed.") }
        let hash = Token.hash(String(token))
        let now = monotonicNanoseconds()
        if let hit = cache.withLock({ $0[hash] }), hit.expires > now {
            return Self.caller(hit.client, requestID: requestID)
        }
        let found: ClientRow?
        do {
            found = try await database.client(forTokenHash: hash, requestID: requestID)
        } catch {
            throw ServiceError(classifying: error)
        }
        guard let client = found, let _ = Role(rawValue: client.role) else {
            cache.withLock { _ = $0.removeValue(forKey: hash) }
            throw .unauthenticated("The bearer token is not recognised.")
        }
        let expires = now &+ cacheLifetime.nanoseconds
        cache.withLock { entries in
            if entries.count >= Self.cacheCapacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(client: client, expires: expires)
        }
        return Self.caller(client, requestID: requestID)
    }

    /// Forgets a client at once (it was deleted here).
    public func forget(clientID: UUID) {
        cache.withLock { entries in
            for (hash, entry) in entries where entry.client.id == clientID { entries.removeValue(forKey: hash) }
        }
    }

    static func caller(_ c: ClientRow, requestID: String) -> Caller {
        Caller(clientID: c.id, role: Role(rawValue: c.role) ?? .intake, laCode: c.laCode, name: c.name, schoolURN: c.schoolURN,
               agencyType: c.agencyType, agencyName: c.agencyName, requestID: requestID)
    }
}

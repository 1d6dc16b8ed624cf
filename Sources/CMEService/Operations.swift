import CMEStore
import Synchronization

/// Whether this instance can serve: the database answers and every migration is applied.
public struct Readiness: Sendable, Equatable {
    public var databaseReachable: Bool
    public var pendingMigrations: [Int]
    public var isReady: Bool { databaseReachable && pendingMigrations.isEmpty }

    public init(databaseReachable: Bool, pendingMigrations: [Int]) {
        self.databaseReachable = databaseReachable
        self.pendingMigrations = pendingMigrations
    }
}

/// Connection-pool usage, for /metrics.
public struct PoolUsage: Sendable, Equatable {
    public var size: Int
    public var inUse: Int
    public var idle: Int
    public var waiting: Int
}

/// The operations use cases: readiness and pool usage.
public final class OperationsService: Sendable {
    let database: Database
    let migrator: Migrator
    /// Once every migration is seen applied it stays so (this build applies no others), so readiness
    /// then costs one round trip.
    private let migrationsCurrent = Atomic<Bool>(false)

    public init(database: Database, migrator: Migrator) {
        self.database = database
        self.migrator = migrator
    }

    public func readiness() async -> Readiness {
        if migrationsCurrent.load(ordering: .relaxed) {
            return Readiness(databaseReachable: await database.ping(), pendingMigrations: [])
        }
        do {
            let pending = try await migrator.pendingVersions()
            if pending.isEmpty { migrationsCurrent.store(true, ordering: .relaxed) }
            return Readiness(databaseReachable: true, pendingMigrations: pending)
        } catch {
            return Readiness(databaseReachable: false, pendingMigrations: [])
        }
    }

    public var poolUsage: PoolUsage {
        let u = database.usage
        return PoolUsage(size: u.size, inUse: u.inUse, idle: u.idle, waiting: u.waiting)
    }
}

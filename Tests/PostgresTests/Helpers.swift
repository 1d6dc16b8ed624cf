import Foundation
import Postgres
import TestSupport
import Testing

/// A pool on the test database; every test makes its own and shuts it down.
func makePool(size: Int = 2, acquireTimeout: Duration = .seconds(10), url: String? = nil,
              outgrownIdleLimit: Duration = .seconds(5)) async throws -> PostgresPool {
    let resolved: String
    if let url { resolved = url } else { resolved = try await TestDatabase.url }
    var configuration = PostgresConfiguration(url: resolved, poolSize: size, acquireTimeout: acquireTimeout)
    configuration.outgrownIdleLimit = outgrownIdleLimit
    return PostgresPool(configuration)
}

func withPool<T: Sendable>(size: Int = 2, acquireTimeout: Duration = .seconds(10), url: String? = nil,
                           outgrownIdleLimit: Duration = .seconds(5),
                           _ body: (PostgresPool) async throws -> T) async throws -> T {
    let pool = try await makePool(size: size, acquireTimeout: acquireTimeout, url: url, outgrownIdleLimit: outgrownIdleLimit)
    do {
        let value = try await body(pool)
        await pool.shutdown()
        return value
    } catch {
        await pool.shutdown()
        throw error
    }
}

/// Runs `body`, expecting a `PostgresError`, and returns it.
func expectPostgresError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> PostgresError? {
    do {
        try await body()
        Issue.record("expected a PostgresError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as PostgresError {
        return error
    } catch {
        Issue.record("expected a PostgresError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

func elapsed(since start: ContinuousClock.Instant) -> Duration { ContinuousClock.now - start }

/// Has a task hold a one-connection pool's connection for `seconds` (in `pg_sleep`), and returns
/// once it does. The connection is opened first: on a loaded machine connecting alone can take
/// longer than a short acquire bound (the connect goes on after a caller gives up), and the holder
/// would time out instead of holding.
func holdOnlyConnection(of pool: PostgresPool, seconds: Int) async throws -> Task<PostgresRows, any Error> {
    for attempt in 1...30 {
        do {
            _ = try await pool.query("SELECT 0")
            break
        } catch let error as PostgresError where error.kind == .poolTimeout && attempt < 30 {
            continue   // the connect carries on; a later attempt finds it open
        }
    }
    let holding = Task { try await pool.withConnection { c in try await c.query("SELECT pg_sleep($1)", Int32(seconds)) } }
    try await waitUntil("the holder has the connection") { pool.statistics.inUse == 1 }
    return holding
}

/// Polls `condition` every 10 ms; records an issue and throws once `limit` passes, so that a test
/// waiting for a state that never comes fails instead of hanging the run.
func waitUntil(_ what: String, within limit: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
               _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("gave up after \(limit) waiting until \(what)", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// The pool against the real server: bounded waits, a server that is down, backends killed under
/// it, many concurrent queries, shutdown.
@Suite struct PoolTests {
    func backendPID(_ c: PostgresConnection) async throws -> Int32 {
        try await c.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0)
    }

    /// Terminates `pid` from a second connection and waits until the backend is gone.
    func terminate(_ pid: Int32) async throws {
        let killer = try await PostgresConnection.connect(PostgresConfiguration(url: try await TestDatabase.url))
        #expect(try await killer.query("SELECT pg_terminate_backend($1)", pid)[0].decode(Bool.self, at: 0))
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let alive = try await killer.query("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid)[0].decode(Int.self, at: 0)
            if alive == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await killer.close()
    }

    @Test func lazyAndCountedInStatistics() async throws {
        try await withPool(size: 3) { pool in
            #expect(pool.statistics == PoolStatistics(size: 3, open: 0, inUse: 0, idle: 0, connecting: 0, waiting: 0))
            try await pool.withConnection { _ in
                let s = pool.statistics
                #expect(s.open == 1 && s.inUse == 1 && s.idle == 0)
            }
            #expect(pool.statistics == PoolStatistics(size: 3, open: 1, inUse: 0, idle: 1, connecting: 0, waiting: 0))
        }
    }

    @Test func exhaustedPoolFailsWithinTheBound() async throws {
        try await withPool(size: 1, acquireTimeout: .milliseconds(300)) { pool in
            let holding = try await holdOnlyConnection(of: pool, seconds: 2)
            let start = ContinuousClock.now
            let error = await expectPostgresError { _ = try await pool.query("SELECT 1") }
            let waited = elapsed(since: start)
            #expect(error?.kind == .poolTimeout)
            #expect(error?.isTransient == true)
            #expect(waited >= .milliseconds(250))
            #expect(waited < .milliseconds(1500))
            #expect(pool.statistics.waiting == 0)
            _ = try await holding.value
            // And the pool still works once the holder is done.
            #expect(try await pool.query("SELECT 2")[0].decode(Int32.self, at: 0) == 2)
        }
    }

    /// One watcher times out every waiter (no timer per waiter): each at its own deadline, not at the
    /// first one's or a later one's, and a waiter queued after the queue emptied (the watcher gone) too.
    @Test func eachWaiterTimesOutAtItsOwnDeadline() async throws {
        try await withPool(size: 1, acquireTimeout: .milliseconds(600)) { pool in
            let holding = try await holdOnlyConnection(of: pool, seconds: 4)
            let start = ContinuousClock.now
            /// Queues a caller after `delay` and returns when (since `start`) and how it failed.
            func waiter(after delay: Duration) -> Task<(Duration, PostgresError.Kind?), Never> {
                Task {
                    try? await Task.sleep(for: delay)
                    let error = await expectPostgresError { _ = try await pool.query("SELECT 1") }
                    return (elapsed(since: start), error?.kind)
                }
            }
            let first = waiter(after: .zero), second = waiter(after: .milliseconds(300))
            let (firstAt, firstKind) = await first.value
            let (secondAt, secondKind) = await second.value
            #expect(firstKind == .poolTimeout && secondKind == .poolTimeout)
            #expect(firstAt >= .milliseconds(550) && firstAt < .milliseconds(850), "first failed at \(firstAt)")
            #expect(secondAt >= .milliseconds(850), "second failed at \(secondAt), before its own deadline")
            #expect(secondAt - firstAt >= .milliseconds(200), "second failed \(secondAt - firstAt) after the first")
            #expect(pool.statistics.waiting == 0)
            // The queue is empty; a new waiter starts a new watcher and still fails within its bound.
            let third = waiter(after: .zero)
            let thirdStart = ContinuousClock.now
            let (_, thirdKind) = await third.value
            #expect(thirdKind == .poolTimeout)
            #expect(elapsed(since: thirdStart) < .milliseconds(1500))
            _ = try await holding.value
            #expect(try await pool.query("SELECT 2")[0].decode(Int32.self, at: 0) == 2)
        }
    }

    /// A connection that sent more than 1 MiB of parameters keeps libpq's grown output buffer for
    /// life, so once it has sat idle for `outgrownIdleLimit` the pool closes it and the next caller
    /// gets a new backend. Kept while in use (each release starts the wait again), and a connection
    /// that sent little is kept however long it idles. Both for pooled statements and transactions.
    @Test func connectionThatSentALargeStatementIsRetiredOnceIdle() async throws {
        try await withPool(size: 1, outgrownIdleLimit: .milliseconds(400)) { pool in
            func pid() async throws -> Int32 { try await pool.query("SELECT pg_backend_pid()")[0].decode(Int32.self, at: 0) }
            let large = String(repeating: "x", count: 2 << 20), small = String(repeating: "x", count: 1000)

            let first = try await pid()
            _ = try await pool.query("SELECT length($1)", small)
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await pid() == first, "a connection that sent little was retired")

            #expect(try await pool.query("SELECT length($1)", large)[0].decode(Int32.self, at: 0) == 2 << 20)
            for _ in 0..<4 {   // in use every 150 ms: kept
                #expect(try await pid() == first, "retired while in use")
                try await Task.sleep(for: .milliseconds(150))
            }
            try await Task.sleep(for: .milliseconds(800))
            let second = try await pid()
            #expect(second != first, "the connection that sent 2 MiB is still lent after idling")
            #expect(pool.statistics.open == 1)

            try await pool.transaction { c in _ = try await c.query("SELECT length($1)", large) }
            #expect(try await pid() == second)
            try await Task.sleep(for: .milliseconds(800))
            let third = try await pid()
            #expect(third != second, "the connection whose transaction sent 2 MiB is still lent after idling")
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await pid() == third, "a new connection was retired without sending much")
        }
    }

    @Test func serverDownFailsWithinTheBoundInsteadOfHanging() async throws {
        // Nothing listens on port 1 of loopback: every connect is refused.
        try await withPool(size: 2, acquireTimeout: .milliseconds(500), url: "postgresql://cme:x@127.0.0.1:1/none") { pool in
            for _ in 0..<2 {
                let start = ContinuousClock.now
                let error = await expectPostgresError { _ = try await pool.query("SELECT 1") }
                #expect(error?.kind == .connectionUnavailable)
                #expect(error?.isTransient == true)
                #expect(elapsed(since: start) < .seconds(3))
            }
        }
    }

    @Test func killedIdleBackendIsReplacedBeforeTheNextQuery() async throws {
        try await withPool(size: 1) { pool in
            let before = try await pool.withConnection(backendPID)
            try await terminate(before)
            let after = try await pool.withConnection(backendPID)
            #expect(after != before)
            #expect(try await pool.query("SELECT 41 + 1")[0].decode(Int32.self, at: 0) == 42)
        }
    }

    @Test func killedBackendMidQueryFailsThatQueryThenReconnects() async throws {
        try await withPool(size: 1) { pool in
            let pid = try await pool.withConnection(backendPID)
            let running = Task { try await pool.query("SELECT pg_sleep(30)") }
            // Wait until the statement is really running on that backend.
            let watcher = try await PostgresConnection.connect(PostgresConfiguration(url: try await TestDatabase.url))
            for _ in 0..<250 {
                let state = try await watcher.query("SELECT state FROM pg_stat_activity WHERE pid = $1", pid)
                if try state.first?.decode(String?.self, at: 0) == "active" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            await watcher.close()
            let start = ContinuousClock.now
            try await terminate(pid)
            let error = await expectPostgresError { _ = try await running.value }
            #expect(error?.kind == .connectionLost)
            #expect(error?.isTransient == true)
            #expect(elapsed(since: start) < .seconds(5))
            let after = try await pool.withConnection(backendPID)
            #expect(after != pid)
            #expect(try await pool.query("SELECT 'back'")[0].decode(String.self, at: 0) == "back")
        }
    }

    @Test func killedBackendInsideATransactionIsNotSilentlyReplaced() async throws {
        try await withPool(size: 1) { pool in
            let error = await expectPostgresError {
                try await pool.transaction { c in
                    let pid = try await backendPID(c)
                    try await terminate(pid)
                    _ = try await c.query("SELECT 1")
                }
            }
            #expect(error?.kind == .connectionLost)
            let one = try await pool.query("SELECT 1")[0].decode(Int32.self, at: 0)
            #expect(one == 1)
        }
    }

    @Test func thousandConcurrentQueriesThroughFourConnectionsKeepTheCooperativePoolResponsive() async throws {
        try await withPool(size: 4, acquireTimeout: .seconds(60)) { pool in
            let done = Atomic<Bool>(false)
            // A task on the cooperative pool that just sleeps and yields; record its longest gap.
            let ticker = Task {
                var longest = Duration.zero
                var ticks = 0
                var last = ContinuousClock.now
                while !done.load(ordering: .relaxed) {
                    try? await Task.sleep(for: .milliseconds(5))
                    await Task.yield()
                    let now = ContinuousClock.now
                    longest = max(longest, now - last)
                    last = now
                    ticks += 1
                }
                return (longest, ticks)
            }
            let start = ContinuousClock.now
            let sum = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<1000 {
                    group.addTask {
                        try await pool.query("SELECT $1::int8 FROM pg_sleep(0.01)", i)[0].decode(Int.self, at: 0)
                    }
                }
                return try await group.reduce(0, +)
            }
            let took = elapsed(since: start)
            done.store(true, ordering: .relaxed)
            let (longestGap, ticks) = await ticker.value
            #expect(sum == 999 * 1000 / 2)
            #expect(pool.statistics.open <= 4)
            // 1000 × 10 ms over 4 connections takes ≥ 2.5 s; libpq blocking the pool's threads
            // would freeze the ticker for most of it.
            #expect(took >= .milliseconds(2400))
            #expect(longestGap < .seconds(1), "ticker stalled for \(longestGap)")
            #expect(ticks > 50)
        }
    }

    @Test func shutdownFailsWaitersAndLaterCalls() async throws {
        let pool = try await makePool(size: 1, acquireTimeout: .seconds(10))
        let holder = Task { try await pool.withConnection { c in try await c.query("SELECT pg_sleep(1.5)") } }
        try await waitUntil("the holder has the connection") { pool.statistics.inUse == 1 }
        let waiter = Task { try await pool.query("SELECT 1") }
        try await waitUntil("the second caller waits") { pool.statistics.waiting == 1 }
        await pool.shutdown()
        let waiterError = await expectPostgresError { _ = try await waiter.value }
        #expect(waiterError?.kind == .poolShutDown)
        _ = try await holder.value // the statement in flight finishes
        let later = await expectPostgresError { _ = try await pool.query("SELECT 1") }
        #expect(later?.kind == .poolShutDown)
        #expect(pool.statistics.open == 0)
    }

    @Test func cancelledWaiterLeavesTheQueue() async throws {
        try await withPool(size: 1, acquireTimeout: .seconds(10)) { pool in
            let holder = Task { try await pool.withConnection { c in try await c.query("SELECT pg_sleep(1.5)") } }
            try await waitUntil("the holder has the connection") { pool.statistics.inUse == 1 }
            let waiter = Task { try await pool.query("SELECT 1") }
            try await waitUntil("the second caller waits") { pool.statistics.waiting == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { _ = try await waiter.value }
            #expect(pool.statistics.waiting == 0)
            _ = try await holder.value
            #expect(try await pool.query("SELECT 3")[0].decode(Int32.self, at: 0) == 3)
        }
    }
}

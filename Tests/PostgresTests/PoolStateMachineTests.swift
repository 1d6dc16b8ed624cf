@testable import Postgres
import Testing

/// The pool's decisions without sockets, clocks or tasks.
@Suite struct PoolStateMachineTests {
    typealias Machine = PoolStateMachine
    typealias C = Machine.ConnectionID
    typealias W = Machine.WaiterID

    func c(_ n: Int) -> C { C(rawValue: n) }
    func w(_ n: Int) -> W { W(rawValue: n) }

    /// A machine with `count` idle connections (c0, c1, ...; the last released is reused first).
    func machine(size: Int, idle count: Int) -> Machine {
        var m = Machine(maximumConnections: size)
        for i in 0..<count { #expect(m.acquire(w(1000 + i)) == .queued([.connect(c(i))])) }
        for i in 0..<count { #expect(m.connected(c(i)) == [.lease(c(i), to: w(1000 + i))]) }
        for i in 0..<count { #expect(m.release(c(i), reusable: true) == []) }
        return m
    }

    @Test func firstAcquireConnectsLazilyThenLeases() {
        var m = Machine(maximumConnections: 2)
        #expect(m.statistics == .init())
        #expect(m.acquire(w(1)) == .queued([.connect(c(0))]))
        #expect(m.statistics == .init(connecting: 1, waiting: 1))
        #expect(m.connected(c(0)) == [.lease(c(0), to: w(1))])
        #expect(m.statistics == .init(open: 1, inUse: 1))
    }

    @Test func retireClosesOnlyAnIdleConnection() {
        var m = machine(size: 2, idle: 2)
        #expect(m.acquire(w(1)) == .leased(c(1)))
        #expect(m.retire(c(1)) == [], "lent: not closed")
        #expect(m.retire(c(0)) == [.close(c(0))])
        #expect(m.retire(c(0)) == [], "already gone")
        #expect(m.statistics == .init(open: 1, inUse: 1))
        #expect(m.release(c(1), reusable: true) == [])
        #expect(m.acquire(w(2)) == .leased(c(1)), "the retired one is never lent")
        #expect(m.acquire(w(3)) == .queued([.connect(c(2))]))
    }

    @Test func releasedConnectionIsReusedWithoutConnecting() {
        var m = machine(size: 2, idle: 1)
        #expect(m.statistics == .init(open: 1, idle: 1))
        #expect(m.acquire(w(1)) == .leased(c(0)))
        #expect(m.release(c(0), reusable: true) == [])
        #expect(m.acquire(w(2)) == .leased(c(0)))
    }

    @Test func opensUpToTheLimitThenQueues() {
        var m = Machine(maximumConnections: 2)
        #expect(m.acquire(w(1)) == .queued([.connect(c(0))]))
        #expect(m.acquire(w(2)) == .queued([.connect(c(1))]))
        #expect(m.acquire(w(3)) == .queued([]))
        #expect(m.statistics == .init(connecting: 2, waiting: 3))
    }

    @Test func waitersAreServedFirstComeFirstServed() {
        var m = machine(size: 1, idle: 1)
        #expect(m.acquire(w(1)) == .leased(c(0)))
        #expect(m.acquire(w(2)) == .queued([]))
        #expect(m.acquire(w(3)) == .queued([]))
        #expect(m.acquire(w(4)) == .queued([]))
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(2))])
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(3))])
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(4))])
        #expect(m.release(c(0), reusable: true) == [])
        #expect(m.statistics == .init(open: 1, idle: 1))
    }

    @Test func timedOutWaiterIsRemovedAndSkipped() {
        var m = machine(size: 1, idle: 1)
        #expect(m.acquire(w(1)) == .leased(c(0)))
        #expect(m.acquire(w(2)) == .queued([]))
        #expect(m.acquire(w(3)) == .queued([]))
        let first = m.waiterTimedOut(w(2)), second = m.waiterTimedOut(w(2))
        #expect(first)
        #expect(!second, "a second report changes nothing")
        #expect(m.statistics.waiting == 1)
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(3))])
    }

    @Test func servedWaiterWinsTheRaceWithItsTimer() {
        var m = machine(size: 1, idle: 1)
        #expect(m.acquire(w(1)) == .leased(c(0)))
        #expect(m.acquire(w(2)) == .queued([]))
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(2))])
        let timedOut = m.waiterTimedOut(w(2)), cancelled = m.waiterCancelled(w(2))
        #expect(!timedOut && !cancelled)
    }

    @Test func brokenConnectionIsReplacedWhenSomeoneWaits() {
        var m = machine(size: 1, idle: 1)
        #expect(m.acquire(w(1)) == .leased(c(0)))
        #expect(m.acquire(w(2)) == .queued([]))
        #expect(m.release(c(0), reusable: false) == [.close(c(0)), .connect(c(1))])
        #expect(m.connected(c(1)) == [.lease(c(1), to: w(2))])
    }

    @Test func brokenConnectionWithNobodyWaitingIsDroppedAndReopenedOnDemand() {
        var m = machine(size: 1, idle: 1)
        #expect(m.acquire(w(1)) == .leased(c(0)))
        #expect(m.release(c(0), reusable: false) == [.close(c(0))])
        #expect(m.statistics == .init())
        #expect(m.acquire(w(2)) == .queued([.connect(c(1))]))
    }

    @Test func backoffDoublesFromFiftyMillisecondsUpToTwoSeconds() {
        let b = Machine.Backoff()
        let delays = (1...9).map { b.delay(afterFailures: $0) }
        #expect(delays == [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400),
                           .milliseconds(800), .milliseconds(1600), .seconds(2), .seconds(2), .seconds(2)])
    }

    @Test func failedConnectRetriesWithGrowingBackoffThenRecovers() {
        var m = Machine(maximumConnections: 2)
        #expect(m.acquire(w(1)) == .queued([.connect(c(0))]))
        #expect(m.connectFailed(c(0)) == [.connectAfter(c(0), .milliseconds(50))])
        #expect(m.statistics == .init(connecting: 1, waiting: 1))
        #expect(m.backoffElapsed(c(0)) == [.connect(c(0))])
        #expect(m.connectFailed(c(0)) == [.connectAfter(c(0), .milliseconds(100))])
        #expect(m.backoffElapsed(c(0)) == [.connect(c(0))])
        #expect(m.connectFailed(c(0)) == [.connectAfter(c(0), .milliseconds(200))])
        #expect(m.consecutiveConnectFailures == 3)
        #expect(m.backoffElapsed(c(0)) == [.connect(c(0))])
        // The server is back.
        #expect(m.connected(c(0)) == [.lease(c(0), to: w(1))])
        #expect(m.consecutiveConnectFailures == 0)
    }

    @Test func duringAnOutageOnlyOneConnectionProbes() {
        var m = Machine(maximumConnections: 3)
        #expect(m.acquire(w(1)) == .queued([.connect(c(0))]))
        #expect(m.acquire(w(2)) == .queued([.connect(c(1))]))
        #expect(m.connectFailed(c(0)) == [], "c1 is still trying")
        #expect(m.connectFailed(c(1)) == [.connectAfter(c(1), .milliseconds(100))])
        #expect(m.acquire(w(3)) == .queued([]), "no new connect while the probe backs off")
        #expect(m.backoffElapsed(c(1)) == [.connect(c(1))])
        // Recovery: the probe serves the first waiter and opens connections for the others.
        #expect(m.connected(c(1)) == [.lease(c(1), to: w(1)), .connect(c(2)), .connect(c(3))])
        #expect(m.connected(c(2)) == [.lease(c(2), to: w(2))])
        #expect(m.connected(c(3)) == [.lease(c(3), to: w(3))])
        #expect(m.statistics == .init(open: 3, inUse: 3))
    }

    @Test func probeWithNobodyWaitingIsDroppedAfterItsBackoff() {
        var m = Machine(maximumConnections: 2)
        #expect(m.acquire(w(1)) == .queued([.connect(c(0))]))
        #expect(m.connectFailed(c(0)) == [.connectAfter(c(0), .milliseconds(50))])
        let timedOut = m.waiterTimedOut(w(1))
        #expect(timedOut)
        #expect(m.backoffElapsed(c(0)) == [])
        #expect(m.statistics == .init())
        // The next acquisition connects at once, and a further failure backs off longer.
        #expect(m.acquire(w(2)) == .queued([.connect(c(1))]))
        #expect(m.connectFailed(c(1)) == [.connectAfter(c(1), .milliseconds(100))])
    }

    @Test func shutdownFailsWaitersClosesIdleAndClosesTheRestWhenTheyReturn() {
        var m = machine(size: 3, idle: 2)
        #expect(m.acquire(w(1)) == .leased(c(1)))
        #expect(m.acquire(w(2)) == .leased(c(0)))
        #expect(m.acquire(w(3)) == .queued([.connect(c(2))]))
        #expect(m.acquire(w(4)) == .queued([]))
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(3))])
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(4))])
        #expect(m.release(c(0), reusable: true) == [])
        // Now: c0 idle, c1 leased, c2 connecting, w5 waiting.
        #expect(m.acquire(w(5)) == .leased(c(0)))
        #expect(m.acquire(w(6)) == .queued([]))
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(6))])
        #expect(m.release(c(0), reusable: true) == [])
        #expect(m.acquire(w(7)) == .leased(c(0)))
        #expect(m.release(c(0), reusable: true) == [])
        #expect(m.acquire(w(8)) == .leased(c(0)))
        #expect(m.acquire(w(9)) == .queued([]))
        #expect(m.acquire(w(10)) == .queued([]))
        #expect(m.shutdown() == [.fail(w(9), .shutDown), .fail(w(10), .shutDown)])
        #expect(m.acquire(w(11)) == .rejected(.shutDown))
        #expect(m.release(c(0), reusable: true) == [.close(c(0))])
        #expect(m.release(c(1), reusable: true) == [.close(c(1))])
        #expect(m.connected(c(2)) == [.close(c(2))])
        #expect(m.statistics == .init())
        #expect(m.shutdown() == [])
    }

    @Test func shutdownClosesIdleConnectionsAndDropsBackingOffProbes() {
        var m = machine(size: 3, idle: 2)
        #expect(m.acquire(w(1)) == .leased(c(1)))
        #expect(m.acquire(w(2)) == .leased(c(0)))
        #expect(m.acquire(w(3)) == .queued([.connect(c(2))]))
        #expect(m.connectFailed(c(2)) == [.connectAfter(c(2), .milliseconds(50))])
        #expect(m.release(c(0), reusable: true) == [.lease(c(0), to: w(3))])
        #expect(m.release(c(0), reusable: true) == [])
        #expect(m.release(c(1), reusable: true) == [])
        #expect(m.statistics == .init(open: 2, idle: 2, connecting: 1))
        #expect(m.shutdown() == [.close(c(0)), .close(c(1))])
        #expect(m.backoffElapsed(c(2)) == [])
        #expect(m.statistics == .init())
    }

    @Test func staleEventsAreIgnored() {
        var m = machine(size: 1, idle: 1)
        #expect(m.release(c(0), reusable: true) == [], "releasing an idle connection twice")
        #expect(m.release(c(7), reusable: false) == [], "unknown connection")
        #expect(m.backoffElapsed(c(0)) == [])
        #expect(m.connectFailed(c(0)) == [])
        #expect(m.statistics == .init(open: 1, idle: 1))
    }
}

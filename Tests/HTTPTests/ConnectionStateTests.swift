import Testing
@testable import HTTP

/// The connection's state diagram, move by move.
@Suite struct ConnectionStateTests {
    static let all: [ConnectionState] = [
        .readingHead, .readingBody, .draining, .awaitingHandler,
        .writing(then: .readingHead), .writing(then: .readingBody), .writing(then: .draining), .writing(then: .closing),
        .closing, .closed,
    ]

    static let allowed: [(ConnectionState, ConnectionState)] = [
        (.readingHead, .readingBody), (.readingHead, .awaitingHandler),
        (.readingBody, .awaitingHandler), (.draining, .readingHead),
        (.writing(then: .readingHead), .readingHead), (.writing(then: .readingBody), .readingBody),
        (.writing(then: .draining), .draining), (.writing(then: .closing), .closing),
    ]

    @Test func exactlyTheDiagramsMovesAreAllowed() {
        for from in Self.all {
            for to in Self.all {
                var expected = Self.allowed.contains { $0.0 == from && $0.1 == to }
                if case .writing = to, from == .readingHead || from == .readingBody || from == .awaitingHandler { expected = true }
                if to == .closed && from != .closed { expected = true }
                #expect(from.canMove(to: to) == expected, "\(from) → \(to)")
            }
        }
    }

    @Test func nothingLeavesClosedAndAnAnsweredRequestNeverGoesBackToItsHandler() {
        #expect(ConnectionState.all.allSatisfy { !ConnectionState.closed.canMove(to: $0) })
        #expect(!ConnectionState.draining.canMove(to: .writing(then: .readingHead)), "a drained request was already answered")
        #expect(!ConnectionState.closing.canMove(to: .readingHead))
        #expect(!ConnectionState.writing(then: .closing).canMove(to: .readingHead))
    }

    @Test func theMinimumRateWaitsForTheGracePeriodThenAverages() {
        let rate = BodyRate(bytesPerSecond: 240, grace: .seconds(5))
        let second: UInt64 = 1_000_000_000
        #expect(!rate.isTooSlow(bytes: 0, elapsedNanoseconds: 5 * second), "never within the grace period")
        #expect(rate.isTooSlow(bytes: 0, elapsedNanoseconds: 5 * second + 1))
        #expect(!rate.isTooSlow(bytes: 1440, elapsedNanoseconds: 6 * second), "exactly 240 bytes/s is enough")
        #expect(rate.isTooSlow(bytes: 1439, elapsedNanoseconds: 6 * second))
        #expect(!rate.isTooSlow(bytes: Int.max, elapsedNanoseconds: UInt64.max), "no overflow")
        #expect(rate.isTooSlow(bytes: 1, elapsedNanoseconds: UInt64.max))
    }
}

extension ConnectionState {
    static var all: [ConnectionState] { ConnectionStateTests.all }
}

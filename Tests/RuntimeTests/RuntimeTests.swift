import Foundation
import Glibc
import Runtime
import Testing

@Suite struct RuntimeTests {
    @Test func theMonotonicClockNeverGoesBack() {
        var last = monotonicNanoseconds()
        for _ in 0..<10_000 {
            let now = monotonicNanoseconds()
            #expect(now >= last)
            last = now
        }
        usleep(2_000)
        #expect(monotonicNanoseconds() - last >= 2_000_000, "and it advances with real time")
    }

    @Test func aStartedThreadRunsItsBody() async throws {
        let ran = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            do {
                try startThread(name: "runtime-test") { c.resume(returning: true) }
            } catch {
                c.resume(returning: false)
            }
        }
        #expect(ran)
    }
}

@Suite("RFC 3339 timestamps") struct TimestampTests {
    @Test func agreesWithFoundationsFormatterAcrossCenturiesAndLeapDays() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var seconds: [Double] = [0, -1, -86_400.5, 951_782_400, 951_868_799.999, 1_793_786_400.123, 4_107_542_399.5, -2_208_988_800, 1_709_164_800]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { seconds.append(Double(Int64.random(in: -3_000_000_000...7_000_000_000, using: &rng)) / 1000 * 997) }
        // Whole milliseconds, and instants between them (PostgreSQL keeps microseconds): both round
        // to the nearest millisecond as Foundation does.
        for s in seconds {
            for date in [Date(timeIntervalSince1970: (s * 1000).rounded(.down) / 1000), Date(timeIntervalSince1970: s + 0.000_637),
                         Date(timeIntervalSince1970: s + 0.000_212)] {
                #expect(Timestamp.rfc3339(date) == f.string(from: date), "\(s)")
            }
        }
    }
}

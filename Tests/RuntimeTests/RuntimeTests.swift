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

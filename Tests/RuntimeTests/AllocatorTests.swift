import Glibc
import Runtime
import Testing

/// This process's resident set in bytes (`VmRSS`), or nil where /proc is not there.
private func residentBytes() -> Int? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard text.hasPrefix("VmRSS:") else { continue }
        return Int(text.dropFirst(6).filter { $0.isNumber }).map { $0 * 1024 }
    }
    return nil
}

@Suite struct AllocatorTests {
    /// 96 MiB in 1 KiB blocks, all freed but every 64th: the survivors keep the freed space from
    /// joining the top of the heap, so the allocator keeps it resident, as it does after a batch.
    /// A trim pass gives the free pages back.
    @Test func aPassReturnsFreedPagesTheAllocatorKept() async throws {
        let trimmer = MemoryTrimmer()
        let count = 96 * 1024
        var blocks = [UnsafeMutableRawPointer?](repeating: nil, count: count)
        for i in 0..<count {
            let p = malloc(1024)!
            memset(p, 0x5A, 1024)   // touched, so resident
            blocks[i] = p
        }
        for i in 0..<count where i % 64 != 0 { free(blocks[i]); blocks[i] = nil }
        let kept = try #require(residentBytes())

        let before = trimmer.passes
        trimmer.request()
        let deadline = ContinuousClock.now + .seconds(10)
        while trimmer.passes == before && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(trimmer.passes > before, "no pass ran")
        let trimmed = try #require(residentBytes())
        #expect(kept - trimmed > 48 << 20, "resident \(kept >> 20) MiB before the pass, \(trimmed >> 20) MiB after")

        for p in blocks where p != nil { free(p) }
    }

    /// Requests that keep coming within the settle time make one pass, after the last of them.
    @Test func aRunOfRequestsIsTrimmedOnceAfterItStops() async throws {
        let trimmer = MemoryTrimmer(settle: .milliseconds(700))
        for _ in 0..<10 {
            trimmer.request()
            try await Task.sleep(for: .milliseconds(30))
        }
        #expect(trimmer.passes == 0, "a pass ran while requests were still coming")
        let deadline = ContinuousClock.now + .seconds(10)
        while trimmer.passes == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(trimmer.passes == 1)
        try await Task.sleep(for: .milliseconds(900))
        #expect(trimmer.passes == 1, "more than one pass for one run of requests")
    }

    /// The cap is set unless the operator set `MALLOC_ARENA_MAX`, which then stands.
    @Test func arenaCapDefersToTheEnvironment() {
        #expect(Allocator.limitArenas(to: 2))
        setenv("MALLOC_ARENA_MAX", "4", 1)
        defer { unsetenv("MALLOC_ARENA_MAX") }
        #expect(!Allocator.limitArenas(to: 2))
    }

    @Test func residentBytesReadsThisProcess() throws {
        let rss = try #require(residentBytes())
        #expect(rss > 1 << 20 && rss < 1 << 40)
    }
}

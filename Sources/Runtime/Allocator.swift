import CSystem
import Dispatch
import Glibc
import Synchronization

/// The C allocator's settings for a long-running server (glibc's malloc serves Swift's allocations).
public enum Allocator {
    /// Caps glibc's arenas at `count`, unless `MALLOC_ARENA_MAX` is set (the operator's choice wins).
    /// Its default is 8 per core: every thread that allocates while another holds its arena's lock
    /// gets a new one, and each arena keeps the memory freed into it. With the event loops, the
    /// cooperative pool, 8 database connection threads and the log writer, that reached 11 arenas,
    /// and after four concurrent batches about 20 MiB more resident than with 2, for no measurable
    /// CPU per request (each thread's cache of small blocks takes most allocations without a lock).
    /// Call before starting threads. Returns whether the cap was set.
    @discardableResult
    public static func limitArenas(to count: Int32) -> Bool {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return false }
        return mallopt(M_ARENA_MAX, count) == 1
    }
}

/// Gives freed memory back to the system after a request with a large working set: a batch of
/// 5,000 notices or a schools import holds tens of MiB while it runs, and glibc's allocator keeps
/// what is freed in its arenas for reuse, so without this the process stays at its high-water mark
/// (four concurrent batches left it above 150 MiB). `malloc_trim(0)` returns every whole free page of
/// every arena. It walks the arenas under their locks, so it runs on a thread of its own, never on
/// the cooperative pool or an event loop. A pass waits until no request has come for `settle`:
/// while batches follow one another, a pass between two of them only hands back pages the next
/// one faults in again (four clients posting batches back to back spent about a twentieth of the
/// service's CPU in page faults when every batch was followed by a pass). Requests that arrive
/// while it waits or runs are folded into it or into one more pass.
public final class MemoryTrimmer: Sendable {
    public static let shared = MemoryTrimmer()

    private struct State {
        var started = false
        /// No thread could be started: trimming is skipped (memory is kept, nothing else changes).
        var unavailable = false
    }

    private let state = Mutex(State())
    /// Signalled once per request.
    private let wake = DispatchSemaphore(value: 0)
    private let completed = Atomic<Int>(0)
    private let settleNanoseconds: Int

    /// `settle`: how long a pass waits for requests to stop coming.
    public init(settle: Duration = .milliseconds(500)) {
        let parts = settle.components
        settleNanoseconds = Int(parts.seconds) * 1_000_000_000 + Int(parts.attoseconds / 1_000_000_000)
    }

    /// Passes completed so far (tests wait for one).
    public var passes: Int { completed.load(ordering: .acquiring) }

    /// Asks for a pass soon; returns at once.
    public func request() {
        let (signal, start) = state.withLock { s -> (Bool, Bool) in
            guard !s.unavailable else { return (false, false) }
            let start = !s.started
            s.started = true
            return (true, start)
        }
        if start {
            do {
                try startThread(name: "cme-trim") { [self] in
                    while true {
                        wake.wait()
                        // Each request that comes within the settle time (its signal taken here)
                        // puts the pass off again.
                        while wake.wait(timeout: .now() + .nanoseconds(settleNanoseconds)) == .success {}
                        _ = malloc_trim(0)
                        completed.add(1, ordering: .releasing)
                    }
                }
            } catch {
                state.withLock { $0.unavailable = true }
                return
            }
        }
        if signal { wake.signal() }
    }
}

import Dispatch
import Glibc
import Runtime
import Synchronization

/// The OS thread that carries one connection's libpq calls, so that blocking libpq never runs on
/// Swift's cooperative thread pool (docs/architecture.md, "Database access rules"). Callers submit jobs and suspend on a
/// `CheckedContinuation`; the thread runs jobs one at a time in submission order and resumes them.
/// The thread ends after `stop()`, once the jobs submitted before it have run.
final class ConnectionThread: Sendable {
    typealias Job = @Sendable (LibpqSession) -> Void

    private enum Item: Sendable {
        case job(Job)
        case stop
    }

    private struct Queue {
        var items: [Item] = []
        var stopped = false
    }

    /// Items waiting to run; touched only inside this Mutex. One semaphore signal per item.
    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Throws `.client` when the system refuses a thread (nothing would ever run the jobs).
    init(name: String) throws {
        try Self.spawn(name: name) { [self] in self.loop() }
    }

    /// A detached thread (`Runtime.startThread`); a thread the system refuses is an error, never a
    /// caller left suspended forever.
    private static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws {
        do {
            try startThread(name: name, body)
        } catch {
            throw PostgresError.client("cannot start thread \(name): \(error)")
        }
    }

    /// Runs `work` on the connection thread and returns its result to the suspended caller.
    func run<T: Sendable>(_ work: @escaping @Sendable (LibpqSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit { session in
                continuation.resume(with: Result { try work(session) })
            }
            if !accepted { continuation.resume(throwing: PostgresError.client("the connection is closed")) }
        }
    }

    /// Asks the thread to close the session and end after the jobs already queued.
    func stop() {
        let first = queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.stopped = true
            queue.items.append(.stop)
            return true
        }
        if first { wakeUp.signal() }
    }

    /// Queues `job`; false (and nothing queued) once the thread is stopping.
    func submit(_ job: @escaping Job) -> Bool {
        let accepted = queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.items.append(.job(job))
            return true
        }
        if accepted { wakeUp.signal() }
        return accepted
    }

    private func loop() {
        let session = LibpqSession()
        while true {
            wakeUp.wait()
            switch queue.withLock({ $0.items.removeFirst() }) {
            case .job(let job):
                job(session)
            case .stop:
                session.finish()
                return
            }
        }
    }
}

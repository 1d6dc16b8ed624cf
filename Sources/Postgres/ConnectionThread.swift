import Dispatch
import Glibc
import Runtime
import Synchronization

/// The OS thread that carries one connection's libpq calls, so that blocking libpq never runs on
/// Swift's cooperative thread pool (docs/architecture.md, "Database access rules"). Callers submit jobs and suspend on a
/// `CheckedContinuation`; the thread runs jobs one at a time in submission order and resumes them.
/// The thread ends after `stop()`, once the jobs submitted before it have run.
///
/// It is also a task executor: a transaction runs its body with this thread as its preferred
/// executor (`PostgresConnection.transaction`), so the body's code between statements runs here too,
/// and each statement is a plain call on this thread (`run`), with no hop to it and back.
final class ConnectionThread: TaskExecutor, Sendable {
    typealias Job = @Sendable (LibpqSession) -> Void

    private enum Item: Sendable {
        case job(Job)
        case task(UnownedJob)
        case stop
    }

    /// The session, touched only on this thread (by jobs, by `loop`, and by `run` called here).
    private nonisolated(unsafe) let session = LibpqSession()
    /// This thread's id once it runs (`pthread_self`), for `run` to know it is called here.
    private let threadID = Atomic<UInt>(0)

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

    /// Whether the caller runs on this thread (a transaction's body, which prefers it as executor).
    private var isCurrent: Bool {
        let id = threadID.load(ordering: .acquiring)
        return id != 0 && pthread_equal(pthread_t(id), pthread_self()) != 0
    }

    /// Runs `work` on the connection thread and returns its result: called here, directly; from
    /// elsewhere, as a job, the caller suspended until it has run.
    func run<T: Sendable>(_ work: @escaping @Sendable (LibpqSession) throws -> T) async throws -> T {
        if isCurrent { return try work(session) }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
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

    /// A task that prefers this thread continues here. Once the thread is stopping, it continues on
    /// the global executor instead (never lost).
    func enqueue(_ job: consuming ExecutorJob) {
        let task = UnownedJob(job)
        let accepted = queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.items.append(.task(task))
            return true
        }
        if accepted {
            wakeUp.signal()
        } else {
            globalConcurrentExecutor.enqueue(ExecutorJob(task))
        }
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
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        while true {
            wakeUp.wait()
            switch queue.withLock({ $0.items.removeFirst() }) {
            case .job(let job):
                job(session)
            case .task(let task):
                task.runSynchronously(on: asUnownedTaskExecutor())
            case .stop:
                session.finish()
                // The id may be another thread's later: nothing may take that one for this.
                threadID.store(0, ordering: .releasing)
                return
            }
        }
    }
}

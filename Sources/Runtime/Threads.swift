import CSystem
import Glibc

/// Starts a detached OS thread running `body` (the event loops must not be cooperative-pool threads).
/// Detached, so its stack is returned when it ends; nobody joins it. Throws when the system refuses
/// a thread: a caller waiting for `body` must never wait on a thread that does not exist.
public func startThread(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
    final class Box: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(_ name: String, _ body: @escaping @Sendable () -> Void) { self.name = name; self.body = body }
    }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let box = Unmanaged.passRetained(Box(name, body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, &attributes, { arg in
        let box = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
        // Named from inside: a detached thread's handle may be gone by the time create returns.
        // Linux limits thread names to 15 bytes.
        _ = pthread_setname_np(pthread_self(), String(decoding: box.name.utf8.prefix(15), as: UTF8.self))
        box.body()
        return nil
    }, box)
    guard rc == 0 else {
        Unmanaged<Box>.fromOpaque(box).release()
        throw SystemError("starting thread \(name)", errno: rc)
    }
}

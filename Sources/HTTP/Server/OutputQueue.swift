import Glibc

/// Response bytes waiting for the socket, as the segments they were made of (an encoded head, a
/// handler's body, a `100 Continue`), written with one gathering `sendmsg` per call instead of being
/// copied into one buffer first. `sendmsg` rather than `writev` so that `MSG_NOSIGNAL` applies: a
/// client that has gone away is an error code, never a SIGPIPE.
struct OutputQueue {
    private var segments: [[UInt8]] = []
    /// Index of the first segment not completely written, and how much of it is.
    private var first = 0
    private var offset = 0

    /// Most segments one `sendmsg` takes (well below the kernel's IOV_MAX of 1024).
    static let maxSegmentsPerWrite = 32

    var isEmpty: Bool { first == segments.count }

    /// Bytes not yet written.
    var count: Int {
        var n = -offset
        for i in first..<segments.count { n += segments[i].count }
        return n
    }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if isEmpty {
            segments.removeAll(keepingCapacity: true)
            first = 0
            offset = 0
        }
        segments.append(bytes)
    }

    mutating func removeAll() {
        segments.removeAll(keepingCapacity: false)
        first = 0
        offset = 0
    }

    enum WriteOutcome: Equatable {
        /// Everything queued is written.
        case done
        /// The socket is full; wait for it to become writable.
        case wouldBlock
        /// The connection is broken (reset, or closed by the peer).
        case failed
    }

    /// Writes as much as the socket takes.
    mutating func write(to fd: Int32) -> WriteOutcome {
        while !isEmpty {
            let n = gatherAndSend(fd)
            if n > 0 {
                advance(by: n)
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return .wouldBlock
            } else {
                return .failed
            }
        }
        // Drop what was written; a queue that held a large body gives its memory back.
        segments.removeAll(keepingCapacity: segments.capacity <= 16)
        first = 0
        offset = 0
        return .done
    }

    private mutating func advance(by written: Int) {
        var n = written
        while n > 0 && first < segments.count {
            let left = segments[first].count - offset
            if n >= left {
                n -= left
                segments[first] = []   // release a large body as soon as it is out
                first += 1
                offset = 0
            } else {
                offset += n
                n = 0
            }
        }
    }

    /// One `sendmsg` over up to `maxSegmentsPerWrite` segments. Each segment's bytes are borrowed
    /// inside a nested `withUnsafeBytes`, and the call is made from the innermost closure, so every
    /// pointer in the iovec array is valid for exactly as long as the kernel reads it.
    private func gatherAndSend(_ fd: Int32) -> Int {
        let count = min(Self.maxSegmentsPerWrite, segments.count - first)
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { iov in
            func borrow(_ k: Int) -> Int {
                if k == count {
                    var message = msghdr()
                    message.msg_iov = iov.baseAddress
                    message.msg_iovlen = count
                    return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                }
                return segments[first + k].withUnsafeBytes { raw in
                    let skip = k == 0 ? offset : 0
                    iov[k] = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress! + skip), iov_len: raw.count - skip)
                    return borrow(k + 1)
                }
            }
            return borrow(0)
        }
    }
}

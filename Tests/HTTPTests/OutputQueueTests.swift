import Glibc
import Testing
@testable import HTTP

/// Gathered writes over a real socket pair, including a full socket and a vanished peer.
@Suite struct OutputQueueTests {
    func socketPair() -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        return (fds[0], fds[1])
    }

    func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    @Test func manySegmentsArriveWholeAndInOrder() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        var q = OutputQueue()
        var expected: [UInt8] = []
        for i in 0..<100 {   // more than one sendmsg's worth of segments
            let segment = Array(repeating: UInt8(i), count: i % 7 + 1)
            q.append(segment)
            expected += segment
        }
        q.append([])   // empty segments are not kept
        #expect(q.count == expected.count)
        #expect(q.write(to: a) == .done)
        #expect(q.isEmpty)
        #expect(readAll(b) == expected)
    }

    @Test func aFullSocketWaitsAndResumesMidSegment() {
        let (a, b) = socketPair()
        defer { close(a); close(b) }
        var q = OutputQueue()
        let big = (0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        q.append(Array("head".utf8))
        q.append(big)
        q.append(Array("tail".utf8))
        var received: [UInt8] = []
        var rounds = 0
        while true {
            let outcome = q.write(to: a)
            received += readAll(b)
            rounds += 1
            if outcome == .done { break }
            #expect(outcome == .wouldBlock)
            if rounds > 10_000 { break }
        }
        received += readAll(b)
        #expect(rounds > 1, "the socket filled at least once")
        #expect(received == Array("head".utf8) + big + Array("tail".utf8))
    }

    @Test func aClosedPeerIsAFailureNotASignal() {
        let (a, b) = socketPair()
        close(b)
        defer { close(a) }
        var q = OutputQueue()
        q.append(Array("x".utf8))
        #expect(q.write(to: a) == .failed)
    }
}

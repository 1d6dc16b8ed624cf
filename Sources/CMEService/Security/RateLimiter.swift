import Foundation
import Runtime
import Synchronization

/// A token bucket per client (no rule sets the figures; they are ours): `burst` requests at once, refilled
/// at `perSecond`. The buckets are spread over shards, each behind its own short lock, so a client
/// hammering the service costs the others nothing but its own refusals.
public final class RateLimiter: Sendable {
    public let perSecond: Double
    public let burst: Double

    private struct Bucket {
        var tokens: Double
        var updated: UInt64
    }
    private final class Shard: Sendable {
        let buckets = Mutex<[UUID: Bucket]>([:])
    }
    private let shards: [Shard]

    public init(perSecond: Double, burst: Double) {
        self.perSecond = max(0.001, perSecond)
        self.burst = max(1, burst)
        shards = (0..<16).map { _ in Shard() }
    }

    /// Takes one token for the client: nil when allowed, else the whole seconds until one is free.
    public func take(for client: UUID, now: UInt64 = monotonicNanoseconds()) -> Int? {
        let shard = shards[Int(client.uuid.15 & 15)]
        return shard.buckets.withLock { buckets -> Int? in
            var b = buckets[client] ?? Bucket(tokens: burst, updated: now)
            let elapsed = Double(now &- b.updated) / 1e9
            b.tokens = min(burst, b.tokens + elapsed * perSecond)
            b.updated = now
            defer {
                buckets[client] = b
                if buckets.count > 50_000 { buckets = buckets.filter { $0.value.tokens < burst } }
            }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - b.tokens) / perSecond).rounded(.up)))
        }
    }
}

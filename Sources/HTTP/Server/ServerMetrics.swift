import Synchronization

/// Request counts and latency histograms by route and status, plus open connections, kept in one shard
/// per event loop so that loops never contend; `/metrics` merges the shards when scraped.
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    public static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: ServerMetrics.buckets.count + 1)
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func record(_ seconds: Double) {
            var i = 0
            while i < ServerMetrics.buckets.count && seconds > ServerMetrics.buckets[i] { i += 1 }
            counts[i] += 1
            sum += seconds
            count += 1
        }

        mutating func merge(_ o: Histogram) {
            for i in counts.indices { counts[i] += o.counts[i] }
            sum += o.sum
            count += o.count
        }
    }

    struct Shard {
        var requests: [Key: UInt64] = [:]
        var latency: [String: Histogram] = [:]
    }

    /// A shard behind its own lock (Mutex is not copyable, so it cannot sit in an array directly).
    final class LockedShard: Sendable {
        let lock = Mutex(Shard())
    }

    private let shards: [LockedShard]
    let openConnections = Atomic<Int>(0)
    let acceptedConnections = Atomic<Int>(0)
    let rejectedConnections = Atomic<Int>(0)
    let evictedConnections = Atomic<Int>(0)

    public init(shards: Int) {
        self.shards = (0..<max(1, shards)).map { _ in LockedShard() }
    }

    func record(shard: Int, route: String, method: String, status: Int, seconds: Double) {
        shards[shard % shards.count].lock.withLock { s in
            s.requests[Key(route: route, method: method, status: status), default: 0] += 1
            s.latency[route, default: Histogram()].record(seconds)
        }
    }

    public var currentOpenConnections: Int { openConnections.load(ordering: .relaxed) }

    /// Prometheus text exposition format 0.0.4.
    public func exposition() -> String {
        var requests: [Key: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        for shard in shards {
            shard.lock.withLock { s in
                requests.merge(s.requests, uniquingKeysWith: +)
                for (route, h) in s.latency { latency[route, default: Histogram()].merge(h) }
            }
        }
        var out = "# HELP http_requests_total HTTP requests answered, by route pattern, method and status.\n"
        out += "# TYPE http_requests_total counter\n"
        for (key, n) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "http_requests_total{route=\(label(key.route)),method=\(label(key.method)),status=\"\(key.status)\"} \(n)\n"
        }
        out += "# HELP http_request_duration_seconds Time from a complete request to its response, by route pattern.\n"
        out += "# TYPE http_request_duration_seconds histogram\n"
        for (route, h) in latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (i, bound) in ServerMetrics.buckets.enumerated() {
                cumulative += h.counts[i]
                out += "http_request_duration_seconds_bucket{route=\(label(route)),le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += h.counts[ServerMetrics.buckets.count]
            out += "http_request_duration_seconds_bucket{route=\(label(route)),le=\"+Inf\"} \(cumulative)\n"
            out += "http_request_duration_seconds_sum{route=\(label(route))} \(h.sum)\n"
            out += "http_request_duration_seconds_count{route=\(label(route))} \(h.count)\n"
        }
        out += "# HELP http_open_connections Client connections open now.\n# TYPE http_open_connections gauge\n"
        out += "http_open_connections \(openConnections.load(ordering: .relaxed))\n"
        out += "# HELP http_connections_accepted_total Client connections accepted.\n# TYPE http_connections_accepted_total counter\n"
        out += "http_connections_accepted_total \(acceptedConnections.load(ordering: .relaxed))\n"
        out += "# HELP http_connections_rejected_total New connections closed at once because the cap was reached and no connection was idle.\n"
        out += "# TYPE http_connections_rejected_total counter\n"
        out += "http_connections_rejected_total \(rejectedConnections.load(ordering: .relaxed))\n"
        out += "# HELP http_connections_evicted_total Idle connections closed to admit a new one at the connection cap.\n"
        out += "# TYPE http_connections_evicted_total counter\n"
        out += "http_connections_evicted_total \(evictedConnections.load(ordering: .relaxed))\n"
        return out
    }

    private func label(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}

import Dispatch
import Glibc
import Synchronization

/// Severity, ordered; `LOG_LEVEL` names one of these.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case debug, info, warning, error

    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// A value in a log line's fields.
public enum LogValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }

    func appendJSON(to out: inout [UInt8]) {
        switch self {
        case .string(let s): JSONText.appendQuoted(s, to: &out)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? String(d) : "null").utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        }
    }
}

/// One JSON object per line on stdout. Lines are buffered and written by a background thread every
/// 50 ms (woken early past 64 KiB), so that logging a request costs the event loop no system call and
/// never waits for a slow stdout. If the output stalls and 16 MiB pile up, further lines are dropped
/// and counted (a line saying how many follows), rather than growing without bound.
/// Callers must never pass personal data: routes, not paths; ids, not names.
public final class Logger: Sendable {
    public enum Output: Sendable {
        case standardOutput, standardError, discard
        /// An open descriptor the caller owns (tests use a pipe).
        case descriptor(Int32)
    }

    public let level: LogLevel
    private let fd: Int32
    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        /// No background writer could be started: whoever logs writes.
        var synchronous = false
    }
    private let pending = Mutex(Pending())
    /// Held while writing, so concurrent flushes keep lines whole and in order.
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)
    private static let wakeThreshold = 64 * 1024
    private static let dropThreshold = 16 * 1024 * 1024

    public init(level: LogLevel = .info, output: Output = .standardOutput) {
        self.level = level
        switch output {
        case .standardOutput: fd = 1
        case .standardError: fd = 2
        case .discard: fd = -1
        case .descriptor(let d): fd = d
        }
        if fd >= 0 {
            do {
                try startThread(name: "cme-log") { [weak self] in
                    while let logger = self {
                        _ = logger.wake.wait(timeout: .now() + .milliseconds(50))
                        logger.flush()
                    }
                }
            } catch {
                pending.withLock { $0.synchronous = true }
            }
        }
    }

    public func isEnabled(_ level: LogLevel) -> Bool { fd >= 0 && level >= self.level }

    public func log(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, LogValue> = [:]) {
        guard isEnabled(level) else { return }
        log(level, message, fields: Array(fields))
    }

    public func log(_ level: LogLevel, _ message: String, fields: [(key: String, value: LogValue)]) {
        guard isEnabled(level) else { return }
        let line = Logger.line(level, message, fields: fields)
        let (wakeWriter, writeNow) = pending.withLock { p -> (Bool, Bool) in
            guard p.bytes.count < Logger.dropThreshold else {
                p.dropped += 1
                return (false, false)
            }
            let before = p.bytes.count
            p.bytes.append(contentsOf: line)
            return (before < Logger.wakeThreshold && p.bytes.count >= Logger.wakeThreshold, p.synchronous)
        }
        if writeNow { flush() } else if wakeWriter { wake.signal() }
    }

    /// One JSON object and its newline, as bytes.
    static func line(_ level: LogLevel, _ message: String, fields: [(key: String, value: LogValue)]) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        line.append(contentsOf: #"{"ts":""#.utf8)
        appendTimestamp(to: &line)
        line.append(contentsOf: #"","level":""#.utf8)
        line.append(contentsOf: level.name.utf8)
        line.append(contentsOf: #"","msg":"#.utf8)
        JSONText.appendQuoted(message, to: &line)
        for (key, value) in fields {
            line.append(UInt8(ascii: ","))
            JSONText.appendQuoted(key, to: &line)
            line.append(UInt8(ascii: ":"))
            value.appendJSON(to: &line)
        }
        line.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        return line
    }

    public func debug(_ m: String, _ f: KeyValuePairs<String, LogValue> = [:]) { log(.debug, m, fields: Array(f)) }
    public func info(_ m: String, _ f: KeyValuePairs<String, LogValue> = [:]) { log(.info, m, fields: Array(f)) }
    public func warning(_ m: String, _ f: KeyValuePairs<String, LogValue> = [:]) { log(.warning, m, fields: Array(f)) }
    public func error(_ m: String, _ f: KeyValuePairs<String, LogValue> = [:]) { log(.error, m, fields: Array(f)) }

    /// Writes out everything buffered; call before exiting.
    public func flush() {
        guard fd >= 0 else { return }
        writing.withLock { _ in
            let (taken, dropped) = pending.withLock { p -> ([UInt8], Int) in
                let taken = (p.bytes, p.dropped)
                p.bytes = []
                p.bytes.reserveCapacity(min(taken.0.count, Logger.wakeThreshold * 2))
                p.dropped = 0
                return taken
            }
            var out = taken
            if dropped > 0 {
                out.append(contentsOf: Logger.line(.warning, "log lines dropped", fields: [("count", .int(dropped))]))
            }
            guard !out.isEmpty else { return }
            out.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
                }
            }
        }
    }

    /// Now, in RFC 3339 UTC with milliseconds, as bytes without building strings (once per request).
    static func appendTimestamp(to out: inout [UInt8]) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(tm.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(tm.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(tm.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(tm.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(tm.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(tm.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(ts.tv_nsec / 1_000_000, 3); out.append(UInt8(ascii: "Z"))
    }
}

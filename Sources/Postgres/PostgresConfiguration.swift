import CLibpq

/// How to reach the database and size the pool.
///
/// `url` is anything libpq accepts: a URI (`postgresql://user:pw@host:port/db?sslmode=...`) or a
/// `key=value` string. On top of it every connection sets `client_encoding=UTF8`,
/// `TimeZone=UTC` and `DateStyle=ISO` (appended to any `options` the URL has),
/// `application_name`, `connect_timeout` and TCP keepalives; these win over the URL's own values.
public struct PostgresConfiguration: Sendable {
    public var url: String
    /// Most connections the pool opens (it opens them lazily, on demand).
    public var poolSize: Int
    /// Longest an acquisition waits for a free connection before failing with `.poolTimeout`
    /// (or `.connectionUnavailable` when the last connection attempt failed).
    public var acquireTimeout: Duration
    /// libpq's `connect_timeout`, in whole seconds, at least 2 (libpq's own minimum).
    public var connectTimeout: Duration
    public var applicationName: String
    /// Reconnect back-off: first delay, doubling per consecutive failure, capped.
    public var reconnectInitialDelay: Duration = .milliseconds(50)
    public var reconnectMaximumDelay: Duration = .seconds(2)
    /// How long a connection whose buffers a large statement grew may sit idle before the pool
    /// closes it (a new one is opened when needed). Not at once: a busy batch client reuses it.
    public var outgrownIdleLimit: Duration = .seconds(5)

    public init(url: String, poolSize: Int = 4, acquireTimeout: Duration = .seconds(5),
                connectTimeout: Duration = .seconds(5), applicationName: String = "cme-tracker") {
        self.url = url
        self.poolSize = max(1, poolSize)
        self.acquireTimeout = acquireTimeout
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// Why libpq cannot parse `url` (its own words, one line), or nil when it can. For checking a
    /// setting at start-up, before any connection is tried. libpq quotes the part it choked on,
    /// sometimes the whole URL: a quoted part that holds a password or user info is replaced by "…",
    /// so the message can be printed and logged.
    public static func problem(withURL url: String) -> String? {
        var errorMessage: UnsafeMutablePointer<CChar>? = nil
        if let options = PQconninfoParse(url, &errorMessage) {
            PQconninfoFree(options)
            return nil
        }
        guard let errorMessage else { return "libpq could not parse it" }
        defer { PQfreemem(errorMessage) }
        let text = String(cString: errorMessage).split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.isEmpty ? "libpq could not parse it" : redactingSecrets(text, of: url)
    }

    /// `message` with every double-quoted part that could reveal a secret of `url` replaced by "…":
    /// parts holding "@" (user info), or overlapping a password (`user:password@` or `password=`).
    static func redactingSecrets(_ message: String, of url: String) -> String {
        var secrets: [Substring] = []
        if let scheme = url.range(of: "://") {
            let authority = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                secrets.append(authority[authority.index(after: colon)..<at])
            }
        }
        var rest = url[...]
        while let found = rest.range(of: "password=") {
            let value = rest[found.upperBound...].prefix { $0 != "&" && $0 != " " }
            secrets.append(value)
            rest = rest[found.upperBound...]
        }
        secrets.removeAll { $0.isEmpty }
        var out = ""
        var quoted: String? = nil
        for ch in message {
            if ch == "\"" {
                if let part = quoted {
                    let risky = part.contains("@") || secrets.contains { part.contains($0) || (part.count >= 3 && $0.contains(part)) }
                    out += "\"" + (risky ? "…" : part) + "\""
                    quoted = nil
                } else {
                    quoted = ""
                }
            } else if quoted != nil {
                quoted!.append(ch)
            } else {
                out.append(ch)
            }
        }
        if let part = quoted { out += "\"" + (part.contains("@") || !secrets.isEmpty ? "…" : part) }
        return out
    }

    /// The URL's parameters as libpq parses them; nil when libpq cannot parse it.
    var parsedParameters: [(key: String, value: String)]? {
        var errorMessage: UnsafeMutablePointer<CChar>? = nil
        guard let options = PQconninfoParse(url, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var result: [(key: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { result.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return result
    }

    /// Where the pool connects, for logs: `postgresql://user@host:port/db`, never the password.
    public var redactedDescription: String {
        guard let parameters = parsedParameters else { return "<unparseable connection string>" }
        func value(_ key: String) -> String? { parameters.first { $0.key == key }?.value }
        let user = value("user").map { $0 + "@" } ?? ""
        let port = value("port").map { ":" + $0 } ?? ""
        return "postgresql://\(user)\(value("host") ?? value("hostaddr") ?? "")\(port)/\(value("dbname") ?? "")"
    }

    /// Keyword/value pairs for `PQconnectdbParams` (with `expand_dbname`): the URL first, then our
    /// settings, which libpq lets override it because later keywords win.
    var connectionKeywords: [(String, String)] {
        let existingOptions = parsedParameters?.first { $0.key == "options" }?.value
        let sessionOptions = [existingOptions, "-c TimeZone=UTC -c DateStyle=ISO"].compactMap { $0 }.joined(separator: " ")
        let seconds = max(2, Int((Double(connectTimeout.components.seconds) + Double(connectTimeout.components.attoseconds) / 1e18).rounded(.up)))
        return [
            ("dbname", url),
            ("client_encoding", "UTF8"),
            ("options", sessionOptions),
            ("application_name", applicationName),
            ("connect_timeout", String(seconds)),
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
        ]
    }
}

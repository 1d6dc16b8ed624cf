import CMEService
import HTTP

/// Authorisation as one table (docs/security.md): for every authenticated route, the roles that may call
/// it. Route groups fill it as they register routes, and it is checked in one place before any
/// handler runs; per-resource checks (a school's own URN, an agency's own enquiries) are the
/// services'. A route with no entry here is not an authenticated route (the operations routes).
public struct AccessRules: Sendable {
    public struct Key: Hashable, Sendable {
        public var method: String
        public var pattern: String
    }
    public private(set) var allowed: [Key: Set<Role>] = [:]

    mutating func allow(_ roles: Set<Role>, method: String, pattern: String) {
        allowed[Key(method: method, pattern: pattern)] = roles
    }

    public func roles(method: String, pattern: String) -> Set<Role>? {
        allowed[Key(method: method, pattern: pattern)] ?? (method == "HEAD" ? allowed[Key(method: "GET", pattern: pattern)] : nil)
    }
}

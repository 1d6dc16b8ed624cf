/// A request handler. It always returns a response: errors are responses too.
public typealias Handler = @Sendable (Request) async -> Response

/// A handler that answers at once from what it holds (no database, no waiting): the server runs it on
/// the event loop that read the request, with no task and no thread hop, as for `/healthz`.
public typealias ImmediateHandler = @Sendable (Request) -> Response

/// One route: a method, a pattern of literal and `{name}` segments, and the body limit for its requests.
public struct Route: Sendable {
    public let method: String
    public let pattern: String
    public let bodyLimit: Int?
    public let handler: Handler
    /// Set for a route registered with `immediate`: the same answer as `handler`, run on the loop.
    public let immediate: ImmediateHandler?
}

/// What the router found for a method and path.
public enum RouteMatch: Sendable {
    case found(Route, parameters: [String: String])
    /// The path exists but not for this method; `allow` lists the methods that do (RFC 9110 15.5.6).
    /// `pattern` is the route pattern the path matched, for logs and metrics.
    case methodNotAllowed(pattern: String, allow: [String])
    case notFound
}

/// Routes by path segments: literal segments win over `{parameter}` segments at the same depth.
/// Built once before the server starts, then only read (a value type, so sharing it is safe).
public struct Router: Sendable {
    private final class Node: @unchecked Sendable {
        // Mutated only while the router is being built, before it is shared; read-only afterwards.
        var literals: [String: Node] = [:]
        var parameter: (name: String, node: Node)?
        var routes: [String: Route] = [:]

        func deepCopy() -> Node {
            let copy = Node()
            copy.literals = literals.mapValues { $0.deepCopy() }
            copy.parameter = parameter.map { ($0.name, $0.node.deepCopy()) }
            copy.routes = routes
            return copy
        }
    }

    private var root = Node()
    public private(set) var patterns: [(method: String, pattern: String)] = []

    public init() {}

    /// Registers `handler` for `method` at `pattern` (e.g. `/v1/cases/{id}`). A `GET` route answers `HEAD` too.
    public mutating func add(_ method: String, _ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        add(Route(method: method, pattern: pattern, bodyLimit: bodyLimit, handler: handler, immediate: nil))
    }

    /// Registers a `GET` route answered on the event loop (see `ImmediateHandler`). Only for answers
    /// that take microseconds: the loop's other connections wait meanwhile.
    public mutating func immediate(_ pattern: String, _ handler: @escaping ImmediateHandler) {
        add(Route(method: "GET", pattern: pattern, bodyLimit: nil, handler: { handler($0) }, immediate: handler))
    }

    private mutating func add(_ route: Route) {
        let (method, pattern) = (route.method, route.pattern)
        precondition(pattern.hasPrefix("/"), "route patterns start with /")
        // Copy on write: a copy of this router (one a server already holds, say) never sees the change.
        if !isKnownUniquelyReferenced(&root) { root = root.deepCopy() }
        var node = root
        for segment in Router.segments(of: Substring(pattern)) {
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                let name = String(segment.dropFirst().dropLast())
                if let existing = node.parameter {
                    precondition(existing.name == name, "conflicting parameter names at \(pattern)")
                    node = existing.node
                } else {
                    let child = Node()
                    node.parameter = (name, child)
                    node = child
                }
            } else {
                if let child = node.literals[String(segment)] {
                    node = child
                } else {
                    let child = Node()
                    node.literals[String(segment)] = child
                    node = child
                }
            }
        }
        precondition(node.routes[method] == nil, "duplicate route \(method) \(pattern)")
        node.routes[method] = route
        patterns.append((method, pattern))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping Handler) { add("GET", pattern, handler) }
    public mutating func post(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        add("POST", pattern, bodyLimit: bodyLimit, handler)
    }
    public mutating func put(_ pattern: String, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        add("PUT", pattern, bodyLimit: bodyLimit, handler)
    }
    public mutating func patch(_ pattern: String, _ handler: @escaping Handler) { add("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping Handler) { add("DELETE", pattern, handler) }

    /// Finds the route for a still percent-encoded path.
    public func match(method: String, path: Substring) -> RouteMatch {
        var node = root
        var parameters: [String: String] = [:]
        for raw in Router.segments(of: path) {
            guard let segment = RequestTarget.percentDecode(raw) else { return .notFound }
            if let child = node.literals[segment] {
                node = child
            } else if let (name, child) = node.parameter, !segment.isEmpty {
                parameters[name] = segment
                node = child
            } else {
                return .notFound
            }
        }
        if node.routes.isEmpty { return .notFound }
        if let route = node.routes[method] ?? (method == "HEAD" ? node.routes["GET"] : nil) {
            return .found(route, parameters: parameters)
        }
        var allow = Set(node.routes.keys)
        if allow.contains("GET") { allow.insert("HEAD") }
        let pattern = node.routes.values.first?.pattern ?? ""   // every route of a node shares its pattern
        return .methodNotAllowed(pattern: pattern, allow: allow.sorted())
    }

    /// Path segments after the leading `/`; `/` alone has one empty segment so that it can be routed.
    static func segments(of path: Substring) -> [Substring] {
        var p = path
        if p.hasPrefix("/") { p = p.dropFirst() }
        return p.split(separator: "/", omittingEmptySubsequences: false)
    }
}

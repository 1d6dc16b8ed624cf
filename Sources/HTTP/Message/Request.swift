/// A complete request as a handler sees it: framing already checked and the body fully read.
public struct Request: Sendable {
    public var method: String
    /// The request-target exactly as sent.
    public var target: String
    /// The path of the target, still percent-encoded (absolute-form targets are reduced to their path).
    public var path: String
    public var query: QueryParameters
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var trailers: HTTPHeaders
    /// Values of the route's `{name}` segments, percent-decoded.
    public var pathParameters: [String: String]
    /// The route pattern that matched (e.g. `/v1/cases/{id}`), for logs and metrics; never the raw path.
    public var route: String
    /// `X-Request-ID` as sent (when well formed) or generated; echoed on the response.
    public var requestID: String

    public init(method: String, target: String, path: String, query: QueryParameters = QueryParameters(),
                version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
                trailers: HTTPHeaders = HTTPHeaders(), pathParameters: [String: String] = [:],
                route: String = "", requestID: String = "") {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
        self.pathParameters = pathParameters
        self.route = route
        self.requestID = requestID
    }
}

/// The decoded `name=value` pairs of a query string, in order, repeated names kept.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var items: [(name: String, value: String)]

    public init(_ items: [(name: String, value: String)] = []) {
        self.items = items
    }

    public static func == (a: QueryParameters, b: QueryParameters) -> Bool {
        a.items.count == b.items.count && zip(a.items, b.items).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value for the name.
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    public func values(for name: String) -> [String] {
        items.compactMap { $0.name == name ? $0.value : nil }
    }

    public var names: [String] { items.map(\.name) }
}

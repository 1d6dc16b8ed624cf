import HTTP

/// Calls a router's handler as the server would, without a socket: the route is matched on the
/// path, the query parsed, the body given whole. Nil when no route matches (the server's own 404/405).
public func call(_ router: Router, _ method: String, _ target: String, headers: HTTPHeaders = HTTPHeaders(),
                 body: [UInt8] = [], requestID: String = "test-request") async -> Response? {
    let (path, query) = RequestTarget.split(target)
    guard case .found(let route, let parameters) = router.match(method: method, path: path) else { return nil }
    return await route.handler(Request(method: method, target: target, path: String(path), query: RequestTarget.parseQuery(query),
                                       headers: headers, body: body, pathParameters: parameters, route: route.pattern,
                                       requestID: requestID))
}

/// `call` with a bearer token and, when given, a JSON body.
public func call(_ router: Router, _ method: String, _ target: String, token: String?, json: String? = nil,
                 headers extra: HTTPHeaders = HTTPHeaders()) async -> Response? {
    var headers = extra
    if let token { headers.add(name: "Authorization", value: "Bearer " + token) }
    if json != nil { headers.add(name: "Content-Type", value: "application/json") }
    return await call(router, method, target, headers: headers, body: Array((json ?? "").utf8))
}

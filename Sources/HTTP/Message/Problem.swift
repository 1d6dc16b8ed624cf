import Runtime

/// An RFC 9457 problem detail, serialised without Foundation so the transport layer can use it for
/// the errors it answers itself (400, 404, 413, ...). The API layer builds richer ones on the same type.
public struct Problem: Sendable, Equatable {
    /// Problem types live under this base; each API error maps to one of them.
    public static let typeBase = "https://cme-tracker.dev/problems/"

    /// A field-level error, for 422 bodies (`errors: [{pointer, detail}]`).
    public struct FieldError: Sendable, Equatable {
        public var pointer: String
        public var detail: String
        public init(pointer: String, detail: String) {
            self.pointer = pointer
            self.detail = detail
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var instance: String
    public var errors: [FieldError]

    /// `slug` names the type under `typeBase` (e.g. `not-found`).
    public init(slug: String, title: String, status: Int, detail: String, instance: String = "", errors: [FieldError] = []) {
        self.type = Problem.typeBase + slug
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }

    /// The generic problem for a status the transport answers by itself.
    public static func forStatus(_ status: Int, detail: String, instance: String = "") -> Problem {
        let slug: String = switch status {
        case 400: "bad-request"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 408: "request-timeout"
        case 413: "content-too-large"
        case 414: "uri-too-long"
        case 415: "unsupported-media-type"
        case 417: "expectation-failed"
        case 431: "header-fields-too-large"
        case 501: "not-implemented"
        case 503: "service-unavailable"
        case 505: "http-version-not-supported"
        default: "status-\(status)"
        }
        return Problem(slug: slug, title: HTTPStatus.reasonPhrase(status), status: status, detail: detail, instance: instance)
    }

    public var json: String {
        var out = "{\"type\":" + JSONText.quoted(type)
        out += ",\"title\":" + JSONText.quoted(title)
        out += ",\"status\":" + String(status)
        out += ",\"detail\":" + JSONText.quoted(detail)
        out += ",\"instance\":" + JSONText.quoted(instance)
        if !errors.isEmpty {
            out += ",\"errors\":["
            out += errors.map { "{\"pointer\":" + JSONText.quoted($0.pointer) + ",\"detail\":" + JSONText.quoted($0.detail) + "}" }
                .joined(separator: ",")
            out += "]"
        }
        return out + "}"
    }

    public func response(headers extra: HTTPHeaders = HTTPHeaders()) -> Response {
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        for field in extra { headers.add(name: field.name, value: field.value) }
        return Response(status: status, headers: headers, body: Array(json.utf8))
    }
}

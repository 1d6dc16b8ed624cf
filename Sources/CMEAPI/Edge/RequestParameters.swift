import CMEDomain
import CMEService
import CMEStore
import HTTP
import Runtime

extension API {
    /// `limit` (1-200, default 50) of a list; anything else is 400 (openapi.yaml).
    static func limit(_ request: Request) throws(ServiceError) -> Int {
        guard let text = request.query["limit"] else { return 50 }
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), text.utf8.count <= 3, let n = Int(text), (1...200).contains(n) else {
            throw .malformed("limit must be a whole number from 1 to 200.")
        }
        return n
    }

    /// The opaque `cursor` of a list, decoded; 400 when it is not one we made.
    static func cursor(_ request: Request) throws(ServiceError) -> String? {
        guard let text = request.query["cursor"] else { return nil }
        guard let bytes = Base64URL.decode(text), let plain = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("cursor is not a cursor this service gave.")
        }
        return plain
    }

    static func makeCursor(_ plain: String) -> String { Base64URL.encode(Array(plain.utf8)) }

    /// A date query parameter, `YYYY-MM-DD`; 400 when it is given wrong, or absent and required.
    static func queryDate(_ request: Request, _ name: String, required: Bool = false) throws(ServiceError) -> CalendarDate? {
        guard let text = request.query[name] else {
            if required { throw .malformed("\(name) is required: a date, YYYY-MM-DD.") }
            return nil
        }
        guard text.utf8.count == 10, let d = CalendarDate(text) else { throw .malformed("\(name) must be a date, YYYY-MM-DD.") }
        return d
    }

    /// Whether the client asked for CSV (`Accept` naming `text/csv`) rather than JSON.
    static func wantsCSV(_ request: Request) -> Bool {
        (request.headers["Accept"] ?? "").lowercased().contains("text/csv")
    }

    /// The `Idempotency-Key` of a POST, with a digest of what it is for (method, path, body): a
    /// replay must be the same request. 1-255 visible ASCII characters, else 400.
    static func idempotency(_ request: Request) throws(ServiceError) -> IdempotencyClaim? {
        guard let key = request.headers["Idempotency-Key"] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .malformed("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        var material = Array("\(request.method) \(request.path)\n".utf8)
        material += request.body
        return IdempotencyClaim(key: key, requestHash: SHA256.hash(material))
    }
}

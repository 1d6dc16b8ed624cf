import CMEDomain
import CMEService
import Foundation
import HTTP

/// A request's JSON object body, read field by field: every wrong field is collected with its
/// pointer, so one 422 lists them all (openapi.yaml). Malformed JSON is 400, a media type other than
/// JSON is 415, valid JSON that is not an object is 422.
struct JSONBody {
    let object: [String: Any]
    var errors = FieldErrors()

    init(_ request: Request) throws(ServiceError) {
        try RequestBody.requireJSON(request.headers["Content-Type"])
        guard !request.body.isEmpty else { throw .malformed("A JSON body is required.") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed])
        } catch {
            throw .malformed("The body is not valid JSON.")
        }
        guard let object = parsed as? [String: Any] else {
            throw .invalid(FieldErrors([FieldError(pointer: .root, message: "must be a JSON object")]))
        }
        self.object = object
    }

    /// A string field; `nil` when absent or null. A value of another type is an error.
    mutating func string(_ key: String, required: Bool = false, maxLength: Int = 200) -> String? {
        let pointer = JSONPointer(tokens: [key])
        guard let value = object[key], !(value is NSNull) else {
            if required { errors.add(pointer, "is required") }
            return nil
        }
        guard let text = value as? String else { errors.add(pointer, "must be a string"); return nil }
        if text.count > maxLength { errors.add(pointer, "must be at most \(maxLength) characters"); return nil }
        if required && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { errors.add(pointer, "is required"); return nil }
        return text
    }

    /// A nested object field, as JSON bytes (for a Codable domain value).
    mutating func objectData(_ key: String, required: Bool = false) -> Data? {
        let pointer = JSONPointer(tokens: [key])
        guard let value = object[key], !(value is NSNull) else {
            if required { errors.add(pointer, "is required") }
            return nil
        }
        guard value is [String: Any], let data = try? JSONSerialization.data(withJSONObject: value) else {
            errors.add(pointer, "must be an object")
            return nil
        }
        return data
    }

    /// Throws the collected errors, with the use case's own checks of the same input, if any: one
    /// 422 lists the type errors and the rule errors together.
    func finish(adding rules: FieldErrors = FieldErrors()) throws(ServiceError) {
        var all = errors
        let seen = Set(errors.pointers)
        for e in rules where !seen.contains(e.pointer) { all.merge(FieldErrors([e])) }
        if !all.isEmpty { throw .invalid(all) }
    }
}

import CMEDomain
import CMEService
import Foundation
import HTTP

/// `GET|PUT /v1/admin/policy` (admin): the council's deadlines and procedure, validated by CMEDomain.
enum PolicyRoutes {
    struct CouncilDTO: Encodable {
        var laCode: String
        var name: String
        var preset: String?
        var policy: DeadlinePolicy
        enum CodingKeys: String, CodingKey { case laCode = "la_code", name, preset, policy }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(laCode, forKey: .laCode)
            try c.encode(name, forKey: .name)
            try c.encode(preset, forKey: .preset)
            try c.encode(policy, forKey: .policy)
        }
    }

    static func dto(_ c: CouncilService.Council) -> CouncilDTO {
        CouncilDTO(laCode: c.laCode, name: c.name, preset: c.preset, policy: c.policy)
    }

    static func register(on api: inout RouteBuilder) {
        let admin = RouteBuilder.Group(prefix: "/v1/admin", roles: [.admin])
        let councils = api.services.councils

        api.add("GET", "/policy", in: admin) { _, context in
            try API.json(dto(try await councils.council(as: context.actor)))
        }

        // Either `{"preset": "<name>"}` (a preset of GET /v1/reference/policy-presets) or `{"policy": {...}}`.
        api.add("PUT", "/policy", in: admin) { request, context in
            var body = try JSONBody(request)
            let presetName = body.string("preset")
            let policyData = body.objectData("policy")
            var policy: DeadlinePolicy?
            var preset: PolicyPreset?
            if let presetName {
                preset = PolicyPreset(rawValue: presetName)
                if preset == nil {
                    body.errors.add("/preset", "must be one of \(PolicyPreset.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if policyData != nil { body.errors.add("/policy", "give a preset or a policy, not both") }
                policy = preset?.policy
            } else if let policyData {
                do {
                    policy = try JSONDecoder().decode(DeadlinePolicy.self, from: policyData)
                } catch let DecodingError.keyNotFound(key, context) {
                    body.errors.add(JSONPointer(tokens: ["policy"] + context.codingPath.map(\.stringValue) + [key.stringValue]), "is required")
                } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                        let DecodingError.dataCorrupted(context) {
                    body.errors.add(JSONPointer(tokens: ["policy"] + context.codingPath.map(\.stringValue)), "has the wrong type or value")
                } catch {
                    body.errors.add("/policy", "is not a policy")
                }
            } else {
                body.errors.add("/policy", "give a preset or a policy")
            }
            try body.finish()
            guard let policy else { throw ServiceError.invalid(body.errors) }
            return try API.json(dto(try await councils.setPolicy(policy, preset: preset?.rawValue, as: context.actor)))
        }
    }
}

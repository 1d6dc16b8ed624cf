import CMEDomain
import CMEService
import HTTP

/// `GET /v1/reference/removal-grounds` and `policy-presets`: the statutory catalogue and the councils'
/// presets, for any authenticated client.
enum ReferenceRoutes {
    struct GroundDTO: Encodable {
        var code: String
        var wording: String
        var regulations: String
        var consequences: RemovalConsequences
    }

    struct PresetDTO: Encodable {
        var preset: String
        var laCode: String
        var councilName: String
        var policy: DeadlinePolicy
        enum CodingKeys: String, CodingKey { case preset, laCode = "la_code", councilName = "council_name", policy }
    }

    static func register(on api: inout RouteBuilder) {
        let anyone = RouteBuilder.Group(prefix: "/v1/reference", roles: Set(Role.allCases))
        let grounds = RemovalGround.allCases.map {
            GroundDTO(code: $0.rawValue, wording: $0.shortWording, regulations: $0.isFrom2006Regulations ? "2006" : "2024",
                      consequences: $0.consequences)
        }
        let presets = PolicyPreset.allCases.map {
            PresetDTO(preset: $0.rawValue, laCode: $0.laCode.value, councilName: $0.councilName, policy: $0.policy)
        }
        api.add("GET", "/removal-grounds", in: anyone) { _, _ in try API.json(["items": grounds]) }
        api.add("GET", "/policy-presets", in: anyone) { _, _ in try API.json(["items": presets]) }
    }
}

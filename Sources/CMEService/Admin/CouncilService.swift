import CMEDomain
import CMEStore
import Foundation

/// A council's registration and policy (`GET|PUT /v1/admin/policy`).
public struct CouncilService: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    public struct Council: Sendable, Equatable {
        public var laCode: String
        public var name: String
        public var policy: DeadlinePolicy
        public var preset: String?
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    /// Registers the council if it is new, with the national default policy (an admin may adopt its
    /// preset with `PUT /v1/admin/policy`), named as its preset names it when there is one; true when
    /// it was new.
    public func register(laCode: LACode, name: String?, as actor: Actor) async throws -> Bool {
        let preset = PolicyPreset.preset(for: laCode)
        let policy = DeadlinePolicy.nationalDefault
        return try await database.write(as: actor) { unit in
            let created = try await unit.council.register(name: name ?? preset?.councilName ?? "Council \(laCode.value)",
                                                          policyJSON: Array(try Self.encoder.encode(policy)), preset: nil)
            unit.audit(created ? "register" : "verify", subjectType: "policy", subjectID: laCode.value)
            return created
        }
    }

    public func council(as actor: Actor) async throws -> Council {
        try await database.read(as: actor) { unit in
            guard let row = try await unit.council.find() else { throw ServiceError.notFound }
            let policy = try JSONDecoder().decode(DeadlinePolicy.self, from: Data(row.policyJSON))
            return Council(laCode: row.laCode, name: row.name, policy: policy, preset: row.preset)
        }
    }

    /// Replaces the policy, after CMEDomain's validation.
    public func setPolicy(_ policy: DeadlinePolicy, preset: String?, as actor: Actor) async throws -> Council {
        let errors = policy.fieldErrors
        guard errors.isEmpty else {
            var nested = FieldErrors()
            nested.merge(errors, under: "/policy")
            throw ServiceError.invalid(nested)
        }
        try await database.write(as: actor) { unit in
            guard try await unit.council.find() != nil else { throw ServiceError.notFound }
            try await unit.council.setPolicy(Array(try Self.encoder.encode(policy)), preset: preset)
            unit.audit("update", subjectType: "policy", subjectID: actor.laCode)
        }
        return try await council(as: actor)
    }
}

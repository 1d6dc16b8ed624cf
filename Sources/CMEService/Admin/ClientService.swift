import CMEDomain
import CMEStore
import Foundation
import Runtime

/// What an admin asks for when creating a client (`POST /v1/admin/clients`).
public struct NewClient: Sendable, Equatable {
    public var role: String?
    public var name: String?
    public var schoolURN: String?
    public var agencyType: String?
    public var agencyName: String?

    public init(role: String?, name: String?, schoolURN: String? = nil, agencyType: String? = nil, agencyName: String? = nil) {
        self.role = role
        self.name = name
        self.schoolURN = schoolURN
        self.agencyType = agencyType
        self.agencyName = agencyName
    }
}

/// A client just created, with its token: the only time the token is ever shown.
public struct CreatedClient: Sendable, Equatable {
    public var client: ClientRow
    public var token: String
}

/// The agency types an agency client may be bound to: CMEDomain's enquiry agencies.
let agencyTypes = AgencyType.allCases.map(\.rawValue)

/// API clients of a council: create (token shown once), list, delete.
public struct ClientService: Sendable {
    let database: Database
    let authenticator: Authenticator

    public init(database: Database, authenticator: Authenticator) {
        self.database = database
        self.authenticator = authenticator
    }

    /// Every field error at once; the school URN is checked against the council's register.
    public static func validate(_ input: NewClient) -> (FieldErrors, Role?) {
        var errors = FieldErrors()
        let role = input.role.flatMap(Role.init(rawValue:))
        if input.role == nil {
            errors.add("/role", "is required")
        } else if role == nil {
            errors.add("/role", "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty || name.count > 200 { errors.add("/name", "is required, 1 to 200 characters") }
        if role == .school {
            if input.schoolURN == nil { errors.add("/school_urn", "is required for a school client") }
            else if URN(input.schoolURN!) == nil { errors.add("/school_urn", "must be a URN of 6 digits") }
        } else if input.schoolURN != nil, role != nil {
            errors.add("/school_urn", "is only for school clients")
        }
        if role == .agency {
            if input.agencyType == nil { errors.add("/agency_type", "is required for an agency client") }
            else if !agencyTypes.contains(where: { Array($0.utf8) == Array(input.agencyType!.utf8) }) {
                errors.add("/agency_type", "must be one of \(agencyTypes.joined(separator: ", "))")
            }
            if let n = input.agencyName, n.isEmpty || n.count > 200 { errors.add("/agency_name", "must be 1 to 200 characters") }
        } else if role != nil {
            if input.agencyType != nil { errors.add("/agency_type", "is only for agency clients") }
            if input.agencyName != nil { errors.add("/agency_name", "is only for agency clients") }
        }
        return (errors, role)
    }

    /// Creates a client in the actor's council; `reply` renders it (stored with any idempotency key).
    public func create(_ input: NewClient, as actor: Actor, idempotency: IdempotencyClaim? = nil,
                       reply: @Sendable (CreatedClient) throws -> StoredReply) async throws -> StoredReply {
        let (errors, role) = Self.validate(input)
        guard errors.isEmpty, let role else { throw ServiceError.invalid(errors) }
        return try await database.write(as: actor, idempotency: idempotency) { unit in
            if role == .school, let urn = input.schoolURN, try await unit.schools.find(urn: urn) == nil {
                throw ServiceError.invalid(FieldErrors([FieldError(pointer: "/school_urn", message: "is not a registered school of this council")]))
            }
            let (token, hash) = try Token.make()
            let row = ClientRow(id: TimeOrderedID.make(), laCode: actor.laCode, role: role.rawValue,
                                name: input.name!.trimmingCharacters(in: .whitespacesAndNewlines),
                                schoolURN: input.schoolURN, agencyType: input.agencyType,
                                agencyName: input.agencyName, createdAt: Date())
            try await unit.clients.insert(row, tokenHash: hash)
            unit.audit("create", subjectType: "client", subjectID: row.id.lowercasedString)
            return try reply(CreatedClient(client: row, token: token))
        }
    }

    public func list(as actor: Actor, after cursor: (Date, UUID)?, limit: Int) async throws -> [ClientRow] {
        try await database.read(as: actor) { unit in try await unit.clients.list(after: cursor, limit: limit) }
    }

    /// Deletes (revokes) a client; `.notFound` when this council has no live client with the id.
    public func delete(_ id: UUID, as actor: Actor) async throws {
        try await database.write(as: actor) { unit in
            guard try await unit.clients.revoke(id) else { throw ServiceError.notFound }
            unit.audit("delete", subjectType: "client", subjectID: id.lowercasedString)
        }
        authenticator.forget(clientID: id)
    }
}

import CMEStore
import Foundation

/// The authenticated client behind a request, and the request's id: what every use case is given.
public struct Caller: Sendable, Equatable {
    public var clientID: UUID
    public var role: Role
    public var laCode: String
    public var name: String
    public var schoolURN: String?
    public var agencyType: String?
    public var agencyName: String?
    public var requestID: String

    public init(clientID: UUID, role: Role, laCode: String, name: String, schoolURN: String? = nil,
                agencyType: String? = nil, agencyName: String? = nil, requestID: String) {
        self.clientID = clientID
        self.role = role
        self.laCode = laCode
        self.name = name
        self.schoolURN = schoolURN
        self.agencyType = agencyType
        self.agencyName = agencyName
        self.requestID = requestID
    }

    /// As the audit trail records it.
    public var actor: Actor { Actor(clientID: clientID, role: role.rawValue, laCode: laCode, requestID: requestID) }
}

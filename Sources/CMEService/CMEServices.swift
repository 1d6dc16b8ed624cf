import CMEStore

/// Every use case the API offers, built once over one database.
public struct CMEServices: Sendable {
    public let operations: OperationsService
    public let authenticator: Authenticator
    /// Per-client request limits; nil turns them off.
    public let rateLimiter: RateLimiter?
    public let clients: ClientService
    public let audit: AuditService
    public let councils: CouncilService
    public let schools: SchoolService
    public let calendars: CalendarService
    public let children: ChildService

    public init(database: Database, migrator: Migrator, rateLimiter: RateLimiter? = nil, tokenCacheLifetime: Duration = .seconds(5)) {
        operations = OperationsService(database: database, migrator: migrator)
        authenticator = Authenticator(database: database, cacheLifetime: tokenCacheLifetime)
        self.rateLimiter = rateLimiter
        clients = ClientService(database: database, authenticator: authenticator)
        audit = AuditService(database: database)
        councils = CouncilService(database: database)
        schools = SchoolService(database: database)
        calendars = CalendarService(database: database)
        children = ChildService(database: database)
    }
}

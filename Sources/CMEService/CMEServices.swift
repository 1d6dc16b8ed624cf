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
    public let referrals: ReferralService
    public let cases: CaseService
    public let enquiries: EnquiryService
    public let visits: VisitService
    public let tasks: TaskService
    public let rollNotifications: RollNotificationService
    public let ehe: EHEService
    public let reports: ReportService
    public let clock: ServiceClock

    public init(database: Database, migrator: Migrator, rateLimiter: RateLimiter? = nil, tokenCacheLifetime: Duration = .seconds(5),
                clock: ServiceClock = .system) {
        operations = OperationsService(database: database, migrator: migrator)
        authenticator = Authenticator(database: database, cacheLifetime: tokenCacheLifetime)
        self.rateLimiter = rateLimiter
        clients = ClientService(database: database, authenticator: authenticator)
        audit = AuditService(database: database)
        councils = CouncilService(database: database)
        schools = SchoolService(database: database)
        calendars = CalendarService(database: database)
        children = ChildService(database: database)
        let work = Casework(database: database, clock: clock)
        self.clock = clock
        referrals = ReferralService(work: work)
        cases = CaseService(work: work)
        enquiries = EnquiryService(work: work)
        visits = VisitService(work: work)
        tasks = TaskService(work: work)
        rollNotifications = RollNotificationService(work: work)
        ehe = EHEService(work: work)
        reports = ReportService(work: work)
    }
}

import CMEService
import HTTP
import Runtime

/// The v1 HTTP surface: the operations routes, open to all, then every authenticated route through
/// one `RouteBuilder`, which also fills the access table.
public enum API {
    /// The router, and the access table its authenticated routes were registered with.
    public static func make(services: CMEServices, serverMetrics: ServerMetrics, openAPIDocument: String,
                            logger: Logger? = nil) -> (router: Router, rules: AccessRules) {
        var router = Router()
        OperationsRoutes.register(on: &router, operations: services.operations, serverMetrics: serverMetrics,
                                  openAPIDocument: openAPIDocument)
        var api = RouteBuilder(router: router, services: services, logger: logger)
        ClientRoutes.register(on: &api)
        PolicyRoutes.register(on: &api)
        SchoolRoutes.register(on: &api)
        CalendarRoutes.register(on: &api)
        AuditRoutes.register(on: &api)
        ChildRoutes.register(on: &api)
        ReferralRoutes.register(on: &api)
        CaseRoutes.register(on: &api)
        FollowUpRoutes.register(on: &api)
        RollNotificationRoutes.register(on: &api)
        ReferenceRoutes.register(on: &api)
        ReportRoutes.register(on: &api)
        EHERoutes.register(on: &api)
        return (api.router, api.rules)
    }

    public static func makeRouter(services: CMEServices, serverMetrics: ServerMetrics, openAPIDocument: String,
                                  logger: Logger? = nil) -> Router {
        make(services: services, serverMetrics: serverMetrics, openAPIDocument: openAPIDocument, logger: logger).router
    }
}

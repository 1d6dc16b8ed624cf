import CMEService
import HTTP

/// The v1 HTTP surface. For now: the operations routes; the CME resources arrive with their issues.
public enum API {
    public static func makeRouter(operations: OperationsService, serverMetrics: ServerMetrics, openAPIDocument: String) -> Router {
        var router = Router()
        OperationsRoutes.register(on: &router, operations: operations, serverMetrics: serverMetrics,
                                  openAPIDocument: openAPIDocument)
        return router
    }
}

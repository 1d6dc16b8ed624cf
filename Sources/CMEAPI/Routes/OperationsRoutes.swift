import CMEService
import HTTP

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml` and `/docs` (openapi.yaml): no token needed.
enum OperationsRoutes {
    static func register(on router: inout Router, operations: OperationsService, serverMetrics: ServerMetrics,
                         openAPIDocument: String) {
        // Answered on the event loops: probes and static documents wait for nothing.
        router.immediate("/healthz") { _ in
            .json(Array(#"{"status":"ok"}"#.utf8))
        }

        router.get("/readyz") { request in
            let r = await operations.readiness()
            if r.isReady {
                return .json(Array(#"{"status":"ready"}"#.utf8))
            }
            let detail = r.databaseReachable
                ? "Migrations pending: \(r.pendingMigrations.map(String.init).joined(separator: ", "))."
                : "The database cannot be reached."
            return Problem(slug: "not-ready", title: "Service Unavailable", status: 503, detail: detail,
                           instance: request.requestID).response(headers: ["Retry-After": "5"])
        }

        router.immediate("/metrics") { _ in
            var text = serverMetrics.exposition()
            let pool = operations.poolUsage
            text += "# HELP cme_db_pool_connections Database pool connections by state.\n"
            text += "# TYPE cme_db_pool_connections gauge\n"
            text += "cme_db_pool_connections{state=\"in_use\"} \(pool.inUse)\n"
            text += "cme_db_pool_connections{state=\"idle\"} \(pool.idle)\n"
            text += "# HELP cme_db_pool_size Database pool size (connections allowed).\n# TYPE cme_db_pool_size gauge\n"
            text += "cme_db_pool_size \(pool.size)\n"
            text += "# HELP cme_db_pool_waiting Requests waiting for a database connection.\n# TYPE cme_db_pool_waiting gauge\n"
            text += "cme_db_pool_waiting \(pool.waiting)\n"
            return Response(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: text)
        }

        let spec = Array(openAPIDocument.utf8)
        router.immediate("/openapi.yaml") { _ in
            Response(status: 200, headers: ["Content-Type": "application/yaml"], body: spec)
        }

        let docs = Array(ReferencePage.render(openAPIDocument).utf8)
        router.immediate("/docs") { _ in
            Response(status: 200, headers: ["Content-Type": "text/html; charset=utf-8",
                                            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"],
                     body: docs)
        }
    }
}

import CMEService
import CMEStore
import Foundation
import Runtime

/// The background sweeps: every `interval`, for each council with a live client, expected arrivals
/// past due (each becomes a case) and the untraceable check. Each sweep is safe to run from several instances at once (its writes are guarded), so
/// every instance runs it; a failure is logged and the next round tries again.
func sweepForever(services: CMEServices, database: Database, every interval: Duration?, logger: Logger) async {
    guard let interval else { return }
    while !Task.isCancelled {
        do {
            try await Task.sleep(for: interval)
        } catch {
            return
        }
        do {
            for la in try await database.activeCouncils() {
                let actor = Actor(clientID: nil, role: "system", laCode: la, requestID: "sweep-" + UUID().lowercasedString)
                let turned = try await services.rollNotifications.sweepArrivals(as: actor)
                if turned > 0 { logger.info("expected arrivals overdue", ["la_code": .string(la), "cases": .int(turned)]) }
                let flagged = try await services.cases.sweepUntraceable(as: actor)
                if flagged > 0 { logger.info("untraceable sweep", ["la_code": .string(la), "flagged": .int(flagged)]) }
            }
        } catch {
            logger.warning("sweep failed; retrying next round", ["error_type": .string(String(describing: type(of: error)))])
        }
    }
}

import CMEService
import CMEStore
import HTTP
import Runtime

/// What every authenticated handler is given besides the request: who is calling, and the logger.
public struct RequestContext: Sendable {
    public var caller: Caller
    public var logger: Logger?

    public var requestID: String { caller.requestID }
    /// The caller as the audit trail records it.
    public var actor: Actor { caller.actor }
}

/// One loop's connections that can be closed without losing anything: waiting for a next request that
/// has not begun (keep-alive idle, or fresh and silent), or lingering after their last response. Kept
/// in the order they became idle, so that at the connection cap the longest-idle one is closed to admit
/// a new client. An intrusive doubly linked list: joining, leaving and taking the oldest are O(1).
///
/// Used only on its loop's thread, like the connections themselves.
struct IdleConnections {
    private var oldest: Connection?
    private var newest: Connection?
    private(set) var count = 0

    /// Adds `c` as the newest, unless it is already listed.
    mutating func insert(_ c: Connection) {
        guard !c.isListedIdle else { return }
        c.isListedIdle = true
        c.idlePrevious = newest
        c.idleNext = nil
        if let newest { newest.idleNext = c } else { oldest = c }
        newest = c
        count += 1
    }

    mutating func remove(_ c: Connection) {
        guard c.isListedIdle else { return }
        if let p = c.idlePrevious { p.idleNext = c.idleNext } else { oldest = c.idleNext }
        if let n = c.idleNext { n.idlePrevious = c.idlePrevious } else { newest = c.idlePrevious }
        c.idlePrevious = nil
        c.idleNext = nil
        c.isListedIdle = false
        count -= 1
    }

    /// The connection idle the longest, if any.
    var longestIdle: Connection? { oldest }
}

/// What a client may do in its council (docs/security.md). One role per client.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// Everything in its council, plus clients, schools, calendar and policy.
    case admin
    /// All case work in its council.
    case officer
    /// Bound to one school (URN): roll notifications and referrals for it, and reading its own.
    case school
    /// Bound to an agency: referrals, enquiries addressed to it, the limited status of its cases.
    case agency
    /// Submits referrals only (the council's public web form).
    case intake
}

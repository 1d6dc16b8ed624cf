/// What makes a case more urgent (docs/casework.md `risk_flags`), derived from the child and the
/// case's events, never set by hand.
public enum RiskFlag: String, Sendable, Hashable, Codable, CaseIterable {
    case childProtectionPlan = "child_protection_plan"
    case childInNeedPlan = "child_in_need_plan"
    case lookedAfter = "looked_after"
    case ehcp
    case safeguardingConcern = "safeguarding_concern"
    case untraceable

    /// The flags of a case, in the order of `allCases`.
    public static func derive(childProtectionPlan: Bool, childInNeedPlan: Bool, lookedAfter: Bool, sen: SENProvision?,
                              safeguardingConcern: Bool, untraceable: Bool) -> [RiskFlag] {
        var flags: [RiskFlag] = []
        if childProtectionPlan { flags.append(.childProtectionPlan) }
        if childInNeedPlan { flags.append(.childInNeedPlan) }
        if lookedAfter { flags.append(.lookedAfter) }
        if sen == .ehcp { flags.append(.ehcp) }
        if safeguardingConcern { flags.append(.safeguardingConcern) }
        if untraceable { flags.append(.untraceable) }
        return flags
    }

    /// Tasks due the moment a case with these flags opens: a child on a child protection or child
    /// in need plan has a social worker, who is alerted at once (docs/casework.md; docs/domain.md, "Reasonable enquiries and the CME pathway": a
    /// safeguarding concern goes outside the CME timescale).
    public static func tasksWhenCaseOpens(_ flags: [RiskFlag]) -> [TaskKind] {
        flags.contains(.childProtectionPlan) || flags.contains(.childInNeedPlan) ? [.alertSocialWorker] : []
    }

    /// Tasks due when a child is found to be untraceable: the police are told where the council's
    /// policy says so (Medway, docs/domain.md, "Councils' own procedures"). The case stays open either way.
    public static func tasksWhenUntraceable(policy: DeadlinePolicy) -> [TaskKind] {
        policy.reportUntraceableToPolice ? [.notifyPoliceUntraceable] : []
    }
}

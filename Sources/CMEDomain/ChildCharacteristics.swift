/// A child's recorded gender (DESIGN.md 3.2 `gender`); the DfE collection counts by sex.
public enum Gender: String, Sendable, Hashable, Codable, CaseIterable {
    case female, male, other, unknown
}

/// Special educational needs provision (DESIGN.md 3.2 `sen`): none, SEN support, or an education,
/// health and care plan.
public enum SENProvision: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case senSupport = "sen_support"
    case ehcp
}

/// A child's recorded gender (docs/casework.md `gender`); the DfE collection counts by sex.
public enum Gender: String, Sendable, Hashable, Codable, CaseIterable {
    case female, male, other, unknown
}

/// Special educational needs provision (docs/casework.md `sen`): none, SEN support, or an education,
/// health and care plan.
public enum SENProvision: String, Sendable, Hashable, Codable, CaseIterable {
    case none
    case senSupport = "sen_support"
    case ehcp
}

/// What the matcher compares of a child record: an incoming referral or roll notification
/// against a child already known.
public struct ChildRecord: Hashable, Sendable {
    public var upn: UPN?
    public var firstName: String
    public var lastName: String
    public var dateOfBirth: CalendarDate?
    public var postcode: String?

    public init(upn: UPN? = nil, firstName: String, lastName: String, dateOfBirth: CalendarDate?, postcode: String? = nil) {
        self.upn = upn
        self.firstName = firstName
        self.lastName = lastName
        self.dateOfBirth = dateOfBirth
        self.postcode = postcode
    }
}

/// Why two records may be the same child: the `reasons[]` of a match (docs/casework.md).
public enum MatchReason: String, Sendable, Hashable, Codable, CaseIterable {
    case upnExact = "upn_exact"
    case nameAndDateOfBirthExact = "name_dob_exact"
    case fuzzyNameAndDateOfBirth = "fuzzy_name_dob"
    /// The name agrees (exactly or fuzzily) and the date of birth has day and month swapped, the
    /// usual slip between British and American order (03/04 for 04/03).
    case nameWithDayMonthSwapped = "name_dob_day_month_swapped"
    /// The name agrees exactly, the date of birth differs or is missing.
    case nameExact = "name_exact"
    /// The name agrees fuzzily, the date of birth differs or is missing.
    case fuzzyName = "fuzzy_name"
    case postcode = "postcode"
}

/// A match's score in 0...1 and its reasons.
public struct ChildMatch: Hashable, Sendable {
    public let score: Double
    public let reasons: [MatchReason]

    public init(score: Double, reasons: [MatchReason]) {
        self.score = score
        self.reasons = reasons
    }

    public var isCandidate: Bool { score >= ChildMatching.candidateThreshold }
    public var isLikelySameChild: Bool { score >= ChildMatching.likelySameChildThreshold }
}

/// Scores how likely two child records are the same child, as a caseworker would rank them: a UPN
/// is certain; the same name and date of birth nearly so; a misspelt or reordered name with the
/// same date of birth next; a swapped day and month after that; a name alone is weak; a postcode
/// alone (siblings, neighbours) is not a candidate.
public enum ChildMatching {
    /// From this score a record is offered as a candidate (search results, referral `matches`).
    public static let candidateThreshold = 0.35
    /// From this score the records are probably the same child (a duplicate warning).
    public static let likelySameChildThreshold = 0.9
    /// Jaro-Winkler similarity each of first and last name must reach to count as a fuzzy match.
    public static let fuzzyNameThreshold = 0.85

    static let upnScore = 1.0
    /// Below 1 so that only a UPN gives certainty, however much else agrees.
    static let bestWithoutUPN = 0.99
    static let exactNameAndDateOfBirthScore = 0.95
    /// Fuzzy name with the same date of birth scales from this at the threshold ...
    static let fuzzyNameAndDateOfBirthFloor = 0.6
    /// ... to this at identical names.
    static let fuzzyNameAndDateOfBirthCeiling = 0.9
    static let exactNameSwappedDayMonthScore = 0.75
    static let fuzzyNameSwappedDayMonthScore = 0.55
    static let exactNameOnlyScore = 0.4
    static let fuzzyNameOnlyScore = 0.25
    static let postcodeBoost = 0.05
    static let postcodeOnlyScore = 0.1
    /// Similarity given to first and last names swapped between the records.
    static let swappedNamesSimilarity = 0.95
    /// Similarity given to a name all of whose words appear in the other ("Smith" and "Smith-Jones").
    static let partOfNameSimilarity = 0.92

    /// As `match`, given the UPNs as recorded (text): the same UPN, compared as bytes, is certain even
    /// when its check letter is wrong (such a UPN is kept as the school sent it, so it never parses).
    public static func match(_ a: ChildRecord, _ b: ChildRecord, recordedUPNs: (String?, String?)) -> ChildMatch {
        let m = match(a, b)
        guard let x = recordedUPNs.0, let y = recordedUPNs.1, Array(x.utf8) == Array(y.utf8), !m.reasons.contains(.upnExact) else { return m }
        return ChildMatch(score: 1, reasons: [.upnExact] + m.reasons)
    }

    public static func match(_ a: ChildRecord, _ b: ChildRecord) -> ChildMatch {
        var reasons: [MatchReason] = []
        var score = 0.0
        if let upnA = a.upn, let upnB = b.upn, upnA == upnB {
            reasons.append(.upnExact)
            score = upnScore
        }

        let names = nameSimilarity(a, b)
        let dates = dateOfBirthAgreement(a.dateOfBirth, b.dateOfBirth)
        var nameScore = 0.0
        switch (names, dates) {
        case (.exact, .same):
            reasons.append(.nameAndDateOfBirthExact)
            nameScore = exactNameAndDateOfBirthScore
        case (.fuzzy(let similarity), .same):
            reasons.append(.fuzzyNameAndDateOfBirth)
            let scale = (similarity - fuzzyNameThreshold) / (1 - fuzzyNameThreshold)
            nameScore = fuzzyNameAndDateOfBirthFloor + (fuzzyNameAndDateOfBirthCeiling - fuzzyNameAndDateOfBirthFloor) * scale
        case (.exact, .dayMonthSwapped):
            reasons.append(.nameWithDayMonthSwapped)
            nameScore = exactNameSwappedDayMonthScore
        case (.fuzzy, .dayMonthSwapped):
            reasons.append(.nameWithDayMonthSwapped)
            nameScore = fuzzyNameSwappedDayMonthScore
        case (.exact, .different):
            reasons.append(.nameExact)
            nameScore = exactNameOnlyScore
        case (.fuzzy, .different):
            reasons.append(.fuzzyName)
            nameScore = fuzzyNameOnlyScore
        case (.different, _):
            break
        }
        score = max(score, min(nameScore, bestWithoutUPN))

        if let postcodeA = a.postcode.map(normalisedPostcode), let postcodeB = b.postcode.map(normalisedPostcode),
           !postcodeA.isEmpty, postcodeA == postcodeB {
            reasons.append(.postcode)
            score = score == 0 ? postcodeOnlyScore : min(score == upnScore ? upnScore : bestWithoutUPN, score + postcodeBoost)
        }
        return ChildMatch(score: score, reasons: reasons)
    }

    enum NameAgreement: Equatable {
        case exact
        case fuzzy(Double)
        case different
    }

    static func nameSimilarity(_ a: ChildRecord, _ b: ChildRecord) -> NameAgreement {
        let firstA = NameNormalisation.compact(a.firstName), lastA = NameNormalisation.compact(a.lastName)
        let firstB = NameNormalisation.compact(b.firstName), lastB = NameNormalisation.compact(b.lastName)
        guard !(firstA.isEmpty && lastA.isEmpty), !(firstB.isEmpty && lastB.isEmpty) else { return .different }
        if firstA == firstB && lastA == lastB { return .exact }
        if firstA == lastB && lastA == firstB { return .fuzzy(swappedNamesSimilarity) }
        // The last name only when the first agrees enough (most pairs compared differ at once).
        let first = partSimilarity(a.firstName, b.firstName, compact: (firstA, firstB))
        guard first >= fuzzyNameThreshold else { return .different }
        let last = partSimilarity(a.lastName, b.lastName, compact: (lastA, lastB))
        guard last >= fuzzyNameThreshold else { return .different }
        return .fuzzy(min((first + last) / 2, 0.99))
    }

    /// The similarity of one name (first or last) in 0...1.
    static func partSimilarity(_ a: String, _ b: String) -> Double {
        partSimilarity(a, b, compact: (NameNormalisation.compact(a), NameNormalisation.compact(b)))
    }

    /// As above, given the names' compact forms.
    static func partSimilarity(_ a: String, _ b: String, compact: (String, String)) -> Double {
        let (compactA, compactB) = compact
        if compactA == compactB { return 1 }
        let similarity = jaroWinkler(compactA, compactB)
        // A name all of whose words are in the other scores at least partOfNameSimilarity; above
        // that, the words need not be split out.
        guard similarity < partOfNameSimilarity else { return similarity }
        let wordsA = Set(NameNormalisation.words(a)), wordsB = Set(NameNormalisation.words(b))
        if !wordsA.isEmpty, !wordsB.isEmpty, wordsA.isSubset(of: wordsB) || wordsB.isSubset(of: wordsA) {
            return partOfNameSimilarity
        }
        return similarity
    }

    enum DateAgreement: Equatable {
        case same
        case dayMonthSwapped
        case different
    }

    static func dateOfBirthAgreement(_ a: CalendarDate?, _ b: CalendarDate?) -> DateAgreement {
        guard let a, let b else { return .different }
        if a == b { return .same }
        if a.year == b.year && a.day == b.month && a.month == b.day { return .dayMonthSwapped }
        return .different
    }

    static func normalisedPostcode(_ postcode: String) -> String {
        postcode.uppercased().filter { !$0.isWhitespace }
    }

    /// Jaro-Winkler similarity in 0...1 (Winkler 1990: prefix scale 0.1, up to 4 characters), the
    /// usual measure for personal names in record linkage: it forgives a transposed pair of letters
    /// and weights the start of a name.
    public static func jaroWinkler(_ a: String, _ b: String) -> Double {
        // Plain ASCII (nearly every compact name): bytes are its characters (no CR LF pair survives
        // compaction), without grapheme breaking.
        if a.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) && b.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            return jaroWinkler(Array(a.utf8), Array(b.utf8))
        }
        return jaroWinkler(Array(a), Array(b))
    }

    static func jaroWinkler<C: Equatable>(_ s: [C], _ t: [C]) -> Double {
        if s.isEmpty && t.isEmpty { return 1 }
        if s.isEmpty || t.isEmpty { return 0 }
        let window = max(0, max(s.count, t.count) / 2 - 1)
        var matchedS = [Bool](repeating: false, count: s.count)
        var matchedT = [Bool](repeating: false, count: t.count)
        var matches = 0
        for i in s.indices {
            let low = max(0, i - window), high = min(t.count - 1, i + window)
            guard low <= high else { continue }
            for j in low...high where !matchedT[j] && s[i] == t[j] {
                matchedS[i] = true
                matchedT[j] = true
                matches += 1
                break
            }
        }
        guard matches > 0 else { return 0 }
        var transpositions = 0
        var j = 0
        for i in s.indices where matchedS[i] {
            while !matchedT[j] { j += 1 }
            if s[i] != t[j] { transpositions += 1 }
            j += 1
        }
        let m = Double(matches)
        let jaro = (m / Double(s.count) + m / Double(t.count) + (m - Double(transpositions) / 2) / m) / 3
        var prefix = 0
        while prefix < min(4, s.count, t.count) && s[prefix] == t[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }
}

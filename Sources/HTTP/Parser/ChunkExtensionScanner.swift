/// Validates chunk extensions byte by byte (RFC 9112 7.1.1), without keeping them:
///
///     chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
///     chunk-ext-name = token
///     chunk-ext-val  = token / quoted-string
///
/// We define no extensions, so they are ignored; they are still checked, because a lenient scan of
/// this line is where parsers have disagreed about where a chunk starts (request smuggling).
/// The CR ending the line is not passed in; the parser asks `canEnd` instead.
struct ChunkExtensionScanner: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case afterSize, beforeName, name, afterName, beforeValue, tokenValue, quoted, quotedEscape, afterValue
    }

    private(set) var state: State = .afterSize

    /// Whether the line may end (CRLF) here.
    var canEnd: Bool {
        switch state {
        case .name, .afterName, .tokenValue, .afterValue: return true
        case .afterSize, .beforeName, .beforeValue, .quoted, .quotedEscape: return false
        }
    }

    mutating func consume(_ b: UInt8) throws(HTTPParseError) {
        let ws = HTTPSyntax.isWhitespace(b)
        switch state {
        case .afterSize, .afterValue:
            if b == HTTPSyntax.semicolon { state = .beforeName } else if !ws { throw Self.malformed }
        case .beforeName:
            if HTTPSyntax.isTokenChar(b) { state = .name } else if !ws { throw Self.malformed }
        case .name:
            if HTTPSyntax.isTokenChar(b) { return }
            if ws { state = .afterName } else if b == HTTPSyntax.equals { state = .beforeValue } else if b == HTTPSyntax.semicolon { state = .beforeName } else { throw Self.malformed }
        case .afterName:
            if b == HTTPSyntax.equals { state = .beforeValue } else if b == HTTPSyntax.semicolon { state = .beforeName } else if !ws { throw Self.malformed }
        case .beforeValue:
            if HTTPSyntax.isTokenChar(b) { state = .tokenValue } else if b == HTTPSyntax.dquote { state = .quoted } else if !ws { throw Self.malformed }
        case .tokenValue:
            if HTTPSyntax.isTokenChar(b) { return }
            if ws { state = .afterValue } else if b == HTTPSyntax.semicolon { state = .beforeName } else { throw Self.malformed }
        case .quoted:
            if b == HTTPSyntax.dquote { state = .afterValue } else if b == HTTPSyntax.backslash { state = .quotedEscape } else if !HTTPSyntax.isQuotedTextByte(b) { throw Self.malformed }
        case .quotedEscape:
            guard HTTPSyntax.isQuotedPairByte(b) else { throw Self.malformed }
            state = .quoted
        }
    }

    static let malformed = HTTPParseError(status: 400, reason: "malformed chunk extension")
}

import Runtime

/// Bearer tokens (docs/security.md): 32 bytes from the kernel's CSPRNG, base64url without padding
/// (43 characters), shown once; only their SHA-256 is stored.
public enum Token {
    public static let byteCount = 32

    /// A new token and the hash to store.
    public static func make() throws -> (token: String, hash: [UInt8]) {
        let token = Base64URL.encode(try SecureRandom.bytes(byteCount))
        return (token, hash(token))
    }

    public static func hash(_ token: String) -> [UInt8] { SHA256.hash(Array(token.utf8)) }

    /// Whether `text` has a token's shape: exactly 43 base64url characters that decode to 32 bytes.
    public static func isWellFormed(_ text: Substring) -> Bool {
        text.utf8.count == 43 && Base64URL.decode(String(text))?.count == byteCount
    }
}

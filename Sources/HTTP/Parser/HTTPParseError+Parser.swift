/// The errors the parser throws, named once so that every site gives the same status and sentence.
extension HTTPParseError {
    /// 400: the message is malformed (RFC 9112 and RFC 9110 grammar, or a framing conflict).
    static func bad(_ reason: String) -> HTTPParseError { HTTPParseError(status: 400, reason: reason) }
    /// 413: the body, declared or decoded so far, is larger than `RequestParser.bodyLimit`.
    static let tooLarge = HTTPParseError(status: 413, reason: "the body is larger than this route accepts")
    /// 417: an expectation other than 100-continue (RFC 9110 10.1.1).
    static let expectationFailed = HTTPParseError(status: 417, reason: "the only expectation supported is 100-continue")
}

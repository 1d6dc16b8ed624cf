@testable import HTTP

/// Plays the server's part: keeps the bytes not yet consumed, calls `parse` until it needs more,
/// records every head and message, and checks the contract on the way (consumed within bounds,
/// `.needMoreData` consumes everything, exactly one `.head` before each `.message`).
struct ParserDriver {
    var parser: RequestParser
    var pending: [UInt8] = []
    var heads: [RequestHead] = []
    var messages: [ParsedRequest] = []
    var contractViolations: [String] = []
    /// Called on every `.head`; returns the body limit the "route" sets, or nil to keep the default.
    var routeBodyLimit: (@Sendable (RequestHead) -> Int?)? = nil

    init(limits: HTTPParserLimits = HTTPParserLimits()) {
        parser = RequestParser(limits: limits)
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) throws(HTTPParseError) {
        pending.append(contentsOf: bytes)
        var headsSinceMessage = heads.count - messages.count
        while true {
            let result: Result<(consumed: Int, event: RequestParser.Event), HTTPParseError> = pending.withUnsafeBytes { raw in
                do throws(HTTPParseError) {
                    return .success(try parser.parse(raw))
                } catch {
                    return .failure(error)
                }
            }
            let (consumed, event) = try result.get()
            if consumed < 0 || consumed > pending.count {
                contractViolations.append("consumed \(consumed) of \(pending.count)")
                return
            }
            let allConsumed = consumed == pending.count
            pending.removeFirst(consumed)
            switch event {
            case .needMoreData:
                if !allConsumed { contractViolations.append(".needMoreData left bytes unconsumed") }
                return
            case .head(let head):
                if headsSinceMessage != 0 { contractViolations.append("a second .head before .message") }
                headsSinceMessage += 1
                heads.append(head)
                if let limit = routeBodyLimit?(head) { parser.bodyLimit = limit }
            case .message(let message):
                if headsSinceMessage != 1 { contractViolations.append(".message without exactly one .head") }
                headsSinceMessage = 0
                if let head = heads.last, head != message.head { contractViolations.append(".message head differs from .head") }
                messages.append(message)
            }
        }
    }
}

/// Parses `bytes` fed in one piece; the messages, or the error thrown.
func outcome(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(),
             routeBodyLimit: (@Sendable (RequestHead) -> Int?)? = nil) -> Result<[ParsedRequest], HTTPParseError> {
    var driver = ParserDriver(limits: limits)
    driver.routeBodyLimit = routeBodyLimit
    do throws(HTTPParseError) {
        try driver.feed(bytes)
        return .success(driver.messages)
    } catch {
        return .failure(error)
    }
}

func outcome(_ text: String, limits: HTTPParserLimits = HTTPParserLimits(),
             routeBodyLimit: (@Sendable (RequestHead) -> Int?)? = nil) -> Result<[ParsedRequest], HTTPParseError> {
    outcome(Array(text.utf8), limits: limits, routeBodyLimit: routeBodyLimit)
}

/// The status thrown for `text`, or nil when it parsed without error.
func thrownStatus(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> Int? {
    thrownStatus(Array(text.utf8), limits: limits)
}

func thrownStatus(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits()) -> Int? {
    if case .failure(let error) = outcome(bytes, limits: limits) { return error.status }
    return nil
}

/// The single complete message `text` holds, or nil (error, or not exactly one message).
func onlyMessage(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> ParsedRequest? {
    onlyMessage(Array(text.utf8), limits: limits)
}

func onlyMessage(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits()) -> ParsedRequest? {
    guard case .success(let messages) = outcome(bytes, limits: limits), messages.count == 1 else { return nil }
    return messages[0]
}

/// A GET with the given extra header lines (each without CRLF).
func request(_ requestLine: String = "GET / HTTP/1.1", host: String? = "example.com", _ lines: [String] = [],
             body: String = "") -> String {
    var text = requestLine + "\r\n"
    if let host { text += "Host: \(host)\r\n" }
    for line in lines { text += line + "\r\n" }
    return text + "\r\n" + body
}

/// Deterministic generator (SplitMix64), so a failing robustness case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One `parse` call over `bytes` (Array.withUnsafeBytes does not forward typed throws).
func parseOnce(_ parser: inout RequestParser, _ bytes: [UInt8]) throws(HTTPParseError) -> (consumed: Int, event: RequestParser.Event) {
    let result: Result<(consumed: Int, event: RequestParser.Event), HTTPParseError> = bytes.withUnsafeBytes { raw in
        do throws(HTTPParseError) {
            return .success(try parser.parse(raw))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}

/// `GET / HTTP/1.1` with Host and the given extra lines.
func request(_ lines: [String], body: String = "") -> String {
    request("GET / HTTP/1.1", host: "example.com", lines, body: body)
}

import Foundation
import HTTP

/// CSV answers (RFC 4180): a header row, CRLF line ends, a field quoted when it holds a comma, a
/// quote or a line break (its quotes doubled), UTF-8, sent as `text/csv; charset=utf-8; header=present`
/// with a file name to save it under.
enum CSVReply {
    static func quote(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func response(header: [String], rows: [[String]], filename: String) -> Response {
        var out = header.map(quote).joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(quote).joined(separator: ",") + "\r\n" }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/csv; charset=utf-8; header=present")
        headers.add(name: "Content-Disposition", value: "attachment; filename=\"\(filename)\"")
        return Response(status: 200, headers: headers, body: Array(out.utf8))
    }
}

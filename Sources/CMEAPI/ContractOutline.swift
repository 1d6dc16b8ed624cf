import HTTP

/// The operations listed in `openapi.yaml`'s `paths:` section, read line by line. The contract is
/// written in block style with two-space indents (paths at 2, methods at 4, their keys at 6), which
/// is all this needs to understand; the contract test holds the file to that shape.
enum ContractOutline {
    struct Operation: Equatable {
        var method: String
        var path: String
        var summary: String
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    static func operations(in yaml: String) -> [Operation] {
        var operations: [Operation] = []
        var inPaths = false
        var currentPath = ""
        for raw in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            let indent = line.prefix { $0 == " " }.count
            let text = line.trimmingHTTPWhitespace()
            if indent == 2, text.hasSuffix(":") {
                currentPath = unquote(String(text.dropLast()))
            } else if indent == 4, text.hasSuffix(":"), methods.contains(String(text.dropLast())) {
                operations.append(Operation(method: String(text.dropLast()).uppercased(), path: currentPath, summary: ""))
            } else if indent == 6, text.hasPrefix("summary:"), !operations.isEmpty, operations[operations.count - 1].summary.isEmpty {
                operations[operations.count - 1].summary = unquote(text.dropFirst("summary:".count).trimmingHTTPWhitespace())
            }
        }
        return operations
    }

    private static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == "'" || f == "\"", s.last == f { return String(s.dropFirst().dropLast()) }
        return s
    }
}

import CMEDomain

/// The `/docs` page: a self-contained HTML reference rendered from `openapi.yaml` when the server
/// starts. No scripts, fonts, images or stylesheets are fetched (a council's network may block them):
/// one page with an index, the operations grouped by resource (roles, parameters, request body,
/// responses, and a curl example each), and the schemas they name. Should the contract not read (a
/// construct `YAMLSubset` does not know), the page falls back to a table of operations and the
/// contract's text.
enum ReferencePage {
    static func render(_ yaml: String) -> String {
        guard let contract = try? YAMLSubset.parse(yaml), contract["paths"]?.objectValue != nil else { return fallback(yaml) }
        return Renderer(contract: contract).page()
    }

    /// One operation of the contract.
    struct Operation {
        var method: String
        var path: String
        var spec: JSONValue
        var pathParameters: [JSONValue]
        var id: String { spec["operationId"]?.stringValue ?? (method + path).filter { $0.isLetter || $0.isNumber } }
        var group: String { ReferencePage.group(of: path) }
    }

    static let methodOrder = ["get", "post", "put", "patch", "delete"]

    /// The resource an operation belongs to: the first segment under `/v1`, or the service itself.
    static func group(of path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.first == "v1", parts.count > 1 else { return "Service operations" }
        switch parts[1] {
        case "admin": return "Administration"
        case "roll-notifications", "expected-arrivals", "deregistration-authorisations": return "Roll notifications"
        case "cases": return parts.count > 3 && parts[3] == "deregistration-authorisations" ? "Roll notifications" : "Cases"
        case "enquiries", "visits", "tasks": return "Enquiries, visits and tasks"
        case "ehe-records": return "Elective home education"
        default: return parts[1].prefix(1).uppercased() + String(parts[1].dropFirst()).replacingAll("-", with: " ")
        }
    }

    struct Renderer {
        let contract: JSONValue

        var operations: [Operation] {
            var out: [Operation] = []
            let paths = contract["paths"]?.objectValue ?? [:]
            for path in paths.keys.sorted() {
                let item = paths[path]!
                let shared = item["parameters"]?.arrayValue ?? []
                for method in ReferencePage.methodOrder {
                    if let spec = item[method] { out.append(Operation(method: method.uppercased(), path: path, spec: spec, pathParameters: shared)) }
                }
            }
            return out
        }

        func page() -> String {
            let ops = operations
            var groups: [(String, [Operation])] = []
            for op in ops {
                if let k = groups.firstIndex(where: { $0.0 == op.group }) { groups[k].1.append(op) } else { groups.append((op.group, [op])) }
            }
            groups.sort { ($0.0 == "Service operations" ? "" : $0.0) < ($1.0 == "Service operations" ? "" : $1.0) }
            let info = contract["info"]
            var h = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="icon" href="data:,">
                <title>\(esc(info?["title"]?.stringValue ?? "API")) API reference</title>
                <style>\(ReferencePage.style)</style>
                </head><body>
                <header><h1>\(esc(info?["title"]?.stringValue ?? "API")) API reference <small>v\(esc(info?["version"]?.stringValue ?? ""))</small></h1>
                <p>\(esc(info?["summary"]?.stringValue ?? ""))</p>
                <p>Rendered by the server from <a href="/openapi.yaml"><code>openapi.yaml</code></a>, the contract: \(ops.count) operations.</p></header>
                <nav id="index" aria-label="Index"><h2>Index</h2>

                """
            for (group, list) in groups {
                h += "<h3><a href=\"#\(anchor(group))\">\(esc(group))</a></h3><ul>"
                for op in list {
                    h += "<li><a href=\"#op-\(esc(op.id))\"><span class=\"m m-\(op.method.lowercased())\">\(op.method)</span> <code>\(esc(op.path))</code></a> \(esc(op.spec["summary"]?.stringValue ?? ""))</li>"
                }
                h += "</ul>\n"
            }
            h += "<h3><a href=\"#schemas\">Schemas</a></h3></nav>\n<main>\n"
            h += "<section id=\"overview\"><h2>Overview</h2>\(markdown(info?["description"]?.stringValue ?? ""))\(authentication())</section>\n"
            for (group, list) in groups {
                h += "<section class=\"group\" id=\"\(anchor(group))\"><h2>\(esc(group))</h2>\n"
                for op in list { h += operation(op) }
                h += "</section>\n"
            }
            h += schemas()
            h += "</main></body></html>\n"
            return h
        }

        func authentication() -> String {
            var h = "<h3>Authentication and roles</h3>"
            if let schemes = contract["components"]?["securitySchemes"]?.objectValue {
                for (name, s) in schemes.sorted(by: { $0.key < $1.key }) {
                    h += "<p><b>\(esc(name))</b>: HTTP \(esc(s["scheme"]?.stringValue ?? "")) — \(inline(s["description"]?.stringValue ?? ""))</p>"
                }
            }
            h += "<p>Send <code>Authorization: Bearer &lt;token&gt;</code>. Each operation lists the client roles that may call it; another role gets 403, a missing or unknown token 401.</p>"
            return h
        }

        func operation(_ op: Operation) -> String {
            let spec = op.spec
            let open = spec["security"]?.arrayValue?.isEmpty == true
            let roles = spec["x-roles"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var h = "<article class=\"op\" id=\"op-\(esc(op.id))\"><h3><span class=\"m m-\(op.method.lowercased())\">\(op.method)</span> <code>\(esc(op.path))</code></h3>"
            h += "<p class=\"summary\">\(esc(spec["summary"]?.stringValue ?? ""))</p>"
            h += "<p class=\"roles\">" + (open ? "No token needed." : roles.isEmpty ? "Any authenticated client."
                                                                      : "Roles: " + roles.map { "<span class=\"role\">\(esc($0))</span>" }.joined(separator: " ")) + "</p>"
            if let d = spec["description"]?.stringValue { h += markdown(d) }
            let parameters = (op.pathParameters + (spec["parameters"]?.arrayValue ?? [])).map(resolve)
            if !parameters.isEmpty {
                h += "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>"
                for p in parameters {
                    let required = p["required"] == .bool(true) ? " <span class=\"req\">required</span>" : ""
                    h += "<tr><td><code>\(esc(p["name"]?.stringValue ?? ""))</code>\(required)</td><td>\(esc(p["in"]?.stringValue ?? ""))</td>"
                    h += "<td>\(p["schema"].map(type) ?? "")</td><td>\(inline(p["description"]?.stringValue ?? ""))</td></tr>"
                }
                h += "</table>"
            }
            if let body = spec["requestBody"].map(resolve), let content = body["content"]?.objectValue {
                h += "<h4>Request body</h4>"
                for (mediaType, m) in content.sorted(by: { $0.key < $1.key }) {
                    h += "<p><code>\(esc(mediaType))</code>\(body["required"] == .bool(true) ? " (required)" : ""): \(m["schema"].map(type) ?? "")</p>"
                    if let schema = m["schema"], schema["$ref"] == nil, schema["properties"] != nil { h += properties(schema) }
                }
            }
            if let responses = spec["responses"]?.objectValue {
                h += "<h4>Responses</h4><table><tr><th>status</th><th>description</th><th>body</th></tr>"
                for (status, raw) in responses.sorted(by: { $0.key < $1.key }) {
                    let r = resolve(raw)
                    let bodies = (r["content"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "<code>\(esc($0.key))</code> \($0.value["schema"].map(type) ?? "")" }
                    h += "<tr><td>\(esc(status))</td><td>\(inline(raw["description"]?.stringValue ?? r["description"]?.stringValue ?? ""))</td><td>\(bodies.joined(separator: "<br>"))</td></tr>"
                }
                h += "</table>"
            }
            h += "<h4>Example</h4><pre class=\"curl\">\(esc(curl(op, open: open, parameters: parameters)))</pre></article>\n"
            return h
        }

        /// A curl command for the operation: example or placeholder values, the token when one is
        /// needed, and a JSON body built from the request schema's example or its required fields.
        func curl(_ op: Operation, open: Bool, parameters: [JSONValue]) -> String {
            var path = op.path
            var query: [String] = []
            for p in parameters {
                let name = p["name"]?.stringValue ?? ""
                let value = p["example"]?.scalarText ?? p["schema"]?["examples"]?.arrayValue?.first?.scalarText ?? "<\(name)>"
                if p["in"]?.stringValue == "path" { path = path.replacingAll("{\(name)}", with: value) }
                if p["in"]?.stringValue == "query", p["required"] == .bool(true) { query.append("\(name)=\(value)") }
            }
            var lines = ["curl -X \(op.method) \"http://127.0.0.1:8080\(path)\(query.isEmpty ? "" : "?" + query.joined(separator: "&"))\""]
            if !open { lines.append("  -H \"Authorization: Bearer $TOKEN\"") }
            if let content = op.spec["requestBody"].map(resolve)?["content"]?.objectValue, let json = content["application/json"] ?? content["application/merge-patch+json"] {
                let mediaType = content["application/json"] != nil ? "application/json" : "application/merge-patch+json"
                let example = json["example"] ?? json["schema"].map(resolve)?["examples"]?.arrayValue?.first ?? sample(json["schema"] ?? .null, depth: 0)
                lines.append("  -H \"Content-Type: \(mediaType)\"")
                lines.append("  -d '\(example.text.replacingAll("'", with: "'\\''"))'")
            }
            return lines.joined(separator: " \\\n")
        }

        /// A value that fits the schema: its example, its first enum value, or placeholders for the
        /// required properties.
        func sample(_ raw: JSONValue, depth: Int) -> JSONValue {
            let s = resolve(raw)
            if let e = s["examples"]?.arrayValue?.first ?? s["example"] { return e }
            if let first = s["enum"]?.arrayValue?.first(where: { $0 != .null }) { return first }
            if depth > 4 { return .null }
            if let branch = (s["oneOf"] ?? s["anyOf"])?.arrayValue?.first(where: { $0["type"]?.stringValue != "null" }) { return sample(branch, depth: depth + 1) }
            let types = s["type"]?.arrayValue?.compactMap(\.stringValue) ?? [s["type"]?.stringValue].compactMap { $0 }
            switch types.first(where: { $0 != "null" }) ?? (s["properties"] != nil ? "object" : "") {
            case "object":
                var o: [String: JSONValue] = [:]
                let required = s["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
                for name in required { if let p = s["properties"]?[name] { o[name] = sample(p, depth: depth + 1) } }
                return .object(o)
            case "array": return .array([sample(s["items"] ?? .null, depth: depth + 1)])
            case "integer", "number": return .number(s["minimum"]?.numberValue ?? 1)
            case "boolean": return .bool(true)
            case "string":
                switch s["format"]?.stringValue {
                case "date"?: return .string("2026-11-04")
                case "date-time"?: return .string("2026-11-04T09:30:00Z")
                case "uuid"?: return .string("01a23c5a-3886-759e-9ec5-d8b5ebc65b69")
                default: return .string("…")
                }
            default: return .null
            }
        }

        func schemas() -> String {
            var h = "<section id=\"schemas\"><h2>Schemas</h2>\n"
            let all = contract["components"]?["schemas"]?.objectValue ?? [:]
            for name in all.keys.sorted() {
                let s = all[name]!
                h += "<article class=\"schema\" id=\"schema-\(esc(name))\"><h3>\(esc(name))</h3>"
                if let d = s["description"]?.stringValue { h += markdown(d) }
                h += "<p>\(type(s))</p>"
                if s["properties"] != nil { h += properties(s) }
                h += "</article>\n"
            }
            return h + "</section>\n"
        }

        func properties(_ s: JSONValue) -> String {
            let required = Set(s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            var h = "<table><tr><th>property</th><th>type</th><th>description</th></tr>"
            for (name, p) in (s["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                h += "<tr><td><code>\(esc(name))</code>\(required.contains(name) ? " <span class=\"req\">required</span>" : "")</td>"
                h += "<td>\(type(p))</td><td>\(inline(p["description"]?.stringValue ?? ""))</td></tr>"
            }
            return h + "</table>"
        }

        /// A schema's type in a few words, schemas named as links.
        func type(_ s: JSONValue) -> String {
            if let ref = s["$ref"]?.stringValue { return link(ref) }
            if let alternatives = (s["oneOf"] ?? s["anyOf"])?.arrayValue {
                return alternatives.map(type).joined(separator: " | ")
            }
            var types = s["type"]?.arrayValue?.compactMap(\.stringValue) ?? [s["type"]?.stringValue].compactMap { $0 }
            if types.isEmpty { types = [s["properties"] != nil ? "object" : "any"] }
            var words = types.map { t -> String in
                if t == "array" { return "array of " + (s["items"].map(type) ?? "any") }
                return esc(t)
            }.joined(separator: " | ")
            if let f = s["format"]?.stringValue { words += " (\(esc(f)))" }
            if let e = s["enum"]?.arrayValue { words += ": " + e.map { "<code>\(esc($0.scalarText ?? "null"))</code>" }.joined(separator: ", ") }
            if let p = s["pattern"]?.stringValue { words += ", pattern <code>\(esc(p))</code>" }
            if let m = s["maxLength"]?.numberValue { words += ", at most \(Int(m)) characters" }
            return words
        }

        func link(_ ref: String) -> String {
            let name = String(ref.split(separator: "/").last ?? "")
            return "<a href=\"#schema-\(esc(name))\">\(esc(name))</a>"
        }

        /// A `$ref` to a component (parameter, response, request body), followed once.
        func resolve(_ v: JSONValue) -> JSONValue {
            guard let ref = v["$ref"]?.stringValue, ref.hasPrefix("#/") else { return v }
            var node: JSONValue? = contract
            for part in ref.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
            return node ?? v
        }

        func anchor(_ group: String) -> String { "group-" + group.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.map(String.init).joined() }

        /// The contract's descriptions are short Markdown: paragraphs, `- ` lists and `code`.
        func markdown(_ text: String) -> String {
            var h = ""
            for block in text.components(separatedBy: "\n\n") where !block.trimmingHTTPWhitespaceAndNewlines.isEmpty {
                let lines = block.split(separator: "\n").map(String.init)
                if lines.count > 1, lines.allSatisfy({ $0.hasPrefix("|") }) {
                    // A table: a header row, a |---| row, then rows.
                    func cells(_ l: String) -> [String] {
                        l.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { String($0).trimmingHTTPWhitespaceAndNewlines }
                    }
                    h += "<table><tr>" + cells(lines[0]).map { "<th>\(inline($0))</th>" }.joined() + "</tr>"
                    for l in lines.dropFirst() where !l.allSatisfy({ $0 == "|" || $0 == "-" || $0 == ":" || $0 == " " }) {
                        h += "<tr>" + cells(l).map { "<td>\(inline($0))</td>" }.joined() + "</tr>"
                    }
                    h += "</table>"
                } else if lines.allSatisfy({ $0.hasPrefix("- ") || $0.hasPrefix("  ") }), lines.first?.hasPrefix("- ") == true {
                    var items: [String] = []
                    for l in lines { if l.hasPrefix("- ") { items.append(String(l.dropFirst(2))) } else { items[items.count - 1] += " " + l.trimmingHTTPWhitespaceAndNewlines } }
                    h += "<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>"
                } else {
                    h += "<p>\(inline(block))</p>"
                }
            }
            return h
        }

        /// Escaped text with `code` spans and **bold** words.
        func inline(_ text: String) -> String {
            var out = ""
            var inCode = false
            for part in text.split(separator: "`", omittingEmptySubsequences: false) {
                if inCode {
                    out += "<code>\(esc(String(part)))</code>"
                } else {
                    let pieces = String(part).components(separatedBy: "**")
                    for (k, piece) in pieces.enumerated() {
                        // An unpaired ** stays as it was written.
                        let bold = k % 2 == 1 && pieces.count % 2 == 1
                        out += bold ? "<b>\(esc(piece))</b>" : (k > 0 && !bold && pieces.count % 2 == 0 ? "**" : "") + esc(piece)
                    }
                }
                inCode.toggle()
            }
            return out
        }

        func esc(_ s: String) -> String { ReferencePage.escape(s) }
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;line-height:1.45}
        header,main{max-width:76rem;margin:0 auto;padding:0 1.25rem}nav{max-width:76rem;margin:0 auto;padding:0 1.25rem;columns:2 28rem}
        nav h3{break-after:avoid;margin:.8rem 0 .2rem}nav ul{margin:0;padding-left:1rem;list-style:none}nav li{margin:.1rem 0}
        h1 small{font-weight:normal;color:#555;font-size:.6em}h2{border-bottom:2px solid #1d70b8;padding-bottom:.2rem;margin-top:2.5rem}
        article{border:1px solid #d8d8d8;border-radius:6px;padding:.2rem 1rem 1rem;margin:1rem 0}article h3{margin:.8rem 0 .2rem}
        table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.92rem}td,th{border-bottom:1px solid #e2e2e2;padding:.3rem .4rem;text-align:left;vertical-align:top}
        code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f3f2f1;padding:0 .2rem;border-radius:3px}
        pre{background:#0b0c0c;color:#f3f2f1;padding:.8rem;overflow:auto;border-radius:4px;font-size:.85rem}pre code{background:none}
        .m{display:inline-block;min-width:4.2rem;text-align:center;font:bold .8rem ui-monospace,monospace;color:#fff;border-radius:3px;padding:.1rem .3rem;background:#505a5f}
        .m-get{background:#00703c}.m-post{background:#1d70b8}.m-put,.m-patch{background:#f47738}.m-delete{background:#d4351c}
        .role{display:inline-block;background:#e8f1f8;border:1px solid #1d70b8;border-radius:10px;padding:0 .5rem;margin-right:.2rem;font-size:.85rem}
        .req{color:#d4351c;font-size:.8rem}.summary{font-weight:600}a{color:#1d70b8}
        """

    /// The page when the contract does not read: the operations' table and the contract's text.
    static func fallback(_ yaml: String) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>API reference</title>
            <style>\(style)</style></head><body><main><h1>API reference</h1>
            <p>Rendered from <a href="/openapi.yaml"><code>openapi.yaml</code></a>, the contract.</p>
            <h2>Operations</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th></tr>

            """
        for op in ContractOutline.operations(in: yaml) {
            html += "<tr><td><code>\(escape(op.method))</code></td><td><code>\(escape(op.path))</code></td><td>\(escape(op.summary))</td></tr>\n"
        }
        html += "</table><h2>The contract</h2><pre>\(escape(yaml))</pre></main></body></html>\n"
        return html
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
    var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// A scalar as text (numbers without a needless `.0`).
    var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        default: return nil
        }
    }
}

private extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    var trimmingHTTPWhitespaceAndNewlines: String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\n" || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// The `/docs` page: a self-contained HTML reference rendered from `openapi.yaml` (no scripts, no
/// external resources): a table of operations read from the `paths:` section, then the contract itself.
enum ReferencePage {
    static func render(_ yaml: String) -> String {
        let operations = ContractOutline.operations(in: yaml)
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>cme-tracker API reference</title>
            <style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
            table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
            code{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:1rem;overflow:auto;font-size:.85rem}</style>
            </head><body><h1>cme-tracker API reference</h1>
            <p>Rendered from <a href="/openapi.yaml"><code>openapi.yaml</code></a>, the contract.</p>
            <h2>Operations</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th></tr>

            """
        for op in operations {
            html += "<tr><td><code>\(escape(op.method))</code></td><td><code>\(escape(op.path))</code></td><td>\(escape(op.summary))</td></tr>\n"
        }
        html += "</table><h2>The contract</h2><pre>\(escape(yaml))</pre></body></html>\n"
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

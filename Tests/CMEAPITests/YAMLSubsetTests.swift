import CMEDomain
import Foundation
import Testing
import TestSupport
@testable import CMEAPI

/// The contract reader against PyYAML (which `scripts/test` installs): the same tree for the whole
/// of `openapi.yaml`, and for the constructs it reads one at a time.
@Suite struct YAMLSubsetTests {
    /// PyYAML's reading of `text`, as JSON (dates as text, as the contract means them).
    static func pyyaml(_ text: String) throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read()), default=str))"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 with PyYAML is needed (scripts/test installs it)")
        return try #require(JSONValue.parse(Array(data)))
    }

    @Test func theWholeContractReadsAsPyYAMLReadsIt() throws {
        let text = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        let ours = try YAMLSubset.parse(text)
        #expect(ours == (try Self.pyyaml(text)))
        #expect(ours["paths"]?.objectValue?.count ?? 0 > 40)
    }

    static let snippets: [String] = [
        "a: 1\nb: -2.5\nc: true\nd: null\ne: ~\nf: text with spaces # a comment\ng: '0123'\nh: \"a \\\"quoted\\\" \\u00e9\"\n",
        "list:\n- one\n- 'two'\n-   three\nnested:\n  - a: 1\n    b: [x, 'y z', {k: v, n: 2}]\n  - - inner\n",
        "lit: |\n  line one\n\n  line three\n    indented\nkeep: |+\n  kept\n\nstrip: |-\n  stripped\nafter: 1\n",
        "fold: >\n  folded\n  together\n\n  new paragraph\n    more indented\n  back\nfold_strip: >-\n  x\n  y\nend: 2\n",
        "flow: [a, b,\n  c, d]\nmap: {a: 1,\n  b: 2}\nempty_list: []\nempty_map: {}\nquote: 'it''s'\n",
        "'200':\n  description: ok\n\"/v1/x\":\n  get: {}\nkey with spaces: value\nurl: http://example.com/a#frag\n",
        "# leading comment\n\nroot:\n  # inside\n  child: 1\n\n  other: 2\n",
    ]

    @Test(arguments: snippets)
    func eachConstructReadsAsPyYAMLReadsIt(_ yaml: String) throws {
        #expect(try YAMLSubset.parse(yaml) == (try Self.pyyaml(yaml)), "\(yaml)")
    }

    @Test func whatItDoesNotReadIsAnErrorWithItsLine() {
        #expect(throws: YAMLSubset.Failure.self) { try YAMLSubset.parse("a: 1\n  b: 2\n") }
        #expect(throws: YAMLSubset.Failure.self) { try YAMLSubset.parse("a: [1, 2\n") }
        #expect(throws: YAMLSubset.Failure.self) { try YAMLSubset.parse("a: 1\na: 2\n") }
        #expect(throws: YAMLSubset.Failure.self) { try YAMLSubset.parse("a: 'open\n") }
    }
}

import CMEDomain
import Foundation
import Postgres
import Runtime

/// Rows for a set-based statement, written as one JSON array of objects and read back with
/// `jsonb_to_recordset`: thousands of rows, nulls and all, in one parameter and one round trip.
struct JSONRows {
    private(set) var bytes: [UInt8] = [0x5B]
    private var first = true
    private var firstField = true
    private(set) var count = 0

    mutating func row(_ fields: (inout JSONRows) -> Void) {
        if !first { bytes.append(0x2C) }
        first = false
        bytes.append(0x7B)
        firstField = true
        fields(&self)
        bytes.append(0x7D)
        count += 1
    }

    private mutating func key(_ k: String) {
        if !firstField { bytes.append(0x2C) }
        firstField = false
        bytes.append(0x22)
        bytes.append(contentsOf: k.utf8)
        bytes.append(0x22)
        bytes.append(0x3A)
    }

    mutating func set(_ k: String, _ v: String?) {
        key(k)
        if let v { JSONText.appendQuoted(v, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
    }
    mutating func set(_ k: String, _ v: UUID?) { set(k, v?.lowercasedString) }
    mutating func set(_ k: String, _ v: CalendarDate?) { set(k, v?.iso8601) }
    mutating func set(_ k: String, _ v: Date) { set(k, Timestamp.rfc3339(v)) }
    mutating func set(_ k: String, _ v: Bool) { key(k); bytes.append(contentsOf: (v ? "true" : "false").utf8) }
    mutating func set(_ k: String, _ v: Int) { key(k); bytes.append(contentsOf: String(v).utf8) }
    /// JSON text as is (a nested object or array), or null.
    mutating func raw(_ k: String, _ json: String?) {
        key(k)
        bytes.append(contentsOf: (json ?? "null").utf8)
    }
    mutating func strings(_ k: String, _ v: [String]) {
        key(k)
        bytes.append(0x5B)
        for (i, s) in v.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            JSONText.appendQuoted(s, to: &bytes)
        }
        bytes.append(0x5D)
    }

    var parameter: PostgresJSONB { PostgresJSONB(utf8: bytes + [0x5D]) }
}

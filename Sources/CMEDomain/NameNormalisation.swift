import Foundation

/// Names as they are compared when looking for the same child in two records: case, accents,
/// hyphens, apostrophes and runs of spaces do not matter ("Zoë O'Brien-Smith" and
/// "zoe obrien smith" are the same name).
public enum NameNormalisation {
    /// Lower case, accents removed, apostrophes removed, hyphens and other punctuation as spaces,
    /// single spaces, trimmed.
    public static func normalise(_ name: String) -> String {
        // Plain ASCII: the same result without Unicode tables (the matcher calls this per comparison).
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(name.utf8.count)
            var pendingSpace = false
            for b in name.utf8 {
                switch b {
                case 0x27, 0x60: continue                           // apostrophes and backticks go
                case 0x41...0x5A, 0x61...0x7A, 0x30...0x39:
                    if pendingSpace && !out.isEmpty { out.append(0x20) }
                    pendingSpace = false
                    out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
                default: pendingSpace = true                        // hyphens, dots, spaces
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return normaliseUnicode(name)
    }

    /// The general path, for any text (internal so tests can hold the ASCII path to it).
    static func normaliseUnicode(_ name: String) -> String {
        var folded = ""
        for scalar in name.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }   // the accent of é, ë, ç
            if apostrophes.contains(scalar) { continue }                          // O'Brien = OBrien
            if let replacement = letterFolds[scalar] { folded += replacement; continue }
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                folded.unicodeScalars.append(scalar)
            } else {
                folded += " "                                                     // hyphens, dots, spaces
            }
        }
        return folded.split(separator: " ").joined(separator: " ")
    }

    /// The normalised name without spaces, so "Smith-Jones", "Smith Jones" and "Smithjones" agree.
    public static func compact(_ name: String) -> String {
        // Plain ASCII (nearly every name a MIS sends): letters and digits, lower-cased, the rest dropped,
        // which is what the general path gives for such text.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(name.utf8.count)
            for b in name.utf8 {   // letters and digits only: what normalise keeps, without its spaces
                switch b {
                case 0x41...0x5A: out.append(b + 0x20)
                case 0x61...0x7A, 0x30...0x39: out.append(b)
                default: break
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return normalise(name).replacingAll(" ", with: "")
    }

    /// The words of the normalised name.
    public static func words(_ name: String) -> [String] {
        normalise(name).split(separator: " ").map(String.init)
    }

    private static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{2018}", "\u{02BC}", "`", "\u{00B4}"]

    // Letters that carry no separable accent in Unicode but that English records spell without.
    private static let letterFolds: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    ]
}

/// The character encoding a text file was read with.
public enum TextEncoding: String, Sendable, Hashable {
    case utf8
    /// Windows code page 1252, which GIAS and Excel on Windows write CSV files in.
    case windows1252
}

/// Decoding of uploaded text files: UTF-8 when the whole file is valid UTF-8, else Windows-1252.
///
/// The choice is made once per file, not per field: a file that is valid UTF-8 is almost never
/// Windows-1252 text by accident, while a single invalid byte means it was not written as UTF-8.
///
/// Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; they decode to U+FFFD (the
/// replacement character) rather than to C1 control code points, so damage shows in a name
/// instead of hiding as an invisible control character.
public enum TextDecoding {
    /// The encoding to read `bytes` with: UTF-8 if they are valid UTF-8, else Windows-1252.
    public static func detectEncoding(_ bytes: [UInt8]) -> TextEncoding {
        isValidUTF8(bytes) ? .utf8 : .windows1252
    }

    /// Decodes a whole file, dropping a leading UTF-8 byte order mark.
    public static func decode(_ bytes: [UInt8]) -> (text: String, encoding: TextEncoding) {
        let encoding = detectEncoding(bytes)
        let start = hasUTF8BOM(bytes) ? 3 : 0
        return (string(bytes[start...], encoding: encoding), encoding)
    }

    /// True when `bytes` begin with the UTF-8 byte order mark EF BB BF.
    public static func hasUTF8BOM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Decodes part of a file in an encoding chosen by `detectEncoding`.
    public static func string(_ bytes: ArraySlice<UInt8>, encoding: TextEncoding) -> String {
        switch encoding {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            // Pure ASCII is the same in both encodings, and skips the transcoding.
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(windows1252Scalar(byte)) }
            return String(scalars)
        }
    }

    /// The character a Windows-1252 byte stands for (U+FFFD for the five undefined bytes).
    public static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        // 0x00-0x7F is ASCII and 0xA0-0xFF is Latin-1, so only 0x80-0x9F needs the table.
        guard byte >= 0x80, byte <= 0x9F else { return Unicode.Scalar(byte) }
        return Unicode.Scalar(windows1252C1[Int(byte - 0x80)])!
    }

    /// Code points of 0x80-0x9F in Windows-1252 (Unicode's cp1252.txt mapping).
    private static let windows1252C1: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80-87
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, // 88-8F
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90-97
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178, // 98-9F
    ]

    /// Strict UTF-8 validation (Unicode table 3-7): no overlong forms, no surrogates, nothing
    /// above U+10FFFF, no truncated sequences.
    public static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var index = 0
            while index < count {
                let lead = buffer[index]
                if lead < 0x80 { index += 1; continue }
                let length: Int
                var low: UInt8 = 0x80, high: UInt8 = 0xBF // the allowed range of the second byte
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return false
                }
                guard index + length <= count else { return false }
                let second = buffer[index + 1]
                guard second >= low, second <= high else { return false }
                var next = index + 2
                while next < index + length {
                    guard buffer[next] & 0xC0 == 0x80 else { return false }
                    next += 1
                }
                index += length
            }
            return true
        }
    }
}

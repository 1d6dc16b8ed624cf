import Testing
@testable import CMEDomain

/// The bytes of a CSV file from its lines, joined with `newline` and ending with one.
private func csv(_ lines: [String], newline: String = "\n") -> [UInt8] {
    Array(lines.map { $0 + newline }.joined().utf8)
}

private let header = "URN,LA (code),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),PhaseOfEducation (name),EstablishmentStatus (name),Postcode"

@Suite("GIAS establishment extract")
struct GIASExtractTests {
    @Test func readsGoodRows() throws {
        let result = GIASExtract.parse(csv([
            header,
            "100001,372,2001,Abbey Primary School,Community school,Primary,Open,S60 1AA",
            "100002,372,4001,  Brinsworth Academy ,Academy converter,Secondary,\"Open, but proposed to close\",",
        ]))
        #expect(result.fileError == nil)
        #expect(result.rejected.isEmpty)
        #expect(result.encoding == .utf8)
        try #require(result.schools.count == 2)
        #expect(result.schools[0] == GIASSchool(urn: URN("100001")!, laestab: LAESTAB("3722001")!, name: "Abbey Primary School",
                                                phase: "Primary", type: "Community school", status: "Open", postcode: "S60 1AA"))
        let second = result.schools[1]
        #expect(second.urn.value == "100002")
        #expect(second.laCode == LACode("372"))
        #expect(second.laestab.value == "3724001")
        #expect(second.name == "Brinsworth Academy")
        #expect(second.status == "Open, but proposed to close")
        #expect(second.postcode == nil)
    }

    @Test func quotedNamesKeepCommasNewlinesAndQuotes() throws {
        let result = GIASExtract.parse(csv([
            header,
            "100001,372,2001,\"St Mary's, Rotherham\",,,,",
            "100002,372,2002,\"The \"\"Old\"\" School",
            "House\",,,,",
            "12345,372,2003,Short URN,,,,", // line 5: the quoted newline made row 2 span lines 3-4
        ]))
        #expect(result.schools.map(\.name) == ["St Mary's, Rotherham", "The \"Old\" School\nHouse"])
        #expect(result.schools[0].phase == nil && result.schools[0].type == nil && result.schools[0].status == nil)
        #expect(result.rejected.map(\.line) == [5])
    }

    @Test func badRowsAreRejectedByLineAndGoodRowsKept() {
        let result = GIASExtract.parse(csv([
            header,
            "100001,372,2001,Good One,,,,",
            "10000X,372,2002,Bad URN,,,,",
            "100003,37,2003,Bad LA,,,,",
            "100004,372,2004,Good Two,,,,",
            ",372,2005,No URN,,,,",
            "100006,372,205,Short Number,,,,",
            "100007,372,,Children's Centre,,,,",
            "100008,372,2008,   ,,,,",
            "100009,372,2009,Too Few Fields",
            "100010,372,2010,Odd \"quote,,,,",
        ]))
        #expect(result.fileError == nil)
        #expect(result.schools.map(\.name) == ["Good One", "Good Two"])
        #expect(result.rejected.map(\.line) == [3, 4, 6, 7, 8, 9, 10, 11])
        let reasons = result.rejected.map(\.reason)
        #expect(reasons[0] == "the URN '10000X' is not 6 digits")
        #expect(reasons[1] == "the LA (code) '37' is not 3 digits")
        #expect(reasons[2] == "the URN is empty")
        #expect(reasons[3] == "the EstablishmentNumber '205' is not 4 digits")
        #expect(reasons[4].hasPrefix("the EstablishmentNumber is empty"))
        #expect(reasons[5] == "the EstablishmentName is empty")
        #expect(reasons[6] == "the row has 4 fields but the header has 8")
        #expect(reasons[7] == "the row is not valid CSV: a double quote on line 11 is inside a field that is not quoted")
        #expect(result.rejected[0].description == "line 3: the URN '10000X' is not 6 digits")
    }

    /// Identifiers are checked as ASCII bytes, so look-alike digits do not pass.
    @Test(arguments: ["１00001", "١٠٠٠٠١", "10000\u{0661}", "1000 01"])
    func nonASCIIDigitsAreNotAURN(_ urn: String) {
        let result = GIASExtract.parse(csv([header, "\(urn),372,2001,School,,,,"]))
        #expect(result.schools.isEmpty)
        #expect(result.rejected.count == 1)
    }

    @Test func duplicateURNIsRejectedWithTheFirstLine() {
        let result = GIASExtract.parse(csv([
            header,
            "100001,372,2001,First,,,,",
            "100002,372,2002,Other,,,,",
            "100001,372,2003,Second,,,,",
        ]))
        #expect(result.schools.map(\.name) == ["First", "Other"])
        #expect(result.rejected == [GIASRejection(line: 4, reason: "the URN 100001 is a duplicate, first on line 2")])
    }

    @Test func findsColumnsByNameInAnyOrderAndCase() throws {
        let result = GIASExtract.parse(csv([
            "LA (name),postcode,establishmentname,Urn,Easting,la (CODE),EstablishmentNumber, PhaseOfEducation (name) ,TypeOfEstablishment (code)",
            "Rotherham,S60 1AA,Abbey School,100001,441234,372,2001,Primary,01",
        ]))
        #expect(result.fileError == nil)
        let school = try #require(result.schools.first)
        #expect(school.urn == URN("100001"))
        #expect(school.laestab == LAESTAB("3722001"))
        #expect(school.name == "Abbey School")
        #expect(school.postcode == "S60 1AA")
        #expect(school.phase == "Primary")
        #expect(school.type == nil) // only "(code)" was given, which is not the name column
        #expect(school.status == nil)
    }

    /// Header names match on ASCII case only: U+017F LATIN SMALL LETTER LONG S folds to "s" in
    /// Unicode but must not stand for it, nor U+212A KELVIN SIGN for "k".
    @Test func headerLookAlikesDoNotMatch() {
        let result = GIASExtract.parse(csv([
            "URN,LA (code),EstablishmentNumber,E\u{017F}tablishmentName",
            "100001,372,2001,Abbey",
        ]))
        #expect(result.fileError == "the header (line 1) lacks the required column EstablishmentName")
    }

    @Test func decodesWindows1252() throws {
        var bytes = csv([header])
        bytes += Array("100001,372,2001,St Mary".utf8) + [0x92] + Array("s Caf".utf8) + [0xE9]
        bytes += Array(" School,,,,\r\n".utf8)
        bytes += Array("100002,372,2002,Undefined ".utf8) + [0x81] + Array(",,,,\n".utf8)
        let result = GIASExtract.parse(bytes)
        #expect(result.encoding == .windows1252)
        #expect(result.schools.map(\.name) == ["St Mary\u{2019}s Caf\u{E9} School", "Undefined \u{FFFD}"])
    }

    @Test func keepsUTF8() {
        let result = GIASExtract.parse(csv([header, "100001,372,2001,Caf\u{E9} \u{2019}Ysgol\u{2019},,,,"]))
        #expect(result.encoding == .utf8)
        #expect(result.schools.first?.name == "Caf\u{E9} \u{2019}Ysgol\u{2019}")
    }

    @Test func skipsAUTF8ByteOrderMark() {
        let result = GIASExtract.parse([0xEF, 0xBB, 0xBF] + csv([header, "100001,372,2001,Abbey,,,,"]))
        #expect(result.fileError == nil)
        #expect(result.schools.count == 1)
    }

    @Test(arguments: ["\n", "\r\n"])
    func readsLFAndCRLFFiles(_ newline: String) {
        let result = GIASExtract.parse(csv([
            header,
            "100001,372,2001,Abbey,,Primary,Open,S60 1AA",
            "100002,372,2002,\"Two",
            "Lines\",,,Open,S60 1AB",
            "bad,372,2003,Bad,,,,",
        ], newline: newline))
        #expect(result.schools.map(\.name) == ["Abbey", "Two\(newline)Lines"])
        #expect(result.schools.map(\.postcode) == ["S60 1AA", "S60 1AB"])
        #expect(result.rejected.map(\.line) == [5])
    }

    @Test func aFileWithoutTrailingNewlineOrWithBlankLines() {
        let bytes = Array("\(header)\n\n100001,372,2001,Abbey,,,,\n\n100002,372,2002,Brook,,,,".utf8)
        let result = GIASExtract.parse(bytes)
        #expect(result.schools.map(\.name) == ["Abbey", "Brook"])
        #expect(result.rejected.isEmpty)
    }

    @Test(arguments: [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D], "the file is a PNG image, not a CSV file"),
        (Array("{\"URN\": 100001, \"name\": \"Abbey\"}".utf8), "the file looks like JSON, not CSV"),
        (Array("  [1,2,3]".utf8), "the file looks like JSON, not CSV"),
        (Array("<!DOCTYPE html><html>".utf8), "the file looks like HTML or XML, not CSV"),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0], "the file is a ZIP archive (an Excel .xlsx workbook is one), not a CSV file: save it as CSV"),
        ([0xFF, 0xFE, 0x55, 0x00], "the file is UTF-16 text: save it as CSV (UTF-8 or plain CSV) instead"),
        ([], "the file is empty"),
        ([0xEF, 0xBB, 0xBF, 0x0A, 0x0A], "the file is empty"),
        (Array("just some text\nmore text\n".utf8), "the first line has no commas, so this is not a CSV file"),
        (Array("URN,LA (code),Name\u{0}x\n".utf8), "the file holds binary data, not CSV text"),
        (Array("URN,\"LA (code)\",\"Establishment".utf8), "the header line is not valid CSV: a quoted field opened on line 1 is never closed"),
    ] as [([UInt8], String)])
    func unusableFilesGiveAFileError(_ bytes: [UInt8], _ message: String) {
        let result = GIASExtract.parse(bytes)
        #expect(result.fileError == message)
        #expect(result.schools.isEmpty && result.rejected.isEmpty)
    }

    @Test func missingRequiredColumnsAreNamed() {
        let one = GIASExtract.parse(csv(["URN,LA (code),EstablishmentName,Postcode", "100001,372,Abbey,S60 1AA"]))
        #expect(one.fileError == "the header (line 1) lacks the required column EstablishmentNumber")
        let three = GIASExtract.parse(csv(["URN,Postcode,PhaseOfEducation (name)", "100001,S60 1AA,Primary"]))
        #expect(three.fileError == "the header (line 1) lacks the required columns LA (code), EstablishmentNumber and EstablishmentName")
        let twice = GIASExtract.parse(csv(["URN,LA (code),EstablishmentNumber,EstablishmentName,urn", "100001,372,2001,Abbey,100001"]))
        #expect(twice.fileError == "the header has the column URN twice")
    }

    @Test func onlyLAKeepsOneAuthoritysSchools() {
        let result = GIASExtract.parse(csv([
            header,
            "100001,372,2001,Rotherham One,,,,",
            "100002,373,2002,Sheffield One,,,,",
            "100003,373,,Sheffield Centre,,,,", // another LA's fault is not this LA's rejection
            "100004,372,2004,Rotherham Two,,,,",
            "100005,3X2,2005,Unknown LA,,,,",
        ]), onlyLA: LACode("372"))
        #expect(result.schools.map(\.name) == ["Rotherham One", "Rotherham Two"])
        #expect(result.skippedOtherLA == 2)
        #expect(result.rejected.map(\.line) == [6])
        #expect(GIASExtract.parse(csv([header, "100001,372,2001,A,,,,"])).skippedOtherLA == 0)
    }

    /// The national extract's size: 50,000 rows of about 130 columns.
    @Test func readsANationalSizedExtract() {
        let rows = 50_000, columns = 130
        let known = ["URN", "LA (code)", "EstablishmentNumber", "EstablishmentName", "TypeOfEstablishment (name)",
                     "PhaseOfEducation (name)", "EstablishmentStatus (name)", "Postcode"]
        let fillers = columns - known.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows * 600)
        bytes += Array(known.joined(separator: ",").utf8)
        for column in 0..<fillers { bytes += Array(",Extra\(column)".utf8) }
        bytes += [0x0D, 0x0A]
        let filler = Array(String(repeating: ",x", count: fillers).utf8) + [0x0D, 0x0A]
        for row in 0..<rows {
            let la = 201 + row % 150
            let number = row % 1000 == 999 ? "" : String(1000 + row % 7000) // 50 children's centres
            let name = row % 10 == 0 ? "\"School \(row), \"\"Quoted\"\"\"" : "School \(row)"
            bytes += Array("\(100_000 + row),\(la),\(number),\(name),Community school,Primary,Open,S1 \(row % 10)AA".utf8)
            bytes += filler
        }
        let all = GIASExtract.parse(bytes)
        #expect(all.fileError == nil)
        #expect(all.schools.count == rows - 50)
        #expect(all.rejected.count == 50)
        #expect(all.rejected.first?.line == 1001)
        #expect(all.schools[10].name == "School 10, \"Quoted\"")
        #expect(all.schools.last?.urn == URN("149998")) // row 49,999 has no EstablishmentNumber

        let one = GIASExtract.parse(bytes, onlyLA: LACode("201"))
        #expect(one.schools.count + one.rejected.count == rows / 150 + 1)
        #expect(one.skippedOtherLA == rows - rows / 150 - 1)
    }

    @Suite("CSV reader")
    struct CSVReaderTests {
        private func read(_ text: String) -> [(line: Int, fields: [String], error: CSVError?)] {
            let reader = CSVReader(bytes: Array(text.utf8))
            return reader.map { record in
                (record.line, record.fields.map { String(decoding: reader.value($0), as: UTF8.self) }, record.error)
            }
        }

        @Test func readsRFC4180() {
            let records = read("a,\"b,1\",\"c\"\"d\"\"\"\r\n\"multi\r\nline\",,\"\"\n\"\",last,\n")
            #expect(records.map(\.fields) == [["a", "b,1", "c\"d\""], ["multi\r\nline", "", ""], ["", "last", ""]])
            #expect(records.map(\.line) == [1, 2, 4])
            #expect(records.allSatisfy { $0.error == nil })
        }

        @Test func edgesOfLinesAndFile() {
            #expect(read("").isEmpty)
            #expect(read("\n\r\n\n").isEmpty)
            #expect(read("a,b,").map(\.fields) == [["a", "b", ""]])
            #expect(read("a\rb,c\r").map(\.fields) == [["a\rb", "c"]]) // a lone CR is data
            #expect(read("\u{FEFF}x,y").map(\.fields) == [["x", "y"]])
            #expect(read("\n\nx\n\ny\n").map(\.line) == [3, 5])
        }

        @Test func malformedRecordsAreReportedAndReadingGoesOn() {
            let records = read("ok,1\nab\"c,2\n\"q\"x,3\nok,4\n\"never closed,5\nok,6\n")
            #expect(records.map(\.line) == [1, 2, 3, 4, 5, 6])
            #expect(records.map(\.error) == [nil, CSVError(line: 2, kind: .quoteInUnquotedField),
                                             CSVError(line: 3, kind: .textAfterClosingQuote), nil,
                                             CSVError(line: 5, kind: .unterminatedQuote), nil])
            #expect(records[1].fields == ["ab\"c", "2"])
            #expect(records[2].fields == ["q", "3"])
            #expect(records[5].fields == ["ok", "6"])
        }

        @Test func anErrorInsideAMultiLineRecordNamesItsOwnLine() {
            let records = read("\"one\ntwo\"x,y\nz\n")
            #expect(records.first?.line == 1)
            #expect(records.first?.error == CSVError(line: 2, kind: .textAfterClosingQuote))
            #expect(records.last?.fields == ["z"])
        }

        @Test func anOpenQuoteCostsOnlyItsOwnLine() {
            // Only paired quotes follow the stray one, as must be when it is never closed.
            let records = read("a,b\n\"stray,1\nc,\"\"\nf,\"\"\"\"\n")
            #expect(records.map(\.line) == [1, 2, 3, 4])
            #expect(records.map(\.error) == [nil, CSVError(line: 2, kind: .unterminatedQuote), nil, nil])
            #expect(records.map(\.fields)[2...] == [["c", ""], ["f", "\""]])
        }
    }

    @Suite("Text decoding")
    struct TextDecodingTests {
        @Test func windows1252Table() {
            let expected: [UInt8: Unicode.Scalar] = [0x41: "A", 0x80: "\u{20AC}", 0x85: "\u{2026}", 0x91: "\u{2018}",
                                                     0x92: "\u{2019}", 0x96: "\u{2013}", 0x99: "\u{2122}", 0x9F: "\u{178}",
                                                     0xA0: "\u{A0}", 0xA3: "\u{A3}", 0xE9: "\u{E9}", 0xFF: "\u{FF}"]
            for (byte, scalar) in expected { #expect(TextDecoding.windows1252Scalar(byte) == scalar) }
            for byte: UInt8 in [0x81, 0x8D, 0x8F, 0x90, 0x9D] { #expect(TextDecoding.windows1252Scalar(byte) == "\u{FFFD}") }
        }

        @Test(arguments: [
            ([0x41, 0xC3, 0xA9], true), ([0xE2, 0x80, 0x99], true), ([0xF0, 0x9F, 0x98, 0x80], true),
            ([0xE9], false), ([0xC3], false), ([0xC0, 0x80], false), ([0xE0, 0x80, 0x80], false),
            ([0xED, 0xA0, 0x80], false), ([0xF4, 0x90, 0x80, 0x80], false), ([0xC3, 0x41], false), ([0x92], false),
        ] as [([UInt8], Bool)])
        func utf8Validation(_ bytes: [UInt8], _ valid: Bool) {
            #expect(TextDecoding.isValidUTF8(bytes) == valid)
            #expect(TextDecoding.detectEncoding(bytes) == (valid ? .utf8 : .windows1252))
        }

        @Test func decodesAWholeFile() {
            #expect(TextDecoding.decode([0xEF, 0xBB, 0xBF, 0x43, 0x61, 0x66, 0xC3, 0xA9]) == ("Caf\u{E9}", .utf8))
            #expect(TextDecoding.decode([0x43, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x94]) == ("Caf\u{E9} \u{201C}\u{201D}", .windows1252))
            // Windows-1252 text that happens to be valid UTF-8 reads as UTF-8: the rule is per file.
            #expect(TextDecoding.decode([0xE9, 0x93, 0x94]) == ("\u{94D4}", .utf8))
        }
    }
}

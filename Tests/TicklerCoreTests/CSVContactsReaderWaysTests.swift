import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// A large CSV file is read in chunks on every core, and its plain rows straight from their bytes
/// (`CSVContactsReader.PlainRows`). Both ways must give exactly what the one-piece, row-by-row
/// `ContactBuilder` way gives: the same contacts and the same diagnostics in the same order. And the
/// reader of ids alone (`CSVContactsReader.IDReader`) must accept exactly the files that way reads
/// without an error, with the same ids and the same names of custom fields and dates.
@Suite struct CSVContactsReaderWaysTests {
    let context = ContactsContext(owners: ["li.na", "wang.qiang", "emily.carter"], zones: systemZones)

    /// `(contacts, diagnostics)` of every way: one piece or chunks of a few bytes, plain rows or not.
    func everyWay(_ text: String) -> [(way: String, contacts: [Contact], diagnostics: [String])] {
        let source = SourceText(path: "c.csv", text: text)
        var results: [(String, [Contact], [String])] = []
        for chunkBytes in [1 << 30, 5, 64, 700] {
            for plain in [false, true] {
                let (contacts, diagnostics) = CSVContactsReader.read(
                    source, context: context, chunkBytes: chunkBytes, usesPlainRows: plain)
                results.append(
                    ("chunks of \(chunkBytes), plain rows \(plain)", contacts, diagnostics.all.map(\.description)))
            }
        }
        return results
    }

    func expectTheSameEveryWay(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let results = everyWay(text)
        let reference = results[0]
        for result in results.dropFirst() {
            #expect(result.contacts == reference.contacts, "\(result.way)", sourceLocation: sourceLocation)
            #expect(result.diagnostics == reference.diagnostics, "\(result.way)", sourceLocation: sourceLocation)
        }
        expectTheIDReaderAgrees(text, sourceLocation: sourceLocation)
    }

    /// What `IDReader` makes of the bytes fed in pieces of `pieceBytes`, in blocks of about `blockBytes`.
    func ids(_ bytes: [UInt8], blockBytes: Int, pieceBytes: Int) -> CSVContactsReader.IDReader.Contents? {
        var reader = CSVContactsReader.IDReader(path: "c.csv", context: context, blockBytes: blockBytes)
        bytes.withUnsafeBufferPointer { all in
            for start in stride(from: 0, to: all.count, by: pieceBytes) {
                guard reader.feed(UnsafeBufferPointer(rebasing: all[start..<min(start + pieceBytes, all.count)])) else {
                    break
                }
            }
        }
        return reader.finish()
    }

    /// The id reader finds a problem exactly when the row-by-row way reports an error, and otherwise
    /// the same ids (repeated ones too: the loader finds those), custom fields and dates.
    func expectTheIDReaderAgrees(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (contacts, diagnostics) = CSVContactsReader.read(
            SourceText(path: "c.csv", text: text), context: context, chunkBytes: 1 << 30, usesPlainRows: false)
        let names = WorkspaceChecks.namesInUse(contacts)
        for blockBytes in [1, 7, 100, 4 << 20] {
            for pieceBytes in [1, 3, 64, 1 << 20] {
                let way = "blocks of \(blockBytes), pieces of \(pieceBytes)"
                let found = ids(Array(text.utf8), blockBytes: blockBytes, pieceBytes: pieceBytes)
                #expect((found == nil) == diagnostics.hasErrors, "\(way)", sourceLocation: sourceLocation)
                guard let found else { continue }
                #expect(ContactIDs(parts: found.ids).sorted() == contacts.map(\.id).sorted(), "\(way)")
                #expect(found.ids.reduce(0) { $0 + $1.count } == contacts.count, "\(way)")
                #expect(found.fields == names.fields, "\(way)", sourceLocation: sourceLocation)
                #expect(found.dates == names.dates, "\(way)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func plainRowsGiveTheSameContactsAsTheBuilder() {
        let text = """
            id,name,email,phone,timezone,tier,tags,owner,language,birthday,lunar_birthday,dates.anniversary,company
            c1,张伟,zhang.wei@example.cn,+86 138 0000 0000,Asia/Shanghai,key,华东;vip,li.na,zh,1980-03-14,L04-15,2015-06-01,艾克美
            c2,Emily Carter,emily@example.com,,America/New_York,ordinary,vip;华东,emily.carter,en,--02-29,08-15,,
            c3,王芳,wang.fang@example.org,555,Asia/Shanghai,key,华东;vip,li.na,zh,1960-02-29,,,
            c4,,,,,,,,,,,,
            c5,Zoë Müller,zoe@example.net,+49 30 1234,Europe/Berlin,key,,wang.qiang,,--12-31,L12-30,2000-01-01,Müller GmbH

            """
        expectTheSameEveryWay(text)
        let reference = everyWay(text)[0]
        #expect(reference.contacts.count == 5 && reference.diagnostics.isEmpty)
    }

    @Test func rowsThatNeedTheBuilderGiveTheSameDiagnostics() {
        let text = """
            id,name,email,timezone,tier,tags,owner,birthday,lunar_birthday,company\r
            c1, 张伟 ,zhang.wei@example.cn,Asia/Shanghai,key,华东,li.na,1980-03-14,,\r
            c2,"Carter, Emily",emily@example.com,Mars/Olympus,key,,li.na,,,\r
            c3,李娜,not-an-address,Asia/Shanghai,key,,nobody,1985-02-30,L13-01,\r
            c4,Tab\there,a@b.example,Asia/Shanghai,,,,,,"multi\r
            line"\r
            c 5,x,,,,,,,,\r
            ,no id,,,,,,,,\r
            c6,too,few\r
            c7,too,many,,,,,,,,,,\r
            c1,duplicate,,,,,,,,\r
            \r
            ,,,,,,,,,\r
            c8,  spaced  , x@y.example ,Asia/Shanghai , key,  华东 ; vip ,li.na , --03-14,08-15, co \r
            c9,lower l,,,,,,,l04-15,\r
            c10,bad zone again,,Mars/Olympus,,,,,,\r
            c11,ok,ok@example.com,Asia/Shanghai,key,华东,li.na,1999-12-31,,\r
            """
        expectTheSameEveryWay(text)
        #expect(!everyWay(text)[0].diagnostics.isEmpty)
    }

    @Test func aSyntaxErrorAnywhereGivesTheSameResultEveryWay() {
        let rows = (1...40).map { "c\($0),name \($0),c\($0)@example.com,Asia/Shanghai\n" }.joined()
        for broken in [
            "c41,\"unterminated,x@example.com,Asia/Shanghai\n", "c41,quote\"inside,x@example.com,Asia/Shanghai\n",
            "c41,\"closed\"after,x@example.com,Asia/Shanghai\n",
        ] {
            expectTheSameEveryWay(
                "id,name,email,timezone\n" + rows + broken + rows.replacingOccurrences(of: "c", with: "d"))
        }
    }

    @Test func lineEndsOfEveryKindAndQuotedLineBreaksKeepLinesRight() {
        var text = "id,name,company\r\n"
        for number in 1...60 {
            let end = ["\n", "\r\n", "\r"][number % 3]
            let company = number % 7 == 0 ? "\"two\r\nlines, \"\"quoted\"\"\"" : "co \(number)"
            text += "c\(number),名\(number),\(company)\(end)"
            if number % 11 == 0 { text += end }
        }
        expectTheSameEveryWay(text)
        let reference = everyWay(text)[0]
        #expect(reference.contacts.count == 60)
        #expect(reference.contacts.last?.location.line == 74)  // 60 rows, 8 with two lines, 5 blank lines
    }

    @Test func quotedCellsGiveTheSameResultEveryWay() {
        // Quoted cells that plain rows take (`"Jackson, José"`, `""`, a quoted id, the file's last
        // cell) and those they leave to the builder (an inner `""`, a line break or tab inside,
        // a space around the quotes, text after the closing quote, no closing quote at the end).
        var generator = SplitMix(seed: 11)
        let names = [
            "\"Jackson, José\"", "\"\"", "\"James \"\"Jam\"\" White\"", "\"two\nlines\"", "\"tab\there\"",
            " \"spaced\"", "\"spaced\" ", "张伟", "", "\"控制\u{7F}\"",
        ]
        let emails = ["x@example.com", "\"y@example.com\"", "", "\"bad address\""]
        // Without a syntax error the file is also read in chunks; with one, in one piece.
        for (end, broken) in [("", ""), ("\n", ""), (",", ""), ("\"", ""), ("\"last", ""), ("", "\"after\"x")] {
            var text = "id,name,email,timezone\n"
            for number in 1...120 {
                func pick(_ values: [String]) -> String { values[Int(generator.next() % UInt64(values.count))] }
                let id = number % 5 == 0 ? "\"c\(number)\"" : "c\(number)"
                let name = number == 60 && !broken.isEmpty ? broken : pick(names)
                text +=
                    [id, name, pick(emails), pick(["Asia/Shanghai", "\"Europe/London\"", ""])]
                    .joined(separator: ",") + (number == 120 ? end : "\n")
            }
            expectTheSameEveryWay(text)
        }
    }

    @Test func aPlainRowTakesQuotedCellsWithoutQuotesInside() {
        func plainRow(_ text: String) -> [String]? {
            var text = text
            return text.withUTF8 { bytes in
                var scanner = CSVReader.Scanner(bytes: bytes, path: "c.csv")
                guard let (ranges, controlCells) = scanner.plainRowCells() else { return nil }
                return ranges.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
                    + ["i=\(scanner.i) control=\(controlCells)"]
            }
        }
        #expect(plainRow("c1,\"Jackson, José\",x\nc2") == ["c1", "Jackson, José", "x", "i=22 control=0"])
        #expect(plainRow("\"c1\",\"\",\"a\tb\"\r\n") == nil)
        #expect(plainRow("\"c1\",\"\",a\tb,\r\n") == ["c1", "", "a\tb", "", "i=14 control=4"])
        #expect(plainRow("c1,\"a \"\"b\"\"\"") == nil)
        #expect(plainRow("c1,\"open") == nil)
        #expect(plainRow("c1,x\"y\"") == nil)
        #expect(plainRow("c1,\"end\"") == ["c1", "end", "i=8 control=0"])
        #expect(plainRow(String(repeating: "x,", count: 255) + "x")?.count == 257)
        #expect(plainRow(String(repeating: "x,", count: 256) + "x") == nil)  // more cells than room for
        #expect(
            plainRow("a,b,c,d,e,f,g,h,i,j,") == [
                "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "", "i=20 control=0",
            ])
    }

    @Test func theIDReaderTakesTheByteOrderMarkAndBlankLinesBeforeTheHeader() {
        let body = Array("\n\r\n\nid,name,dates.anniversary,company\nc1,张伟,2015-06-01,\nc2,李娜,,艾克美\n".utf8)
        for bytes in [body, [0xEF, 0xBB, 0xBF] + body] {
            for blockBytes in [1, 4, 1000] {
                let found = ids(bytes, blockBytes: blockBytes, pieceBytes: 2)
                #expect(found.map { ContactIDs(parts: $0.ids).sorted() } == ["c1", "c2"])
                #expect(found?.fields == ["company"])
                #expect(found?.dates == ["anniversary"])
            }
        }
        // An empty file, or blank lines only, has no contacts and nothing wrong.
        for empty in ["", "\n\r\n", "\u{FEFF}"] {
            #expect(ids(Array(empty.utf8), blockBytes: 1, pieceBytes: 1)?.ids.reduce(0) { $0 + $1.count } == 0)
        }
    }

    @Test func aColumnKeptAsACustomFieldWithAWarningIsNoProblem() {
        let text = "id,name,birtday,company\nc1,张伟,1980-03-14,\nc2,李娜,,艾克美\n"
        expectTheSameEveryWay(text)
        #expect(ids(Array(text.utf8), blockBytes: 1, pieceBytes: 5)?.fields == ["birtday", "company"])
    }

    @Test func theIDReaderLeavesBytesThatAreNotTextToTheReaderThatReportsThem() {
        let good = Array("id,name\nc1,x\n".utf8)
        #expect(ids(good, blockBytes: 1, pieceBytes: 1) != nil)
        for bytes in [
            [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + good, good + [0xC3, 0x28, 0x0A],
            Array("id,name\nc1,a".utf8) + [0] + [0x0A],
            [0xFF] + good,
        ] {
            for blockBytes in [1, 1000] {
                #expect(ids(bytes, blockBytes: blockBytes, pieceBytes: 3) == nil, "\(bytes)")
            }
        }
    }

    @Test func manyGeneratedRowsGiveTheSameResultEveryWay() {
        var generator = SplitMix(seed: 7)
        let zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Mars/Base", " Asia/Tokyo", ""]
        let tags = ["华东", "vip;华东", "a; b", "", "key;;x", "\"q;r\""]
        let owners = ["li.na", "wang.qiang", "nobody", "", "emily.carter "]
        let dates = ["1980-03-14", "--02-29", "1985-02-30", "", "2000-13-01", "--12-31"]
        let emails = ["x@example.com", "bad", "", "\"a@b.example\"", "u.v@w-x.example"]
        var text = "id,name,email,timezone,tags,owner,birthday,lunar_birthday\n"
        for number in 1...400 {
            func pick(_ values: [String]) -> String { values[Int(generator.next() % UInt64(values.count))] }
            let id = generator.next() % 50 == 0 ? "c\(number - 1)" : "c\(number)"
            text +=
                [
                    id, pick(["张伟", "Emily Carter", "\"Carter, Emily\"", "", " x "]), pick(emails), pick(zones),
                    pick(tags), pick(owners), pick(dates), pick(["08-15", "L04-15", "l04-15", "13-01", ""]),
                ].joined(separator: ",") + "\n"
        }
        expectTheSameEveryWay(text)
    }
}

/// A small deterministic random number generator for generated test data.
struct SplitMix: RandomNumberGenerator {
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

extension CSVReader.Scanner {
    /// `plainRow` with room of its own: the cells' ranges and control-cell bits, or `nil`.
    mutating func plainRowCells() -> ([Range<Int>], UInt64)? {
        withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: CellRanges.capacity) { room in
            var ranges = CellRanges(room: room)
            var controlCells: UInt64 = 0
            guard plainRow(&ranges, controlCells: &controlCells) else { return nil }
            return (Array(ranges.cells), controlCells)
        }
    }
}

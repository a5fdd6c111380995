import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct CSVReaderTests {
    func values(_ text: String) -> [[String]] {
        CSVReader.rows(in: SourceText(path: "x.csv", text: text)).rows.map { $0.cells.map(\.value) }
    }

    /// Each cell's `line:column`.
    func places(_ text: String) -> [[String]] {
        CSVReader.rows(in: SourceText(path: "x.csv", text: text)).rows.map {
            $0.cells.map { "\($0.line):\($0.column)" }
        }
    }

    func messages(_ text: String) -> [String] {
        lines(CSVReader.rows(in: SourceText(path: "x.csv", text: text)).diagnostics)
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() {
        let text = "id,name,note\na,\"Zhang, Wei\",\"say \"\"hi\"\"\nbye\"\nb,c,d\n"
        #expect(values(text) == [["id", "name", "note"], ["a", "Zhang, Wei", "say \"hi\"\nbye"], ["b", "c", "d"]])
        // A quoted cell's column is its first character inside the quote.
        #expect(places(text) == [["1:1", "1:4", "1:9"], ["2:1", "2:4", "2:17"], ["4:1", "4:3", "4:5"]])
        #expect(CSVReader.rows(in: SourceText(path: "x.csv", text: text)).rows.map(\.line) == [1, 2, 4])
        #expect(messages(text) == [])
    }

    @Test func readsCRLFAndTurnsCRLFInsideQuotesIntoLF() {
        #expect(values("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]])
        #expect(places("a,b\r\nc,d\r\n") == [["1:1", "1:3"], ["2:1", "2:3"]])
        #expect(values("\"x\r\ny\",z\r\n") == [["x\ny", "z"]])
        #expect(places("\"x\r\ny\",z\r\n") == [["1:2", "2:4"]])
    }

    @Test func readsALoneCRAsALineEnd() {
        #expect(values("a,b\rc,d") == [["a", "b"], ["c", "d"]])
    }

    @Test func toleratesAByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\nacme-zhang,张伟\n".utf8)
        let source = try SourceText.decode(bytes, path: "x.csv").get()
        let rows = CSVReader.rows(in: source).rows
        #expect(rows.map { $0.cells.map(\.value) } == [["id", "name"], ["acme-zhang", "张伟"]])
        #expect(rows[0].cells[0].column == 1)
    }

    @Test func skipsEmptyLinesAndTheTrailingOne() {
        #expect(values("a\n\n\r\nb\n\n") == [["a"], ["b"]])
        #expect(places("a\n\n\r\nb\n\n") == [["1:1"], ["4:1"]])
    }

    @Test func keepsEmptyFields() {
        #expect(values("a,,\n,b,\n") == [["a", "", ""], ["", "b", ""]])
    }

    @Test func countsColumnsInUnicodeScalars() {
        #expect(places("张伟,李娜,x\n") == [["1:1", "1:4", "1:7"]])
        #expect(places("\"王\"\"磊\",x\n") == [["1:2", "1:8"]])
    }

    @Test func toleratesSpacesAroundAQuotedField() {
        #expect(values("a, \"b, c\" ,d\n") == [["a", "b, c", "d"]])
        #expect(places("a, \"b, c\" ,d\n") == [["1:1", "1:5", "1:12"]])
    }

    @Test func reportsAnUnterminatedQuoteAtTheOpeningQuote() {
        let text = "a,b\nc,\"d,e\nf\n"
        #expect(values(text) == [["a", "b"]])
        #expect(
            messages(text) == [
                "x.csv:2:3: error: unterminated quoted field",
                "x.csv:2:3: note: add the closing '\"'; a quote inside a quoted field is written '\"\"'",
            ])
    }

    @Test func reportsAQuoteInsideAnUnquotedField() {
        let text = "a,b\"c,d\ne,f\n"
        #expect(values(text) == [["e", "f"]])
        #expect(
            messages(text) == [
                "x.csv:1:4: error: unexpected '\"' in an unquoted field",
                "x.csv:1:4: note: put the whole field in double quotes and double each quote inside, e.g. \"Tony \"\"Zhang\"\" Wei\"",
            ])
    }

    @Test func reportsTextAfterAClosingQuote() {
        let text = "\"张伟\"先生,d\ne,f\n"
        #expect(values(text) == [["e", "f"]])
        #expect(
            messages(text) == [
                "x.csv:1:5: error: unexpected '先' after a closing quote",
                "x.csv:1:5: note: a quoted field ends at the next ',' or line end; a quote inside it is written '\"\"'",
            ])
    }
}

@Suite struct CSVContactsReaderTests {
    let context = ContactsContext(owners: ["li.na", "wang.qiang", "emily.carter"], zones: systemZones)

    func read(_ text: String) -> (contacts: [Contact], messages: [String]) {
        let (contacts, diagnostics) = ContactsParser.parse(SourceText(path: "x.csv", text: text), context: context)
        return (contacts, lines(diagnostics))
    }

    @Test func theHeaderNamesTheFields() throws {
        let (contacts, messages) = read(
            """
            id,name,email,tags,owner,birthday,lunar_birthday,dates.anniversary,company\r
            acme-zhang,张伟,zhang.wei@example.cn,华东; key ;,li.na,--03-14,L04-15,2015-06-01,"上海艾克美, 机械"\r

            """)
        #expect(messages == [])
        #expect(
            contacts == [
                Contact(
                    id: "acme-zhang", name: "张伟", email: "zhang.wei@example.cn", tags: ["华东", "key"], owner: "li.na",
                    birthday: PartialDate(year: nil, month: 3, day: 14),
                    lunarBirthday: LunarDate(month: 4, day: 15, isLeapMonth: true),
                    dates: ["anniversary": PartialDate(year: 2015, month: 6, day: 1)],
                    fields: ["company": "上海艾克美, 机械"], location: SourceLocation(path: "x.csv", line: 2, column: 1))
            ])
    }

    @Test func emptyCellsAreNotSetAndBlankRowsAreSkipped() throws {
        let (contacts, messages) = read("id,email,tier\n\n,,\nacme-zhang,,\n , ,\n")
        #expect(messages == [])
        let contact = try #require(contacts.first)
        #expect(contacts.count == 1)
        #expect(contact.email == nil && contact.tier == nil && contact.fields.isEmpty)
    }

    @Test func aRowWithTooManyFieldsIsReportedAtTheFirstExtraOne() {
        let (contacts, messages) = read("id,name,company\na,张伟,上海艾克美, 机械\nb,李娜,晨曦\n")
        #expect(contacts.map(\.id) == ["b"])
        #expect(
            messages == [
                "x.csv:2:12: error: row has 4 fields but the header has 3",
                "x.csv:2:12: note: a value that contains ',' must be in double quotes, e.g. \"Pudong, Shanghai\"",
            ])
    }

    @Test func aRowWithTooFewFieldsIsReportedAtItsStart() {
        let (contacts, messages) = read("id,name,company\na,张伟\nb,李娜,晨曦\n")
        #expect(contacts.map(\.id) == ["b"])
        #expect(
            messages == [
                "x.csv:2:1: error: row has 2 fields but the header has 3",
                "x.csv:2:1: note: write an empty field as nothing between two commas, e.g. 'acme-zhang,,张伟'",
            ])
    }

    @Test func aDuplicateOrEmptyHeaderIsReportedAtItsColumn() {
        #expect(
            read("id,email,,名字,email\na,a@example.com,,,b@example.com\n").messages == [
                "x.csv:1:10: error: empty column name",
                "x.csv:1:10: note: every column needs a field name such as 'email' in the first row",
                "x.csv:1:11: error: invalid field name '名字'",
                "x.csv:1:11: note: a field name uses lowercase letters, digits, '_' and '-'",
                "x.csv:1:14: error: duplicate column 'email'",
                "x.csv:1:4: note: 'email' is first used here",
            ])
    }

    @Test func aCapitalisedColumnNameSuggestsTheField() {
        #expect(
            read("id,Email,First Name\n").messages == [
                "x.csv:1:4: error: invalid field name 'Email'",
                "x.csv:1:4: note: a field name uses lowercase letters, digits, '_' and '-'",
                "x.csv:1:4: note: did you mean 'email'?",
                "x.csv:1:10: error: invalid field name 'First Name'",
                "x.csv:1:10: note: a field name uses lowercase letters, digits, '_' and '-'",
                "x.csv:1:10: note: did you mean 'first_name'?",
            ])
    }

    @Test func aMisspeltColumnIsKeptWithAWarning() throws {
        let (contacts, messages) = read("id,birtday,phone2\na,1980-03-14,+86 10 1234 5678\n")
        #expect(
            messages == [
                "x.csv:1:4: warning: unknown column 'birtday' is kept as a custom field",
                "x.csv:1:4: note: did you mean 'birthday'?",
            ])
        #expect(try #require(contacts.first).fields == ["birtday": "1980-03-14", "phone2": "+86 10 1234 5678"])
    }

    @Test func withoutAnIDColumnNoRowIsRead() {
        let (contacts, messages) = read("name,email\n张伟,zhang.wei@example.cn\n")
        #expect(contacts.isEmpty)
        #expect(
            messages == [
                "x.csv:1:1: error: no 'id' column in the header",
                "x.csv:1:1: note: the first row names the fields; add a column named 'id'",
            ])
    }

    @Test func anEmptyIDIsReportedAtTheRowStart() {
        #expect(
            read("name,id\n张伟,\n").messages == [
                "x.csv:2:1: error: contact has no 'id'",
                "x.csv:2:1: note: every contact needs an 'id' that is unique across all contact files, e.g. 'acme-zhang'",
            ])
    }

    @Test func pointsAtTheBadValueInAChineseRow() {
        let (contacts, messages) = read(
            "id,name,birthday,lunar_birthday,email\nacme-zhang,张伟,1985-02-30,8-15,\"zhang wei@example.cn\"\n")
        #expect(contacts.isEmpty)
        #expect(
            messages == [
                "x.csv:2:15: error: invalid date '1985-02-30' in 'birthday'",
                "x.csv:2:15: note: February 1985 has 28 days",
                "x.csv:2:26: error: invalid lunar date '8-15' in 'lunar_birthday'",
                "x.csv:2:26: note: write the month and the day with two digits, e.g. '08-05'",
                "x.csv:2:32: error: invalid email address 'zhang wei@example.cn': the part before '@' contains a character an address cannot have",
            ])
    }

    @Test func loadsOneHundredThousandContactsQuickly() throws {
        // The promise is for release builds: 100,000 contacts well under a second. A debug build is
        // an order of magnitude slower, so it reads a tenth of them with a generous bound.
        #if DEBUG
            let (count, limit) = (10_000, Duration.seconds(10))
        #else
            let (count, limit) = (100_000, Duration.seconds(1))
        #endif
        var text = "id,name,email,phone,timezone,tier,tags,owner,language,birthday,lunar_birthday,company\n"
        let zones = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney"]
        let owners = ["li.na", "wang.qiang", "emily.carter"]
        for i in 0..<count {
            text += "c-\(i),客户\(i),c\(i)@example.cn,+86 138 \(10_000_000 + i),\(zones[i % 4]),"
            text += "\(i % 7 == 0 ? "key" : "ordinary"),华东;制造业,\(owners[i % 3]),zh,"
            text += "19\(50 + i % 50)-0\(1 + i % 9)-\(10 + i % 18),\(i % 5 == 0 ? "L04-15" : ""),\"公司 \(i), 有限\"\n"
        }
        let source = SourceText(path: "big.csv", text: text)
        let clock = ContinuousClock()
        var result: (contacts: [Contact], diagnostics: Diagnostics)?
        let elapsed = clock.measure { result = ContactsParser.parse(source, context: context) }
        let (contacts, diagnostics) = try #require(result)
        #expect(diagnostics.all.map(\.description) == [])
        #expect(contacts.count == count)
        #expect(contacts.last?.fields["company"] == "公司 \(count - 1), 有限")
        #expect(elapsed < limit)
    }
}

/// The diagnostics as printed, one line per diagnostic and per note, in reading order.
private func lines(_ diagnostics: Diagnostics) -> [String] {
    diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
}

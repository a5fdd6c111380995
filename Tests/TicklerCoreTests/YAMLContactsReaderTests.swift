import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct YAMLContactsReaderTests {
    let context = ContactsContext(owners: ["li.na", "wang.qiang", "emily.carter"], zones: systemZones)

    func read(_ text: String) -> (contacts: [Contact], messages: [String]) {
        let (contacts, diagnostics) = ContactsParser.parse(SourceText(path: "c.yaml", text: text), context: context)
        return (contacts, lines(diagnostics))
    }

    @Test func readsEveryFieldWithUnquotedDates() throws {
        let (contacts, messages) = read(
            """
            - id: acme-zhang
              name: 张伟
              email: zhang.wei@example.cn
              phone: +86 138 0013 8000
              timezone: Asia/Shanghai
              tier: key
              tags: [华东, " vip ", ""]
              owner: li.na
              language: zh
              birthday: 1980-03-14
              lunar_birthday: L04-15
              dates:
                anniversary: 2015-06-01
                first_order: --09-01
              company: 上海艾克美机械有限公司
              employees: 120
            """)
        #expect(messages == [])
        let contact = try #require(contacts.first)
        #expect(
            contact
                == Contact(
                    id: "acme-zhang", name: "张伟", email: "zhang.wei@example.cn", phone: "+86 138 0013 8000",
                    timezone: "Asia/Shanghai", tier: "key", tags: ["华东", "vip"], owner: "li.na", language: "zh",
                    birthday: PartialDate(year: 1980, month: 3, day: 14),
                    lunarBirthday: LunarDate(month: 4, day: 15, isLeapMonth: true),
                    dates: [
                        "anniversary": PartialDate(year: 2015, month: 6, day: 1),
                        "first_order": PartialDate(year: nil, month: 9, day: 1),
                    ],
                    fields: ["company": "上海艾克美机械有限公司", "employees": "120"],
                    location: SourceLocation(path: "c.yaml", line: 1, column: 7)))
    }

    @Test func readsTagsWrittenAsOneString() throws {
        let (contacts, messages) = read("- {id: a, tags: 'key; 华东;; vip '}\n")
        #expect(messages == [])
        #expect(try #require(contacts.first).tags == ["key", "华东", "vip"])
    }

    @Test(arguments: ["", "# no contacts yet\n", "[]\n", "~\n"])
    func emptyFileOrListHoldsNoContacts(text: String) {
        let (contacts, messages) = read(text)
        #expect(contacts.isEmpty)
        #expect(messages == [])
    }

    @Test func aMapAtTheTopIsAnError() {
        #expect(
            read("id: acme-zhang\nname: 张伟\n").messages == [
                "c.yaml:1:1: error: expected a list of contacts, found a map",
                "c.yaml:1:1: note: start each contact with '- ', e.g. '- id: acme-zhang'",
            ])
    }

    @Test func anItemThatIsNotAMapIsAnErrorAndTheOthersAreRead() {
        let (contacts, messages) = read("- acme-zhang\n- id: huaxin-liu\n")
        #expect(contacts.map(\.id) == ["huaxin-liu"])
        #expect(
            messages == [
                "c.yaml:1:3: error: expected a map for a contact, found a string",
                "c.yaml:1:3: note: write a contact as fields under '- ', e.g. '- id: acme-zhang'",
            ])
    }

    @Test func aListOrMapWhereTextIsExpectedNamesWhatWasFound() {
        let (contacts, messages) = read(
            """
            - id: a
              name: [张, 伟]
              email: {work: a@example.com}
              tags: {a: b}
              dates: 2015-06-01
            - id: b
              tags: [[x]]
              dates: {anniversary: [2015-06-01]}
            """)
        #expect(contacts.isEmpty)
        #expect(
            messages == [
                "c.yaml:2:9: error: expected text for 'name', found a list",
                "c.yaml:3:10: error: expected text for 'email', found a map",
                "c.yaml:4:9: error: expected a list or text for 'tags', found a map",
                "c.yaml:5:10: error: expected a map of names to dates for 'dates', found a string",
                "c.yaml:5:10: note: write e.g. 'dates: {anniversary: 2015-06-01}'",
                "c.yaml:7:10: error: expected text for 'tags', found a list",
                "c.yaml:8:24: error: expected a date for 'dates.anniversary', found a list",
            ])
    }

    @Test func reportsAnInvalidDateAtItsValue() {
        let (contacts, messages) = read("- id: a\n  birthday: 1985-02-30\n- id: b\n  birthday: '--02-29'\n")
        #expect(contacts.map(\.id) == ["b"])
        #expect(
            messages == [
                "c.yaml:2:13: error: invalid date '1985-02-30' in 'birthday'",
                "c.yaml:2:13: note: February 1985 has 28 days",
            ])
    }

    @Test func reportsABadDateUnderDatesWithItsName() {
        #expect(
            read("- id: a\n  dates: {anniversary: 2015-13-01, Signed: 2016-01-01}\n").messages == [
                "c.yaml:2:24: error: invalid date '2015-13-01' in 'dates.anniversary'",
                "c.yaml:2:24: note: there is no month 13; months run from 01 to 12",
                "c.yaml:2:36: error: invalid date name 'Signed'",
                "c.yaml:2:36: note: a date name uses lowercase letters, digits, '_' and '-'",
                "c.yaml:2:36: note: did you mean 'signed'?",
            ])
    }

    @Test func pointsInsideAQuotedValueAtTheBadCharacter() {
        // The value's column is its first character inside the quote; the space is 4 further.
        #expect(
            read("- id: \"acme zhang\"\n").messages == [
                "c.yaml:1:12: error: invalid character ' ' in id 'acme zhang'",
                "c.yaml:1:12: note: an id may contain only ASCII letters, digits and '.', '_', '-', ':', '@', '+', '=', '~'",
            ])
    }

    @Test func countsColumnsInUnicodeScalarsAfterChineseText() {
        #expect(
            read("- {name: 张伟, id: acme-张伟}\n").messages == [
                "c.yaml:1:23: error: invalid character '张' in id 'acme-张伟'",
                "c.yaml:1:23: note: an id may contain only ASCII letters, digits and '.', '_', '-', ':', '@', '+', '=', '~'",
            ])
    }

    @Test func aContactWithoutIDIsReportedAtItsStart() {
        let (contacts, messages) = read("- id: a\n- name: 张伟\n  email: zhang.wei@example.cn\n")
        #expect(contacts.map(\.id) == ["a"])
        #expect(
            messages == [
                "c.yaml:2:3: error: contact has no 'id'",
                "c.yaml:2:3: note: every contact needs an 'id' that is unique across all contact files, e.g. 'acme-zhang'",
            ])
    }

    @Test func nullAndEmptyValuesMeanNotSet() throws {
        let (contacts, messages) = read("- id: a\n  email:\n  phone: ''\n  tags: ~\n  dates:\n")
        #expect(messages == [])
        let contact = try #require(contacts.first)
        #expect(contact.email == nil && contact.phone == nil && contact.tags.isEmpty && contact.dates.isEmpty)
    }

    @Test func yamlSyntaxErrorsArePassedOn() {
        let (contacts, messages) = read("- id: a\n  name: 张伟\n  name: 李四\n")
        #expect(contacts.isEmpty)
        #expect(
            messages == [
                "c.yaml:3:3: error: duplicate key 'name'",
                "c.yaml:2:3: note: 'name' is already set here; a key may appear once in a map",
            ])
    }

    @Test func everyProblemOfEveryContactIsReported() {
        let (contacts, messages) = read(
            """
            - id: a
              timezone: Asia/Shangai
              owner: li.nn
            - id: b
              lunar_birthday: 13-01
            - id: c
            """)
        #expect(contacts.map(\.id) == ["c"])
        #expect(
            messages == [
                "c.yaml:2:13: error: unknown time zone 'Asia/Shangai'",
                "c.yaml:2:13: note: did you mean 'Asia/Shanghai'?",
                "c.yaml:3:10: error: unknown owner 'li.nn'",
                "c.yaml:3:10: note: did you mean 'li.na'?",
                "c.yaml:5:19: error: invalid lunar date '13-01' in 'lunar_birthday'",
                "c.yaml:5:19: note: there is no lunar month 13; months run from 01 to 12",
            ])
    }
}

/// The diagnostics as printed, one line per diagnostic and per note, in reading order.
private func lines(_ diagnostics: Diagnostics) -> [String] {
    diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
}

import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct ContactsParserTests {
    let context = ContactsContext(owners: ["li.na", "wang.qiang", "emily.carter"], zones: systemZones)

    func parse(_ path: String, _ text: String) -> (contacts: [Contact], diagnostics: Diagnostics) {
        ContactsParser.parse(SourceText(path: path, text: text), context: context)
    }

    func messages(_ path: String, _ text: String) -> [String] {
        lines(parse(path, text).diagnostics)
    }

    @Test(arguments: ["etc/c.yaml", "etc/c.yml", "etc/c.CSV", "etc/c.vcf"])
    func choosesTheFormatByExtension(path: String) {
        let text =
            path.hasSuffix("vcf")
            ? "BEGIN:VCARD\nUID:acme-zhang\nEND:VCARD\n"
            : path.hasSuffix("CSV") ? "id\nacme-zhang\n" : "- id: acme-zhang\n"
        let (contacts, diagnostics) = parse(path, text)
        #expect(diagnostics.all.isEmpty)
        #expect(contacts.map(\.id) == ["acme-zhang"])
    }

    @Test func anotherExtensionIsAnErrorNamingTheAllowedOnes() {
        #expect(
            messages("etc/contacts.txt", "id\nacme-zhang\n") == [
                "etc/contacts.txt:1:1: error: unsupported contacts file extension '.txt'",
                "etc/contacts.txt:1:1: note: contacts are read from '.yaml', '.yml', '.csv' or '.vcf' files",
            ])
        #expect(
            messages("etc.d/contacts", "") == [
                "etc.d/contacts:1:1: error: contacts file 'contacts' has no extension",
                "etc.d/contacts:1:1: note: contacts are read from '.yaml', '.yml', '.csv' or '.vcf' files",
            ])
    }

    @Test func anIDDefinedTwiceAcrossFilesIsReportedAtTheSecondPlace() {
        let yaml = parse("etc/contacts.yaml", "- id: huaxin-liu\n- id: acme-zhang\n  name: 张伟\n")
        let csv = parse("etc/contacts.csv", "name,id\n张伟,acme-zhang\n李娜,jinqiao-chen\n")
        let (contacts, diagnostics) = ContactsParser.merge([yaml.contacts, csv.contacts])
        #expect(contacts.map(\.id) == ["huaxin-liu", "acme-zhang", "jinqiao-chen"])
        #expect(contacts[1].name == "张伟")
        #expect(
            lines(diagnostics) == [
                "etc/contacts.csv:2:4: error: duplicate contact id 'acme-zhang'",
                "etc/contacts.yaml:2:7: note: 'acme-zhang' is first defined here",
            ])
    }

    @Test func anIDDefinedTwiceInOneFileIsReportedOnce() {
        let (contacts, diagnostics) = parse("c.yaml", "- id: acme-zhang\n- id: acme-zhang\n")
        #expect(contacts.map(\.id) == ["acme-zhang"])
        #expect(
            lines(diagnostics) == [
                "c.yaml:2:7: error: duplicate contact id 'acme-zhang'",
                "c.yaml:1:7: note: 'acme-zhang' is first defined here",
            ])
        #expect(ContactsParser.merge([contacts]).diagnostics.all.isEmpty)
    }

    @Test(arguments: [
        ("acme/zhang", 5, "'/'"),
        ("acme zhang", 5, "' '"),
        ("王磊", 1, "'王'"),
        ("acme-zhang#2", 11, "'#'"),
    ])
    func anIDUsableInKeysSaysWhichCharacterIsWrong(id: String, column: Int, shown: String) {
        let found = messages("x.csv", "name,id\nx,\(id)\n")
        #expect(found.first == "x.csv:2:\(2 + column): error: invalid character \(shown) in id '\(id)'")
        #expect(
            found.dropFirst().first
                == "x.csv:2:\(2 + column): note: an id may contain only ASCII letters, digits and '.', '_', '-', ':', '@', '+', '=', '~'"
        )
    }

    @Test func aSlashInAnIDExplainsTheKey() {
        #expect(
            messages("x.csv", "id\nacme/zhang\n").last
                == "x.csv:2:5: note: '/' separates the parts of a reminder key such as 'birthday-greeting/acme-zhang/2027-03-14'"
        )
    }

    @Test func idsMayUseEveryAllowedPunctuation() {
        let id = "a.b_c-d:e@f+g=h~i"
        #expect(parse("x.csv", "id\n\(id)\n").contacts.map(\.id) == [id])
    }

    @Test func anInvalidEmailGivesTheReason() {
        #expect(
            messages("x.csv", "id,email\na,zhang.wei.example.cn\nb,zhang@example\n") == [
                "x.csv:2:3: error: invalid email address 'zhang.wei.example.cn': no '@' in the address",
                "x.csv:3:3: error: invalid email address 'zhang@example': 'example' is not a domain name such as 'example.com'",
            ])
    }

    @Test func anUnknownOwnerSuggestsOrListsTheOwners() {
        #expect(
            messages("x.csv", "id,owner\na,wang.qaing\nb,zhao.lei\n") == [
                "x.csv:2:3: error: unknown owner 'wang.qaing'",
                "x.csv:2:3: note: did you mean 'wang.qiang'?",
                "x.csv:3:3: error: unknown owner 'zhao.lei'",
                "x.csv:3:3: note: the configured owners are 'emily.carter', 'li.na' or 'wang.qiang'",
            ])
        let none = ContactsParser.parse(
            SourceText(path: "x.csv", text: "id,owner\na,li.na\n"), context: .init(owners: [], zones: systemZones))
        #expect(
            lines(none.diagnostics) == [
                "x.csv:2:3: error: unknown owner 'li.na'",
                "x.csv:2:3: note: no owners are configured; add them under 'owners:' in the configuration",
            ])
    }

    @Test func anUnknownZoneSuggestsTheNearestOne() {
        #expect(
            messages("x.csv", "id,timezone\na,America/New York\nb,+08:00\n") == [
                "x.csv:2:3: error: unknown time zone 'America/New York'",
                "x.csv:2:3: note: did you mean 'America/New_York'?",
                "x.csv:3:3: error: unknown time zone '+08:00'",
                "x.csv:3:3: note: use an IANA zone name such as 'Asia/Shanghai' or 'America/New_York'",
            ])
    }

    @Test(arguments: ["zh", "en", "yue", "zh-TW", "es-419", "zh-Hant"])
    func acceptsLanguageCodes(code: String) {
        #expect(parse("x.csv", "id,language\na,\(code)\n").contacts.first?.language == code)
    }

    @Test(arguments: [("ZH", "zh"), ("zh_TW", "zh-TW"), ("zh-tw", "zh-TW"), ("chinese", nil)])
    func anInvalidLanguageCodeSuggestsTheUsualSpelling(code: String, suggestion: String?) {
        var expected = [
            "x.csv:2:3: error: invalid language code '\(code)'",
            "x.csv:2:3: note: a language code is 2 or 3 lowercase letters, optionally '-' and a region, e.g. 'zh', 'en' or 'zh-TW'",
        ]
        if let suggestion { expected.append("x.csv:2:3: note: did you mean '\(suggestion)'?") }
        #expect(messages("x.csv", "id,language\na,\(code)\n") == expected)
    }

    @Test func aPhoneNumberNeedsDigits() {
        #expect(
            messages("x.csv", "id,phone\na,N/A\n") == [
                "x.csv:2:3: error: phone number 'N/A' in 'phone' has no digits",
                "x.csv:2:3: note: leave the field empty when the number is not known",
            ])
    }

    @Test func anInvalidContactIsLeftOutAndTheOthersAreKept() {
        let (contacts, diagnostics) = parse(
            "x.csv", "id,birthday,lunar_birthday\na,1985-02-30,\nb,1988-02-29,L04-15\nc,,L13-01\nd,--02-29,\n")
        #expect(contacts.map(\.id) == ["b", "d"])
        #expect(
            lines(diagnostics) == [
                "x.csv:2:3: error: invalid date '1985-02-30' in 'birthday'",
                "x.csv:2:3: note: February 1985 has 28 days",
                "x.csv:4:4: error: invalid lunar date 'L13-01' in 'lunar_birthday'",
                "x.csv:4:4: note: there is no lunar month 13; months run from 01 to 12",
            ])
    }

    @Test func spacesAroundAValueAreDroppedAndTheColumnFollowsTheText() {
        let (contacts, diagnostics) = parse("x.csv", "id,tier,birthday\n  acme-zhang , key ,  1985-02-30\n")
        #expect(contacts.isEmpty)
        #expect(
            lines(diagnostics) == [
                "x.csv:2:23: error: invalid date '1985-02-30' in 'birthday'",
                "x.csv:2:23: note: February 1985 has 28 days",
            ])
        #expect(parse("x.csv", "id,tier\n  acme-zhang , key \n").contacts.first?.tier == "key")
    }

    @Test func aMisspeltFieldIsWarnedOncePerFile() {
        let (contacts, diagnostics) = parse("c.yaml", "- id: a\n  birtday: 1980-03-14\n- id: b\n  birtday: --03-14\n")
        #expect(contacts.map(\.id) == ["a", "b"])
        #expect(
            lines(diagnostics) == [
                "c.yaml:2:3: warning: unknown field 'birtday' is kept as a custom field",
                "c.yaml:2:3: note: did you mean 'birthday'?",
            ])
        #expect(!diagnostics.hasErrors)
    }

    @Test func aReservedOrIncompleteDateNameIsAnError() {
        #expect(
            messages("x.csv", "id,dates,dates.birthday\n") == [
                "x.csv:1:4: error: 'dates' needs a date name",
                "x.csv:1:4: note: name one date per field, e.g. 'dates.anniversary'",
                "x.csv:1:10: error: date name 'birthday' is reserved",
                "x.csv:1:10: note: set the contact's 'birthday' field instead of 'dates.birthday'",
            ])
    }

    @Test func aLineBreakInANameIsAnError() {
        #expect(
            messages("x.csv", "id,name\na,\"张伟\r\nBcc: x@example.com\"\n") == [
                "x.csv:2:6: error: 'name' contains a line break",
                "x.csv:2:6: note: 'name' must be a single line of text",
            ])
    }
}

@Suite struct ContactsParserGarbageTests {
    /// Fragments that stress every reader: quotes, separators, line ends, escapes, folding, YAML
    /// indicators, non-ASCII text and control characters.
    static let fragments = [
        "\"", "\"\"", ",", ";", ":", "\n", "\r\n", "\r", " ", "\t", "\\", "\\n", "\\,", "-", "- ", "--", "L",
        "id", "id: ", "name", "email", "tags", "dates.", "birthday: ", "BEGIN:VCARD", "END:VCARD", "UID:",
        "BDAY:", "TZ:", "X-TICKLER-", "item1.", ";TYPE=", "=", "[", "]", "{", "}", "#", "&a", "*a", "|",
        "张伟", "é", "\u{301}", "\u{7}", "1980-02-30", "--0229", "08-15", "L13-01", "@", "a@b.c", "0",
    ]

    @Test(arguments: ["g.yaml", "g.csv", "g.vcf"])
    func garbageNeverCrashesAndOnlyValidContactsComeOut(path: String) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let header = path.hasSuffix("csv") ? "id,name,tags,birthday\n" : ""
        for _ in 0..<1500 {
            var text = header
            for _ in 0..<next(40) { text += Self.fragments[next(Self.fragments.count)] }
            let (contacts, diagnostics) = ContactsParser.parse(
                SourceText(path: path, text: text), context: ContactsContext(owners: ["li.na"], zones: systemZones))
            for contact in contacts {
                #expect(!contact.id.isEmpty)
                #expect(contact.id.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0 != "/" })
                #expect(!(contact.name ?? "").contains("\n"))
            }
            for line in lines(diagnostics) {
                #expect(!line.contains("\r"))
            }
        }
    }
}

/// The diagnostics as printed, one line per diagnostic and per note, in reading order.
private func lines(_ diagnostics: Diagnostics) -> [String] {
    diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
}

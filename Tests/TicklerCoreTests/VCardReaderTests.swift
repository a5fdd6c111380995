import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct VCardReaderTests {
    let context = ContactsContext(owners: ["li.na", "wang.qiang", "emily.carter"], zones: systemZones)

    func read(_ vCardLines: [String], lineEnd: String = "\r\n") -> (contacts: [Contact], messages: [String]) {
        let text = vCardLines.map { $0 + lineEnd }.joined()
        let (contacts, diagnostics) = ContactsParser.parse(SourceText(path: "x.vcf", text: text), context: context)
        return (contacts, lines(diagnostics))
    }

    /// A card around `properties`, with a UID unless one is given.
    func card(_ properties: [String]) -> [String] {
        let uid = properties.contains { $0.hasPrefix("UID") } ? [] : ["UID:c"]
        return ["BEGIN:VCARD", "VERSION:4.0"] + uid + properties + ["END:VCARD"]
    }

    @Test func readsAVCard3WithTicklerFields() {
        let (contacts, messages) = read([
            "BEGIN:VCARD",
            "VERSION:3.0",
            "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
            "N:张;伟;;;",
            "FN:张伟",
            "UID:acme-zhang",
            "ORG:上海艾克美机械有限公司;销售部",
            "item1.EMAIL;type=INTERNET;type=pref:zhang.wei@example.cn",
            "EMAIL;TYPE=INTERNET,HOME:zhangwei@example.com",
            "TEL;TYPE=CELL:+86 138 0013 8000",
            "TEL;TYPE=WORK:+86 21 5555 0000",
            "ADR;TYPE=WORK:;;浦东新区张江路 100 号;上海;;201203;中国",
            "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ",
            "BDAY;VALUE=date:1980-03-14",
            "TZ;VALUE=text:Asia/Shanghai",
            "CATEGORIES:华东,key-account",
            "X-TICKLER-TIER:key",
            "X-TICKLER-OWNER:li.na",
            "X-TICKLER-LANGUAGE:zh",
            "X-TICKLER-LUNAR-BIRTHDAY:L04-15",
            "X-TICKLER-DATES-FIRST-ORDER:20150601",
            "X-TICKLER-COMPANY:上海艾克美",
            "X-SOCIALPROFILE:ignored",
            "END:VCARD",
        ])
        #expect(messages == [])
        #expect(
            contacts == [
                Contact(
                    id: "acme-zhang", name: "张伟", email: "zhang.wei@example.cn", phone: "+86 138 0013 8000",
                    timezone: "Asia/Shanghai", tier: "key", tags: ["华东", "key-account"], owner: "li.na",
                    language: "zh", birthday: PartialDate(year: 1980, month: 3, day: 14),
                    lunarBirthday: LunarDate(month: 4, day: 15, isLeapMonth: true),
                    dates: ["first_order": PartialDate(year: 2015, month: 6, day: 1)],
                    fields: ["company": "上海艾克美"], location: SourceLocation(path: "x.vcf", line: 6, column: 5))
            ])
    }

    @Test func readsAVCard4WithLFLineEndsAndSeveralCards() {
        let (contacts, messages) = read(
            [
                "BEGIN:VCARD", "VERSION:4.0", "UID:urn:uuid:5f0c8a3e-2b7d-4c1e-9a64-3d2e8b7f1c05", "FN:John Smith",
                "EMAIL;TYPE=work;PREF=1:john.smith@example.com", "TEL;VALUE=uri;TYPE=cell:tel:+1-212-555-0183",
                "BDAY:--0229", "ANNIVERSARY:20160901", "TZ:America/New_York", "END:VCARD",
                "", "BEGIN:VCARD", "VERSION:4.0", "UID:huaxin-liu", "FN:刘芳", "END:VCARD",
            ], lineEnd: "\n")
        #expect(messages == [])
        #expect(
            contacts == [
                Contact(
                    id: "urn:uuid:5f0c8a3e-2b7d-4c1e-9a64-3d2e8b7f1c05", name: "John Smith",
                    email: "john.smith@example.com", phone: "+1-212-555-0183", timezone: "America/New_York",
                    birthday: PartialDate(year: nil, month: 2, day: 29),
                    dates: ["anniversary": PartialDate(year: 2016, month: 9, day: 1)],
                    location: SourceLocation(path: "x.vcf", line: 3, column: 5)),
                Contact(id: "huaxin-liu", name: "刘芳", location: SourceLocation(path: "x.vcf", line: 14, column: 5)),
            ])
    }

    @Test(arguments: [
        ("BDAY:19800314", PartialDate(year: 1980, month: 3, day: 14)),
        ("BDAY:1980-03-14", PartialDate(year: 1980, month: 3, day: 14)),
        ("BDAY:--0314", PartialDate(year: nil, month: 3, day: 14)),
        ("BDAY:--03-14", PartialDate(year: nil, month: 3, day: 14)),
        ("BDAY;VALUE=date:19880229", PartialDate(year: 1988, month: 2, day: 29)),
        ("BDAY;VALUE=date-and-or-time:19800314T083000Z", PartialDate(year: 1980, month: 3, day: 14)),
    ])
    func readsEveryBirthdayForm(line: String, expected: PartialDate) throws {
        let (contacts, messages) = read(card([line]))
        #expect(messages == [])
        #expect(try #require(contacts.first).birthday == expected)
    }

    @Test(arguments: ["ANNIVERSARY:20150601", "ANNIVERSARY:2015-06-01", "X-TICKLER-DATES-ANNIVERSARY:2015-06-01"])
    func readsTheAnniversaryAsANamedDate(line: String) throws {
        let (contacts, messages) = read(card([line]))
        #expect(messages == [])
        #expect(try #require(contacts.first).dates == ["anniversary": PartialDate(year: 2015, month: 6, day: 1)])
    }

    @Test func unfoldsContinuationLines() throws {
        let (contacts, messages) = read(
            card([
                "FN:Zhang", "  Wei", "X-TICKLER-COMPANY:上海艾克美", "\t机械有限公司", "CATEGORIES:华东,", " key",
                "NOTE:a long note", " that goes on",
            ]))
        #expect(messages == [])
        let contact = try #require(contacts.first)
        #expect(contact.name == "Zhang Wei")
        #expect(contact.fields == ["company": "上海艾克美机械有限公司"])
        #expect(contact.tags == ["华东", "key"])
    }

    @Test func reportsAProblemInAFoldedValueWhereItIsWritten() {
        #expect(
            read(card(["X-TICKLER-LANGUAGE:", " ZH"])).messages == [
                "x.vcf:5:2: error: invalid language code 'ZH'",
                "x.vcf:5:2: note: a language code is 2 or 3 lowercase letters, optionally '-' and a region, e.g. 'zh', 'en' or 'zh-TW'",
                "x.vcf:5:2: note: did you mean 'zh'?",
            ])
    }

    @Test func resolvesEscapes() throws {
        let (contacts, messages) = read(
            card([
                "FN:Zhang\\, Wei", "X-TICKLER-ADDRESS:浦东新区\\n张江路 100 号\\; 3 楼\\\\B 座",
                "CATEGORIES:vip\\,gold,华东\\;上海",
            ]))
        #expect(messages == [])
        let contact = try #require(contacts.first)
        #expect(contact.name == "Zhang, Wei")
        #expect(contact.fields["address"] == "浦东新区\n张江路 100 号; 3 楼\\B 座")
        #expect(contact.tags == ["vip,gold", "华东;上海"])
    }

    @Test func aNameWithAnEscapedLineBreakIsAnError() {
        #expect(
            read(card(["FN:张伟\\nBcc: x@example.com"])).messages == [
                "x.vcf:4:6: error: 'FN' contains a line break",
                "x.vcf:4:6: note: 'FN' must be a single line of text",
            ])
    }

    @Test func aTimeZoneOffsetIsAnErrorAskingForAName() {
        let (contacts, messages) = read(
            card(["TZ:+08:00"]) + card(["UID:d", "TZ;VALUE=utc-offset:-0500"]) + card(["UID:e", "TZ:Asia/Shanghia"]))
        #expect(contacts.isEmpty)
        let note =
            "note: write an IANA zone name such as 'Asia/Shanghai' (in vCard 3: 'TZ;VALUE=text:Asia/Shanghai'); an offset cannot follow daylight-saving time"
        #expect(
            messages == [
                "x.vcf:4:4: error: time zone offset '+08:00' in 'TZ'",
                "x.vcf:4:4: " + note,
                "x.vcf:9:21: error: time zone offset '-0500' in 'TZ'",
                "x.vcf:9:21: " + note,
                "x.vcf:14:4: error: unknown time zone 'Asia/Shanghia'",
                "x.vcf:14:4: note: did you mean 'Asia/Shanghai'?",
            ])
    }

    @Test func anUnknownOwnerSuggestsTheNearestOne() {
        #expect(
            read(card(["X-TICKLER-OWNER:emily.cartr"])).messages == [
                "x.vcf:4:17: error: unknown owner 'emily.cartr'",
                "x.vcf:4:17: note: did you mean 'emily.carter'?",
            ])
    }

    @Test func aBadBirthdayIsReportedInTheVCardsTerms() {
        #expect(
            read(card(["BDAY:19850230"]) + card(["UID:d", "BDAY;VALUE=text:circa 1980"])).messages == [
                "x.vcf:4:6: error: invalid date '19850230' in 'BDAY'",
                "x.vcf:4:6: note: February 1985 has 28 days",
                "x.vcf:9:17: error: 'BDAY' is text (VALUE=text), not a date",
                "x.vcf:9:17: note: write the date as 'YYYYMMDD', or '--MMDD' when the year is not known",
            ])
    }

    @Test func aMissingEndIsReportedAtTheBegin() {
        let (contacts, messages) = read(
            ["BEGIN:VCARD", "UID:a", "BEGIN:VCARD", "UID:b", "END:VCARD", "BEGIN:VCARD", "UID:c"])
        #expect(contacts.map(\.id) == ["b"])
        #expect(
            messages == [
                "x.vcf:1:1: error: 'BEGIN:VCARD' without a matching 'END:VCARD'",
                "x.vcf:3:1: note: the next vCard starts here",
                "x.vcf:6:1: error: 'BEGIN:VCARD' without a matching 'END:VCARD'",
                "x.vcf:6:1: note: the file ends before 'END:VCARD'",
            ])
    }

    @Test func aLineWithoutColonIsAnError() {
        let (contacts, messages) = read(card(["FN 张伟"]) + card(["UID:ok"]))
        #expect(contacts.map(\.id) == ["ok"])
        #expect(
            messages == [
                "x.vcf:4:1: error: missing ':' in vCard line 'FN 张伟'",
                "x.vcf:4:1: note: a vCard line is 'NAME:value', e.g. 'FN:张伟'; a line that continues the one before starts with a space",
            ])
    }

    @Test func aCardWithoutUIDIsAnError() {
        #expect(
            read(["BEGIN:VCARD", "VERSION:3.0", "FN:张伟", "END:VCARD"]).messages == [
                "x.vcf:1:1: error: vCard has no 'UID'",
                "x.vcf:1:1: note: Tickler uses 'UID' as the contact's id; add a line such as 'UID:acme-zhang'",
            ])
    }

    @Test func textOutsideACardIsReportedOnce() {
        let (contacts, messages) = read(["FN:张伟", "EMAIL:a@example.com"] + card(["UID:a"]) + ["END:VCARD"])
        #expect(contacts.map(\.id) == ["a"])
        #expect(
            messages == [
                "x.vcf:1:1: error: 'FN' outside a vCard",
                "x.vcf:1:1: note: properties go between 'BEGIN:VCARD' and 'END:VCARD'",
                "x.vcf:7:1: error: 'END:VCARD' without a 'BEGIN:VCARD'",
            ])
    }

    @Test func aTicklerFieldSetTwiceIsAnError() {
        #expect(
            read(card(["X-TICKLER-TIER:key", "X-TICKLER-TIER:ordinary"])).messages == [
                "x.vcf:5:16: error: 'tier' is set twice",
                "x.vcf:4:16: note: 'tier' is first set here",
            ])
    }

    @Test func quotedParameterValuesMayHoldColons() throws {
        let (contacts, messages) = read(card(["EMAIL;TYPE=\"work:main\";LABEL=\"a;b\":zhang.wei@example.cn"]))
        #expect(messages == [])
        #expect(try #require(contacts.first).email == "zhang.wei@example.cn")
    }

    @Test func quotedPrintableValuesAreRefused() {
        #expect(
            read(card(["FN;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=BC=9F"])).messages == [
                "x.vcf:4:1: error: unsupported encoding 'QUOTED-PRINTABLE' in 'FN'",
                "x.vcf:4:1: note: export the contacts as vCard 3.0 or 4.0, which write values as plain UTF-8",
            ])
    }
}

/// The diagnostics as printed, one line per diagnostic and per note, in reading order.
private func lines(_ diagnostics: Diagnostics) -> [String] {
    diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
}

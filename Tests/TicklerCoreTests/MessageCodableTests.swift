import Foundation
import Testing
import TicklerCore

/// The outbox stores rendered messages as JSON and sends exactly what it reads back.
@Suite struct MessageCodableTests {
    static let date = Occurrence(
        key: "birthday-greeting/acme-zhang/2027-03-14", rule: "birthday-greeting", contact: "acme-zhang", to: .contact,
        recipient: "acme-zhang", channel: "email", due: 1_805_000_000, offset: 28_800,
        day: CivilDate(year: 2027, month: 3, day: 14),
        detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 7, years: 47))
    static let after = Occurrence(
        key: "callback-overdue/acme-zhang/17/2", rule: "callback-overdue", contact: "acme-zhang", to: .owner,
        recipient: "li.na", channel: "sales-chat", due: 1_805_007_200, offset: -18_000,
        day: CivilDate(year: 2027, month: 3, day: 14),
        detail: .after(
            event: Event(
                id: "17", contact: "acme-zhang", type: "callback-requested", at: 1_805_000_000, note: "回电\n\"急\""),
            repeatIndex: 2, base: 1_805_000_000))
    static let every = Occurrence(
        key: "key-account-check-in/acme-zhang/2027-03-28", rule: "key-account-check-in", contact: "acme-zhang",
        to: .manager, recipient: "wang.qiang", channel: "sales-chat", due: 1_806_195_600, offset: 0,
        day: CivilDate(year: 2027, month: 3, day: 28), detail: .every(cycle: 3, start: 1_802_000_000))

    static func message(_ occurrence: Occurrence, html: String? = nil, name: String? = "张伟") -> RenderedMessage {
        RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: occurrence.recipient, name: "李娜", email: nil, language: "zh"),
            contact: .init(id: "acme-zhang", name: name, email: "zhang.wei@example.cn", language: "en"),
            templatePath: "templates/x.zh.txt", language: "zh", subject: "张伟，生日快乐 🎂", text: "第一行\r\n第二行\u{0}",
            html: html)
    }

    @Test(arguments: [
        message(date, html: "<p>生日快乐</p>"), message(after), message(every, name: nil),
    ])
    func aRenderedMessageRoundTripsThroughJSON(original: RenderedMessage) throws {
        let data = try JSONEncoder().encode(original)
        let decoded = try JSONDecoder().decode(RenderedMessage.self, from: data)
        expectSame(decoded, original)
    }

    @Test(arguments: [date, after, every])
    func anOccurrenceRoundTripsThroughJSON(original: Occurrence) throws {
        let decoded = try JSONDecoder().decode(Occurrence.self, from: try JSONEncoder().encode(original))
        #expect(decoded == original)
    }

    /// A message stored by this version must read back in the next: this is the shape on disk.
    @Test func theStoredShapeIsPinned() throws {
        let json = """
            {"occurrence":{"key":"thank-you/acme-zhang/9","rule":"thank-you","contact":"acme-zhang","to":"contact",
            "recipient":"acme-zhang","channel":"email","due":1805000000,"offset":28800,
            "day":{"year":2027,"month":3,"day":14},
            "detail":{"after":{"event":{"id":"9","contact":"acme-zhang","type":"purchase","at":1804900000},
            "repeatIndex":0,"base":1804986400}}},
            "recipient":{"id":"acme-zhang","name":"张伟","email":"zhang.wei@example.cn","language":"zh"},
            "contact":{"id":"acme-zhang","name":"张伟","email":"zhang.wei@example.cn","language":"zh"},
            "templatePath":"templates/thank-you.txt","language":"zh","subject":"谢谢","text":"谢谢您的购买"}
            """
        let message = try JSONDecoder().decode(RenderedMessage.self, from: Data(json.utf8))
        #expect(message.occurrence.to == .contact)
        #expect(message.occurrence.day == CivilDate(year: 2027, month: 3, day: 14))
        #expect(
            message.occurrence.detail
                == .after(
                    event: Event(id: "9", contact: "acme-zhang", type: "purchase", at: 1_804_900_000), repeatIndex: 0,
                    base: 1_804_986_400))
        #expect(message.html == nil)
        #expect(message.subject == "谢谢")
        #expect(message.contact.email == "zhang.wei@example.cn")
    }

    private func expectSame(_ a: RenderedMessage, _ b: RenderedMessage) {
        #expect(a.occurrence == b.occurrence)
        #expect(a.recipient == b.recipient)
        #expect(a.contact == b.contact)
        #expect(a.templatePath == b.templatePath)
        #expect(a.language == b.language)
        #expect(a.subject == b.subject)
        #expect(a.text == b.text)
        #expect(a.html == b.html)
    }
}

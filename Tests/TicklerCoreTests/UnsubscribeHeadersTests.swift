import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput
@testable import TicklerMessages

/// `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 2369, RFC 8058) on emails to contacts that
/// have a link, read back by Python's `email` package; never on mail to owners and managers.
@Suite struct UnsubscribeHeadersTests {
    static let parser = """
        import email, email.policy, json, sys
        message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        print(json.dumps({
            'unsubscribe': message.get_all('List-Unsubscribe'),
            'post': message.get_all('List-Unsubscribe-Post'),
            'bcc': message.get_all('Bcc'),
            'header_names': [k for k in message.keys()],
            'defects': [str(d) for d in message.defects],
        }))
        """

    static let url = "https://tickler.example.com/u/YWNtZS16aGFuZw.3q2-7wAAAAAAAAAAAAAAAA"

    static func message(to: Rule.Recipient = .contact, unsubscribeURL: String? = url) -> RenderedMessage {
        let occurrence = Occurrence(
            key: "greeting/acme-zhang/2027-03-14", rule: "greeting", contact: "acme-zhang", to: to,
            recipient: to == .contact ? "acme-zhang" : "li.na", channel: "email", due: 1_805_000_000, offset: 28_800,
            day: CivilDate(year: 2027, month: 3, day: 14),
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47))
        let person = RenderedMessage.Person(id: "acme-zhang", name: "张伟", email: "zhang@example.cn", language: "zh")
        return RenderedMessage(
            occurrence: occurrence, recipient: person, contact: person, templatePath: "templates/greeting.txt",
            language: "zh", subject: "生日快乐", text: "生日快乐！\n", html: nil, unsubscribeURL: unsubscribeURL)
    }

    private func parsed(_ message: RenderedMessage, mailto: String? = nil) throws -> [String: Any] {
        let mail = try MailComposer.compose(
            message, from: EmailAddress(address: "service@example.com"), date: 1_805_000_000,
            unsubscribeMailto: mailto
        ).get()
        let text = String(decoding: mail.bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 998)
            #expect(!line.contains("\r") && !line.contains("\n"))
        }
        let output = try DebianPython.run(Self.parser, input: mail.bytes)
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    @Test func mailToAContactCarriesTheLinkAndOneClick() throws {
        let json = try parsed(Self.message())
        #expect(json["unsubscribe"] as? [String] == ["<\(Self.url)>"])
        #expect(json["post"] as? [String] == ["List-Unsubscribe=One-Click"])
        #expect(json["defects"] as? [String] == [])
    }

    @Test func theChannelsMailtoComesSecondOnAFoldedLine() throws {
        let mail = try MailComposer.compose(
            Self.message(), from: EmailAddress(address: "service@example.com"), date: 1_805_000_000,
            unsubscribeMailto: "unsubscribe@example.com"
        ).get()
        let text = String(decoding: mail.bytes, as: UTF8.self)
        #expect(
            text.contains(
                "\r\nList-Unsubscribe: <\(Self.url)>,\r\n <mailto:unsubscribe@example.com?subject=unsubscribe>\r\n"
                    + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        let json = try parsed(Self.message(), mailto: "unsubscribe@example.com")
        #expect(
            json["unsubscribe"] as? [String] == [
                "<\(Self.url)>, <mailto:unsubscribe@example.com?subject=unsubscribe>"
            ])
    }

    @Test func mailToOwnersAndManagersCarriesNone() throws {
        for to in [Rule.Recipient.owner, .manager] {
            let json = try parsed(Self.message(to: to), mailto: "unsubscribe@example.com")
            #expect(json["unsubscribe"] is NSNull, "\(to)")
            #expect(json["post"] is NSNull, "\(to)")
        }
    }

    @Test func withoutALinkThereAreNoHeaders() throws {
        let json = try parsed(Self.message(unsubscribeURL: nil), mailto: "unsubscribe@example.com")
        #expect(json["unsubscribe"] is NSNull)
        #expect(json["post"] is NSNull)
    }

    /// Nothing in a link (from a hand-edited store) or an address can end the header or its brackets.
    @Test func lineBreaksAndBracketsCannotGetOutOfTheHeader() throws {
        let json = try parsed(
            Self.message(unsubscribeURL: "https://x.example/u/t>\r\nBcc: victim@example.com\r\n"),
            mailto: "un\"sub?x=1&y#z@例子.example")
        #expect(json["bcc"] is NSNull)
        #expect(
            json["unsubscribe"] as? [String] == [
                "<https://x.example/u/t%3E%0D%0ABcc:%20victim@example.com%0D%0A>, "
                    + "<mailto:un%22sub%3Fx%3D1%26y%23z@%E4%BE%8B%E5%AD%90.example?subject=unsubscribe>"
            ])
        #expect((json["header_names"] as? [String])?.filter { $0.lowercased() == "bcc" } == [])
    }

    /// One-click (RFC 8058) needs an https link: an http one gets `List-Unsubscribe` only.
    @Test func anHTTPLinkHasNoOneClick() throws {
        let json = try parsed(Self.message(unsubscribeURL: "http://tickler.internal/u/abc.def"))
        #expect(json["unsubscribe"] as? [String] == ["<http://tickler.internal/u/abc.def>"])
        #expect(json["post"] is NSNull)
    }

    /// A link too long for a header line (an absurd contact id) is left out rather than broken.
    @Test func aLinkBeyond998OctetsIsLeftOut() {
        let long = "https://tickler.example.com/u/" + String(repeating: "a", count: 1_000)
        #expect(HeaderEncoding.listUnsubscribe(url: long, mailto: nil) == [])
        #expect(HeaderEncoding.listUnsubscribe(url: Self.url, mailto: nil).count == 2)
    }

    // MARK: - Rendering

    /// The renderer gives messages to contacts their link, and others none.
    @Test func theRendererLinksMessagesToContactsOnly() throws {
        let fixture = try MessageRendererTests.Fixture(
            rules: """
                  - { name: greeting, date: birthday, to: contact, channel: out, template: t }
                  - { name: heads-up, date: birthday, before: [3d], to: owner, channel: out, template: t }
                """,
            contacts: "- { id: zhang, name: 张伟, email: zhang@example.cn, birthday: 1980-03-14, owner: li.na }\n",
            templates: ["t.txt": "Subject: hi\n\nHello {{contact.name}}\n"])
        let links = UnsubscribeLinks(publicURL: "https://tickler.example.com", secret: Array(repeating: 1, count: 32))
        var renderer = fixture.renderer
        renderer.unsubscribeLinks = links
        let start = try #require(Timestamp.parse("2027-03-01T00:00:00+08:00"))
        let occurrences = fixture.schedule.occurrences(in: start..<(start + 30 * 86_400), history: .init(), now: start)
        #expect(occurrences.count == 2)
        for occurrence in occurrences {
            let message = try #require(renderer.render(occurrence).message)
            #expect(message.unsubscribeURL == (occurrence.to == .contact ? links.url(for: "zhang") : nil))
            // Without links (no public_url) none.
            #expect(try #require(fixture.renderer.render(occurrence).message).unsubscribeURL == nil)
        }
    }

    // MARK: - The outbox's JSON

    /// A message stored before unsubscribe links existed reads back without one; one with a link
    /// keeps it.
    @Test func theLinkIsStoredWithTheMessageAndOldRowsDecodeWithout() throws {
        let old = try JSONEncoder().encode(Self.message(unsubscribeURL: nil))
        #expect(!String(decoding: old, as: UTF8.self).contains("unsubscribeURL"))
        #expect(try JSONDecoder().decode(RenderedMessage.self, from: old).unsubscribeURL == nil)
        let new = try JSONEncoder().encode(Self.message())
        #expect(try JSONDecoder().decode(RenderedMessage.self, from: new).unsubscribeURL == Self.url)
    }
}

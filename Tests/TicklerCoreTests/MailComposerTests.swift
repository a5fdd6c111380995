import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerMessages

/// The email bytes, read back by Python's `email` package (an independent RFC 5322/MIME parser).
@Suite struct MailComposerTests {
    static let parser = """
        import email, email.policy, json, sys
        raw = sys.stdin.buffer.read()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        def text(part):
            return part.get_content()
        parts = [p for p in message.walk() if not p.is_multipart()]
        print(json.dumps({
            'from': [message['From'].addresses[0].display_name, message['From'].addresses[0].addr_spec],
            'to': [message['To'].addresses[0].display_name, message['To'].addresses[0].addr_spec],
            'subject': str(message['Subject']),
            'message_id': str(message['Message-ID']),
            'date': str(message['Date']),
            'auto_submitted': message.get('Auto-Submitted'),
            'mime_version': message.get('MIME-Version'),
            'bcc': message.get_all('Bcc'),
            'content_type': message.get_content_type(),
            'parts': [[p.get_content_type(), text(p)] for p in parts],
            'defects': [str(d) for d in message.defects] + [str(d) for p in parts for d in p.defects],
            'header_names': [k for k in message.keys()],
        }, ensure_ascii=False))
        """

    func message(
        name: String?, subject: String, text: String, html: String? = nil, to: Rule.Recipient = .contact,
        key: String = "birthday-greeting/acme-zhang/2027-03-14"
    ) -> RenderedMessage {
        let occurrence = Occurrence(
            key: key, rule: "birthday-greeting", contact: "acme-zhang", to: to, recipient: "acme-zhang",
            channel: "email", due: 1_805_000_000, offset: 28_800, day: CivilDate(year: 2027, month: 3, day: 14),
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47))
        return RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: "acme-zhang", name: name, email: "zhang.wei@example.cn", language: "zh"),
            contact: .init(id: "acme-zhang", name: name, email: "zhang.wei@example.cn", language: "zh"),
            templatePath: "templates/birthday-greeting.txt", language: "zh", subject: subject, text: text, html: html)
    }

    static let from = EmailAddress(displayName: "客户服务部", address: "service@example.com")

    func parsed(_ rendered: RenderedMessage) throws -> (json: [String: Any], raw: [UInt8]) {
        let mail = try MailComposer.compose(rendered, from: Self.from, date: 1_805_000_000, offset: 28_800).get()
        let output = try DebianPython.run(Self.parser, input: mail.bytes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        return (json, mail.bytes)
    }

    @Test func chineseSubjectAndNamesRoundTrip() throws {
        let (json, _) = try parsed(
            message(name: "张伟", subject: "张伟，祝您生日快乐！愿您新的一岁身体健康、万事顺意、阖家幸福", text: "尊敬的张伟：\n\n生日快乐！\n"))
        #expect(json["subject"] as? String == "张伟，祝您生日快乐！愿您新的一岁身体健康、万事顺意、阖家幸福")
        #expect(json["from"] as? [String] == ["客户服务部", "service@example.com"])
        #expect(json["to"] as? [String] == ["张伟", "zhang.wei@example.cn"])
        #expect(json["parts"] as? [[String]] == [["text/plain", "尊敬的张伟：\r\n\r\n生日快乐！\r\n"]])
        #expect(json["defects"] as? [String] == [])
        #expect(json["mime_version"] as? String == "1.0")
        #expect(json["date"] as? String == "Sun, 14 Mar 2027 12:53:20 +0800")
    }

    @Test func lineEndsBecomeCRLFInsideTheEncodedText() throws {
        let (json, _) = try parsed(message(name: "张伟", subject: "s", text: "一\n二\r\n三\r四\n\n五\r"))
        // LF and CRLF end lines as CRLF; a CR inside a line stays, one that ends the text goes.
        #expect(json["parts"] as? [[String]] == [["text/plain", "一\r\n二\r\n三\r四\r\n\r\n五"]])
    }

    @Test func messageIDIsDerivedFromTheKeyAndStable() throws {
        let (first, _) = try parsed(message(name: "张伟", subject: "s", text: "t"))
        let (second, _) = try parsed(message(name: "张伟", subject: "other", text: "other"))
        #expect(first["message_id"] as? String == "<birthday-greeting/acme-zhang/2027-03-14@example.com>")
        #expect(second["message_id"] as? String == first["message_id"] as? String)
        #expect(
            MailComposer.messageID(key: "r/urn:uuid:1@x=y", domain: "example.com")
                == "<r/urn=3Auuid=3A1=40x=3Dy@example.com>")
    }

    @Test func aNameWithALineBreakInjectsNoHeader() throws {
        let (json, raw) = try parsed(
            message(name: "Evil\r\nBcc: x@evil.example", subject: "Hi\r\nBcc: y@evil.example", text: "body"))
        #expect(json["bcc"] is NSNull)
        #expect((json["header_names"] as? [String])?.contains("Bcc") == false)
        #expect(json["to"] as? [String] == ["Evil  Bcc: x@evil.example", "zhang.wei@example.cn"])
        #expect(!String(decoding: raw, as: UTF8.self).contains("\r\nBcc:"))
    }

    @Test func htmlMakesMultipartAlternative() throws {
        let (json, _) = try parsed(message(name: nil, subject: "s", text: "文本\n", html: "<p>超文本</p>\n"))
        #expect(json["content_type"] as? String == "multipart/alternative")
        #expect(json["parts"] as? [[String]] == [["text/plain", "文本\r\n"], ["text/html", "<p>超文本</p>\r\n"]])
        #expect(json["defects"] as? [String] == [])
    }

    @Test func ownersGetAutoSubmittedAndCustomersDoNot() throws {
        #expect(
            try parsed(message(name: "李娜", subject: "s", text: "t", to: .owner)).json["auto_submitted"] as? String
                == "auto-generated")
        #expect(try parsed(message(name: "张伟", subject: "s", text: "t")).json["auto_submitted"] is NSNull)
    }

    @Test func everyLineIsCRLFAndWithinLimits() throws {
        let long = String(repeating: "很长的一行没有换行符", count: 200)
        let (_, raw) = try parsed(message(name: String(repeating: "欧阳", count: 40), subject: long, text: long))
        let text = String(decoding: raw, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(!lines.dropLast().contains { $0.contains("\n") || $0.contains("\r") })
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func encodedWordsNeverSplitAUTF8Sequence() {
        for word in HeaderEncoding.encodedWords(String(repeating: "生日快乐🎂", count: 30)) {
            #expect(word.count <= 75)
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            let bytes = Data(base64Encoded: String(base64))
            #expect(bytes.map { String(data: $0, encoding: .utf8) != nil } == true)
        }
    }

    @Test func aRecipientWithoutEmailIsAProblem() {
        var rendered = message(name: "张伟", subject: "s", text: "t")
        rendered.recipient.email = nil
        #expect(throws: MailComposer.Problem.self) {
            try MailComposer.compose(rendered, from: Self.from, date: 0).get()
        }
    }

    @Test(arguments: [
        // Expected values from Python's email.utils.format_datetime.
        (Int64(0), 0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (Int64(1_805_000_000), -18_000, "Sat, 13 Mar 2027 23:53:20 -0500"),
        (Int64(1_805_000_000), 20_700, "Sun, 14 Mar 2027 10:38:20 +0545"),
    ])
    func datesAreRFC5322(instant: Int64, offset: Int, expected: String) {
        #expect(MailComposer.rfc5322Date(instant, offset: offset) == expected)
    }
}

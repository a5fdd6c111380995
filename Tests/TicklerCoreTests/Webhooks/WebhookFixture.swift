import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerMessages

/// Messages with the awkward text webhook bodies must survive, and readers of the bodies: Foundation's
/// JSON parser, and Debian's Python for values computed independently of Tickler's code.
enum WebhookFixture {
    /// A name with a quote, a backslash, an attempted header injection and an emoji.
    static let name = "Zhang \"Wei\" \\ \r\nBcc: x 🎉"
    static let subject = "张伟，祝您生日快乐！🎂"
    static let text = "尊敬的张伟：\n\n祝您生日快乐，万事如意！\n"
    static let key = "birthday-greeting/acme-zhang/2027-03-14"
    /// 2027-03-14T01:00:00Z, 09:00 in Shanghai.
    static let due: Int64 = 1_804_986_000
    static let now: Int64 = 1_804_986_001_234

    static func message(
        name: String? = WebhookFixture.name, subject: String? = WebhookFixture.subject,
        text: String = WebhookFixture.text, html: String? = nil, key: String = WebhookFixture.key,
        detail: Occurrence.Detail = .date(
            anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47)
    ) -> RenderedMessage {
        let occurrence = Occurrence(
            key: key, rule: "birthday-greeting", contact: "acme-zhang", to: .owner, recipient: "li.na",
            channel: "team-chat", due: due, offset: 28_800, day: CivilDate(year: 2027, month: 3, day: 14),
            detail: detail)
        return RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: "li.na", name: "李娜 \"Nina\"", email: "li.na@example.com", language: "zh"),
            contact: .init(id: "acme-zhang", name: name, email: "zhang.wei@example.cn", language: "zh"),
            templatePath: "templates/birthday-greeting.txt", language: "zh", subject: subject, text: text,
            html: html)
    }

    static func channel(
        _ format: WebhookChannel.Format, chatID: String? = nil, priority: Int? = nil
    ) -> WebhookChannel {
        WebhookChannel(url: "https://hooks.example.com/x", format: format, chatID: chatID, priority: priority)
    }

    static func request(
        _ message: RenderedMessage = WebhookFixture.message(), format: WebhookChannel.Format,
        url: String = "https://hooks.example.com/x", secret: String? = nil, chatID: String? = nil,
        priority: Int? = nil, now: Int64 = WebhookFixture.now
    ) -> WebhookRequest {
        WebhookFormatter.request(
            for: message, channel: channel(format, chatID: chatID, priority: priority), url: url, secret: secret,
            now: now)
    }

    /// The body read by Foundation's JSON parser, which must take it as an object.
    static func json(_ body: [UInt8]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body))
        return try #require(object as? [String: Any])
    }

    /// The body of `request`, parsed.
    static func json(_ request: WebhookRequest) throws -> [String: Any] { try json(request.body) }

    /// The one header named `name`.
    static func header(_ name: String, in request: WebhookRequest) -> String? {
        request.headers.first { $0.name == name }?.value
    }

    /// Runs a Python script with `arguments`, the body on stdin, and reads its one line of output.
    static func python(_ script: String, arguments: [String], input: [UInt8] = []) throws -> String {
        try DebianPython.run(script, arguments: arguments, input: input)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

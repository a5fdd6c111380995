import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerMessages

/// docs/webhooks.md shows a real generic payload, its real headers, and receiver code that verifies them.
@Suite struct WebhookDocsTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// The example of the docs: owner 李娜 hears of her customer 张伟's birthday.
    static let request: WebhookRequest = {
        let occurrence = Occurrence(
            key: "birthday-greeting/acme-zhang/2027-03-14", rule: "birthday-greeting", contact: "acme-zhang",
            to: .owner, recipient: "li.na", channel: "crm", due: 1_804_986_000, offset: 28_800,
            day: CivilDate(year: 2027, month: 3, day: 14),
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47))
        let message = RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: "li.na", name: "李娜", email: "li.na@example.com", language: "zh"),
            contact: .init(id: "acme-zhang", name: "张伟", email: "zhang.wei@example.cn", language: "zh"),
            templatePath: "templates/birthday-greeting.txt", language: "zh", subject: "张伟 今天生日",
            text: "张伟今天 47 岁生日，记得打个电话。\n", html: nil)
        return WebhookFormatter.request(
            for: message, channel: WebhookChannel(url: "https://crm.example.com/hooks/tickler"),
            url: "https://crm.example.com/hooks/tickler", secret: secret, now: 1_804_986_000_000)
    }()

    /// The text of the first fenced block after `heading` that opens with `fence`.
    static func block(after heading: String, fence: String) throws -> String {
        let docs = try String(contentsOfFile: RepositoryRoot.path("docs/webhooks.md"), encoding: .utf8)
        let section = try #require(docs.range(of: heading))
        let start = try #require(docs.range(of: fence + "\n", range: section.upperBound..<docs.endIndex))
        let end = try #require(docs.range(of: "\n```", range: start.upperBound..<docs.endIndex))
        return String(docs[start.upperBound..<end.lowerBound])
    }

    @Test func thePayloadShownIsTheOneSent() throws {
        let shown = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.block(after: "### The payload", fence: "```json").utf8))
                as? NSDictionary)
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(Self.request.body)) as? NSDictionary)
        #expect(shown == sent)
    }

    @Test func theHeadersShownAreTheOnesSent() throws {
        let shown = try Self.block(after: "the headers are:", fence: "```").split(separator: "\n").map { line in
            let colon = try #require(line.firstIndex(of: ":"))
            return WebhookRequest.Header(String(line[..<colon]), String(line[line.index(colon, offsetBy: 2)...]))
        }
        #expect(shown == Self.request.headers)
    }

    @Test func theReceiverCodeShownAcceptsTheRequestAndRejectsATamperedOne() throws {
        let receiver = try Self.block(after: "A receiver in Python", fence: "```python")
        let driver = """

            import sys
            body = sys.stdin.buffer.read()
            headers = dict(zip(['webhook-id', 'webhook-timestamp', 'webhook-signature'], sys.argv[2:5]))
            tampered = body.replace('张伟'.encode(), '王伟'.encode())
            print(verify(sys.argv[1], headers, body, tolerance=10**12),
                  verify(sys.argv[1], headers, tampered, tolerance=10**12),
                  verify(sys.argv[1], headers, body))
            """
        let values = ["webhook-id", "webhook-timestamp", "webhook-signature"].map {
            WebhookFixture.header($0, in: Self.request) ?? ""
        }
        let output = try WebhookFixture.python(
            receiver + driver, arguments: [Self.secret] + values, input: Self.request.body)
        // The last: the example's 2027 timestamp is outside the default five minutes.
        #expect(output == "True False False")
    }
}

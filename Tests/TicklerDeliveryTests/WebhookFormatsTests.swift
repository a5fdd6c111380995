import Foundation
import Testing
import TicklerCore
import TicklerDelivery
import TicklerTestSupport

/// Every webhook format sent through `WebhookTransport.send` to a real HTTP receiver, and what arrived
/// read there: the JSON body, the path and query, the headers. DingTalk's and Feishu's signatures are
/// recomputed in Python at the receiver; the generic format's Standard Webhooks signature is checked
/// with the `standardwebhooks` package from PyPI (`bin/setup` installs it).
@Suite struct WebhookFormatsTests {
    static let subject = "生日快乐，张三"
    static let text = "亲爱的张三：\n祝您生日快乐！\n\n"
    static let markdown = "**生日快乐，张三**\n\n亲爱的张三：\n祝您生日快乐！"
    static let key = "birthday-greeting/acme-zhang/2027-03-14"
    /// A Standard Webhooks secret as its libraries hand them out: `whsec_` and base64.
    static let standardSecret = "whsec_" + Data("tickler-test-signing-key-32bytes".utf8).base64EncodedString()

    static func message() -> RenderedMessage {
        let occurrence = Occurrence(
            key: key, rule: "birthday-greeting", contact: "acme-zhang", to: .owner, recipient: "li.na",
            channel: "chat", due: 1_804_986_000, offset: 28_800, day: CivilDate(year: 2027, month: 3, day: 14),
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 40))
        return RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: "li.na", name: "李娜", email: "li.na@example.com", language: "zh"),
            contact: .init(id: "acme-zhang", name: "张三", email: "zhang@example.cn", language: "zh"),
            templatePath: "templates/birthday-greeting.txt", language: "zh", subject: subject, text: text, html: nil)
    }

    /// Sends the message on a channel of `format` whose URL is the sink's plus `path`, and returns what
    /// the sink received.
    private func deliver(
        _ format: WebhookChannel.Format, path: String = "/hook", secret: String? = nil,
        signature: HTTPSink.Signature? = nil, chatID: String? = nil, priority: Int? = nil
    ) async throws -> HTTPSink.Request {
        let sink = try HTTPSink(HTTPSink.Configuration(signature: signature))
        let channel = WebhookChannel(
            url: sink.url + path, format: format, secret: secret.map { _ in .environment("HOOK_SECRET") },
            chatID: chatID, priority: priority)
        let transport = WebhookTransport(
            channelName: "chat", channel: channel, environment: secret.map { ["HOOK_SECRET": $0] } ?? [:])
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let receipt = try await transport.send(Self.message(), now: now)
        #expect(receipt.status == 200)
        let requests = try sink.requests()
        #expect(requests.count == 1)
        return try #require(requests.first, "nothing arrived; the sink says: \(sink.log())")
    }

    private func json(_ request: HTTPSink.Request) throws -> [String: Any] {
        #expect(request.method == "POST")
        #expect(request.header("Content-Type") == "application/json")
        return try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    @Test func genericCarriesTheWholeReminderSignedAsStandardWebhooksAsk() async throws {
        try #require(VenvPython.isInstalled, "run bin/setup: it installs standardwebhooks into .build-python")
        let request = try await deliver(
            .generic, secret: Self.standardSecret, signature: .standardWebhooks(secret: Self.standardSecret))
        #expect(request.signature == "valid")
        #expect(request.header("webhook-id") == Self.key)
        #expect(request.header("Idempotency-Key") == Self.key)
        let body = try json(request)
        #expect(body["type"] as? String == "tickler.reminder")
        #expect(body["key"] as? String == Self.key)
        #expect(body["subject"] as? String == Self.subject)
        #expect(body["text"] as? String == Self.text)
        #expect((body["contact"] as? [String: Any])?["name"] as? String == "张三")
    }

    @Test func slackShowsTheSubjectAsAHeaderAndTheTextAsASection() async throws {
        let body = try json(try await deliver(.slack, path: "/services/T000/B000/XXXX"))
        #expect(body["text"] as? String == "生日快乐，张三\n\n亲爱的张三：\n祝您生日快乐！")
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section"])
        #expect((blocks[0]["text"] as? [String: Any])?["text"] as? String == Self.subject)
    }

    @Test func teamsPostsAnAdaptiveCard() async throws {
        let body = try json(try await deliver(.teams))
        let attachment = try #require((body["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        let blocks = try #require(card["body"] as? [[String: Any]])
        #expect(blocks.map { $0["text"] as? String } == [Self.subject, "亲爱的张三：\n祝您生日快乐！"])
    }

    @Test func discordPostsContentThatMentionsNoOne() async throws {
        let body = try json(try await deliver(.discord, path: "/api/webhooks/123/token"))
        #expect(body["content"] as? String == Self.markdown)
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
    }

    @Test func mattermostPostsMarkdownText() async throws {
        let body = try json(try await deliver(.mattermost, path: "/hooks/xyz"))
        #expect(body["text"] as? String == Self.markdown)
    }

    @Test func dingTalkIsSignedInTheQueryAsDingTalkChecksIt() async throws {
        let request = try await deliver(
            .dingtalk, path: "/robot/send?access_token=abc123", secret: "SEC-ding-0451",
            signature: .dingTalk(secret: "SEC-ding-0451"))
        #expect(request.signature == "valid")
        #expect(request.path == "/robot/send")
        #expect(request.query.hasPrefix("access_token=abc123&timestamp="))
        let body = try json(request)
        #expect(body["msgtype"] as? String == "markdown")
        let markdown = try #require(body["markdown"] as? [String: Any])
        #expect(markdown["title"] as? String == Self.subject)
        #expect(markdown["text"] as? String == "**生日快乐，张三**  \n  \n亲爱的张三：  \n祝您生日快乐！")
    }

    @Test func weComPostsMarkdownContent() async throws {
        let request = try await deliver(.wecom, path: "/cgi-bin/webhook/send?key=693a91f6")
        #expect(request.query == "key=693a91f6")
        let body = try json(request)
        #expect(body["msgtype"] as? String == "markdown")
        #expect((body["markdown"] as? [String: Any])?["content"] as? String == Self.markdown)
    }

    @Test func feishuIsSignedInTheBodyAsFeishuChecksIt() async throws {
        let request = try await deliver(
            .feishu, path: "/open-apis/bot/v2/hook/6f1c", secret: "SEC-feishu-77",
            signature: .feishu(secret: "SEC-feishu-77"))
        #expect(request.signature == "valid")
        let body = try json(request)
        #expect(body["msg_type"] as? String == "post")
        let post = try #require(
            ((body["content"] as? [String: Any])?["post"] as? [String: Any])?["zh_cn"] as? [String: Any])
        #expect(post["title"] as? String == Self.subject)
        #expect((post["content"] as? [Any])?.count == 2)
    }

    @Test func ntfyPublishesToTheTopicAtTheServersRoot() async throws {
        let request = try await deliver(.ntfy, path: "/alerts", priority: 4)
        #expect(request.path == "/")
        let body = try json(request)
        #expect(body["topic"] as? String == "alerts")
        #expect(body["title"] as? String == Self.subject)
        #expect(body["message"] as? String == "亲爱的张三：\n祝您生日快乐！")
        #expect(body["priority"] as? Int == 4)
        #expect(body["tags"] as? [String] == ["bell", "birthday-greeting"])
    }

    @Test func telegramSendsTheMessageToTheChatWithABoldSubject() async throws {
        let request = try await deliver(.telegram, path: "/bot123456:ABC-token/sendMessage", chatID: "-100123")
        #expect(request.path == "/bot123456:ABC-token/sendMessage")
        let body = try json(request)
        #expect(body["chat_id"] as? Int == -100_123)
        #expect(body["text"] as? String == "生日快乐，张三\n\n亲爱的张三：\n祝您生日快乐！")
        let entity = try #require((body["entities"] as? [[String: Any]])?.first)
        #expect(entity["type"] as? String == "bold")
        #expect(entity["length"] as? Int == Self.subject.utf16.count)
    }

    @Test(arguments: [WebhookChannel.Format.generic, .dingtalk, .feishu])
    func aSignatureMadeWithAnotherSecretFailsAtTheReceiver(format: WebhookChannel.Format) async throws {
        let signature: HTTPSink.Signature
        switch format {
        case .generic:
            try #require(VenvPython.isInstalled, "run bin/setup: it installs standardwebhooks into .build-python")
            signature = .standardWebhooks(secret: "whsec_" + Data("another-key".utf8).base64EncodedString())
        case .dingtalk: signature = .dingTalk(secret: "another-secret")
        default: signature = .feishu(secret: "another-secret")
        }
        let secret = format == .generic ? Self.standardSecret : "SEC-the-channels-own"
        let request = try await deliver(format, secret: secret, signature: signature)
        #expect(request.signature?.hasPrefix("invalid") == true)
    }
}

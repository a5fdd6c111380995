import Foundation
import Testing

@testable import TicklerCore

/// The chat formats: each service's JSON, read back by a JSON parser, with a Chinese subject and text
/// and a customer name full of quotes, backslashes, a CRLF and an emoji.
@Suite struct WebhookChatFormatTests {
    /// The subject as it must show in one-line fields: the name's CRLF folded to a space.
    static let title = "Zhang \"Wei\" \\  Bcc: x 🎉：" + WebhookFixture.subject
    static let text = "尊敬的张伟：\n\n祝您生日快乐，万事如意！"
    static let message = WebhookFixture.message(subject: WebhookFixture.name + "：" + WebhookFixture.subject)

    @Test func slackShowsAHeaderAndAPlainTextSection() throws {
        let json = try WebhookFixture.json(WebhookFixture.request(Self.message, format: .slack))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section"])
        #expect(blocks.map { ($0["text"] as? [String: Any])?["type"] as? String } == ["plain_text", "plain_text"])
        #expect((blocks[0]["text"] as? [String: Any])?["text"] as? String == Self.title)
        #expect((blocks[1]["text"] as? [String: Any])?["text"] as? String == Self.text)
        #expect(json["text"] as? String == Self.title + "\n\n" + Self.text)
    }

    @Test func slackEscapesWhatItsMrkdwnWouldReadInTheNotificationText() throws {
        let message = WebhookFixture.message(subject: "<!channel> & <@U123>", text: "<https://evil.example|点我>")
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .slack))
        #expect(json["text"] as? String == "&lt;!channel&gt; &amp; &lt;@U123&gt;\n\n&lt;https://evil.example|点我&gt;")
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect((blocks[0]["text"] as? [String: Any])?["text"] as? String == "<!channel> & <@U123>")
    }

    @Test func teamsSendsAnAdaptiveCardAttachment() throws {
        let json = try WebhookFixture.json(WebhookFixture.request(Self.message, format: .teams))
        #expect(json["type"] as? String == "message")
        let attachments = try #require(json["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments[0]["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachments[0]["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["version"] as? String == "1.4")
        let body = try #require(card["body"] as? [[String: Any]])
        #expect(body.map { $0["text"] as? String } == [Self.title, Self.text])
        #expect(body.map { $0["wrap"] as? Bool } == [true, true])
        #expect(body[0]["weight"] as? String == "Bolder")
    }

    @Test func discordMentionsNoOne() throws {
        let json = try WebhookFixture.json(WebhookFixture.request(Self.message, format: .discord))
        #expect(json["content"] as? String == "**" + Self.title + "**\n\n" + Self.text)
        #expect((json["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
    }

    @Test func mattermostAndWeComSendMarkdown() throws {
        let markdown = "**" + Self.title + "**\n\n" + Self.text
        let mattermost = try WebhookFixture.json(WebhookFixture.request(Self.message, format: .mattermost))
        #expect(mattermost as? [String: String] == ["text": markdown])
        let wecom = try WebhookFixture.json(WebhookFixture.request(Self.message, format: .wecom))
        #expect(wecom["msgtype"] as? String == "markdown")
        #expect(wecom["markdown"] as? [String: String] == ["content": markdown])
    }

    @Test func dingTalkSendsMarkdownWithATitleAndHardLineBreaks() throws {
        let request = WebhookFixture.request(
            Self.message, format: .dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=abc")
        #expect(request.url == "https://oapi.dingtalk.com/robot/send?access_token=abc")
        let json = try WebhookFixture.json(request)
        #expect(json["msgtype"] as? String == "markdown")
        let markdown = try #require(json["markdown"] as? [String: String])
        #expect(markdown["title"] == Self.title)
        #expect(markdown["text"] == "**" + Self.title + "**  \n  \n尊敬的张伟：  \n  \n祝您生日快乐，万事如意！")
    }

    @Test func withoutASubjectTheFirstLineIsDingTalksTitle() throws {
        let message = WebhookFixture.message(subject: nil, text: "  第一行 🎉\r\n第二行\n")
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .dingtalk))
        #expect((json["markdown"] as? [String: String])?["title"] == "第一行 🎉")
        #expect((json["markdown"] as? [String: String])?["text"] == "  第一行 🎉  \n第二行")
    }

    @Test func feishuSendsAPostWithOneParagraphALine() throws {
        let json = try WebhookFixture.json(WebhookFixture.request(Self.message, format: .feishu))
        #expect(json["msg_type"] as? String == "post")
        #expect(json["timestamp"] == nil && json["sign"] == nil)
        let post = try #require(
            ((json["content"] as? [String: Any])?["post"] as? [String: Any])?["zh_cn"] as? [String: Any])
        #expect(post["title"] as? String == Self.title)
        let paragraphs = try #require(post["content"] as? [[[String: String]]])
        #expect(paragraphs.map { $0.map { $0["tag"] } } == [["text"], ["text"], ["text"]])
        #expect(paragraphs.map { $0.map { $0["text"] } } == [["尊敬的张伟："], [""], ["祝您生日快乐，万事如意！"]])
    }

    @Test(arguments: [
        ("https://ntfy.sh/tickler_alerts", "https://ntfy.sh/", "tickler_alerts"),
        ("https://ntfy.example.com/tickler/", "https://ntfy.example.com/", "tickler"),
        ("https://example.com/ntfy/alerts?auth=dGVzdA", "https://example.com/ntfy/?auth=dGVzdA", "alerts"),
        ("http://user:pw@127.0.0.1:8080/a-b_c", "http://user:pw@127.0.0.1:8080/", "a-b_c"),
        ("https://ntfy.sh", "https://ntfy.sh/", ""),
    ])
    func ntfyPostsToTheRootWithTheTopicFromThePath(url: String, root: String, topic: String) throws {
        let request = WebhookFixture.request(Self.message, format: .ntfy, url: url)
        #expect(request.url == root)
        #expect(try WebhookFixture.json(request)["topic"] as? String == topic)
    }

    @Test func ntfyCarriesTitleMessagePriorityAndTags() throws {
        let json = try WebhookFixture.json(
            WebhookFixture.request(Self.message, format: .ntfy, url: "https://ntfy.sh/t"))
        #expect(json["title"] as? String == Self.title)
        #expect(json["message"] as? String == Self.text)
        #expect(json["priority"] as? Int == 3)
        #expect(json["tags"] as? [String] == ["bell", "birthday-greeting"])
    }

    @Test(arguments: [(1, 1), (5, 5), (0, 1), (9, 5), (4, 4)])
    func ntfyPriorityComesFromTheChannelWithinOneToFive(configured: Int, sent: Int) throws {
        let request = WebhookFixture.request(
            Self.message, format: .ntfy, url: "https://ntfy.sh/t", priority: configured)
        #expect(try WebhookFixture.json(request)["priority"] as? Int == sent)
    }

    @Test func telegramBoldsTheSubjectWithAnEntity() throws {
        let url = "https://api.telegram.org/bot123:ABC/sendMessage"
        let request = WebhookFixture.request(Self.message, format: .telegram, url: url, chatID: "-1001234567890")
        #expect(request.url == url)
        let json = try WebhookFixture.json(request)
        #expect(json["chat_id"] as? Int64 == -1_001_234_567_890)
        let text = try #require(json["text"] as? String)
        #expect(text == Self.title + "\n\n" + Self.text)
        let entities = try #require(json["entities"] as? [[String: Any]])
        #expect(entities.count == 1)
        #expect(entities[0]["type"] as? String == "bold")
        #expect(entities[0]["offset"] as? Int == 0)
        // Telegram counts UTF-16 units: the emoji are two each.
        let length = try #require(entities[0]["length"] as? Int)
        #expect(String(text.utf16.prefix(length)) == Self.title)
    }

    @Test func telegramChannelNamesStayStrings() throws {
        let request = WebhookFixture.request(Self.message, format: .telegram, chatID: "@acme_service")
        #expect(try WebhookFixture.json(request)["chat_id"] as? String == "@acme_service")
    }

    @Test(arguments: WebhookChannel.Format.allCases.filter { $0 != .generic && $0 != .ntfy })
    func chatFormatsSendNoHeadersAndKeepTheURL(format: WebhookChannel.Format) throws {
        let request = WebhookFixture.request(Self.message, format: format, url: "https://chat.example.com/hook?k=v")
        #expect(request.headers.isEmpty)
        #expect(request.url == "https://chat.example.com/hook?k=v")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(!body.contains("\r") && !body.contains("\n"))
        #expect(body.contains("祝您生日快乐，万事如意！"))
    }

    @Test(arguments: WebhookChannel.Format.allCases)
    func everyBodyIsAJSONObjectWhateverTheName(format: WebhookChannel.Format) throws {
        let hostile = "\u{0}\u{1F}\u{7F}\u{2028}\u{2029}\"}]\\u0000 \u{FEFF} 👨‍👩‍👧‍👦"
        let message = WebhookFixture.message(name: hostile, subject: hostile, text: hostile + "\n" + hostile)
        let request = WebhookFixture.request(
            message, format: format, url: "https://ntfy.sh/t", secret: "s", chatID: "1")
        _ = try WebhookFixture.json(request)
    }
}

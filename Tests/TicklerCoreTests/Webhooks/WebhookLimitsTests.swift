import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerMessages

/// Services' documented length limits: long text is shortened at a Character boundary (an emoji,
/// a family, a Chinese character are kept whole or dropped whole) and ends in "…".
@Suite struct WebhookLimitsTests {
    static let family = "👨‍👩‍👧‍👦"  // 7 scalars, 11 UTF-16 units, 25 UTF-8 bytes: one Character

    /// Whether `text`, less a final "…", is made only of whole copies of `pieces` (in order, repeated).
    static func isWholePieces(_ text: String, of piece: String) -> Bool {
        var rest = Substring(text.hasSuffix("…") ? String(text.dropLast()) : text)
        while !rest.isEmpty {
            guard rest.hasPrefix(piece) else { return false }
            rest = rest.dropFirst(piece.count)
        }
        return true
    }

    /// Whether `text` ends in "…" and what comes before it begins `whole`, Character by Character
    /// (a cluster cut short is a different Character, so it does not match).
    static func isPrefix(_ text: String, of whole: String) -> Bool {
        text.hasSuffix("…") && whole.starts(with: text.dropLast())
    }

    @Test(arguments: [Truncation.Unit.utf8, .utf16])
    func shortTextIsLeftAlone(unit: Truncation.Unit) {
        #expect(Truncation.truncated("生日快乐🎂", limit: 16, in: unit) == "生日快乐🎂")
    }

    @Test(arguments: [
        ("生日快乐🎂", 15, Truncation.Unit.utf8, "生日快乐…"),
        ("生日快乐🎂", 14, .utf8, "生日快…"),
        ("生日快乐🎂", 16, .utf8, "生日快乐🎂"),
        ("ab🎂cd", 4, .utf16, "ab…"),
        ("ab🎂cd", 5, .utf16, "ab🎂…"),
        ("e\u{301}e\u{301}e\u{301}", 5, .utf16, "e\u{301}e\u{301}…"),
        ("abc", 0, .utf16, ""),
    ])
    func longTextEndsInAnEllipsisAtACharacter(text: String, limit: Int, unit: Truncation.Unit, expected: String) {
        let result = Truncation.truncated(text, limit: limit, in: unit)
        #expect(result == expected)
        #expect(unit.count(result) <= limit)
    }

    @Test func discordContentStaysWithin2000AndKeepsFamiliesWhole() throws {
        let message = WebhookFixture.message(subject: nil, text: String(repeating: Self.family, count: 400))
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .discord))
        let content = try #require(json["content"] as? String)
        #expect(content.utf16.count <= 2000)
        #expect(content.utf16.count > 2000 - 12)
        #expect(content.hasSuffix("…"))
        #expect(Self.isWholePieces(content, of: Self.family))
    }

    @Test func weComContentStaysWithin4096Bytes() throws {
        let message = WebhookFixture.message(subject: "生日", text: String(repeating: "祝您生日快乐🎂", count: 300))
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .wecom))
        let content = try #require((json["markdown"] as? [String: String])?["content"])
        #expect(content.utf8.count <= 4096)
        #expect(content.utf8.count > 4096 - 8)
        #expect(content.hasSuffix("…"))
        #expect(Self.isPrefix(content, of: "**生日**\n\n" + String(repeating: "祝您生日快乐🎂", count: 300)))
    }

    @Test func telegramTextStaysWithin4096Units() throws {
        let message = WebhookFixture.message(subject: "🎂", text: String(repeating: "🎉", count: 3000))
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .telegram, chatID: "1"))
        let text = try #require(json["text"] as? String)
        #expect(text.utf16.count <= 4096 && text.utf16.count >= 4094)
        #expect(Self.isWholePieces(String(text.dropFirst(3)), of: "🎉"))
        #expect((json["entities"] as? [[String: Any]])?.first?["length"] as? Int == 2)
    }

    @Test func slackBlocksStayWithinTheirLimits() throws {
        let message = WebhookFixture.message(
            subject: String(repeating: "标题", count: 100), text: String(repeating: "正文🎉", count: 2000))
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .slack))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        let header = try #require((blocks[0]["text"] as? [String: Any])?["text"] as? String)
        let section = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(header.utf16.count == 150 && header.hasSuffix("…"))
        #expect(section.utf16.count <= 3000 && section.utf16.count >= 2997)
        #expect(Self.isPrefix(section, of: String(repeating: "正文🎉", count: 2000)))
    }

    @Test func ntfyMessagesStayWithin4096Bytes() throws {
        let message = WebhookFixture.message(text: String(repeating: "生日快乐", count: 1000))
        let json = try WebhookFixture.json(WebhookFixture.request(message, format: .ntfy, url: "https://ntfy.sh/t"))
        let text = try #require(json["message"] as? String)
        #expect(text.utf8.count <= 4096 && text.utf8.count > 4096 - 6)
        #expect(Self.isPrefix(text, of: String(repeating: "生日快乐", count: 1000)))
    }

    /// Control characters take six bytes each once escaped: the body limit counts the escaped body.
    @Test(arguments: [(WebhookChannel.Format.teams, 28000), (.feishu, 20000)])
    func wholeBodiesStayWithinTheServiceLimit(format: WebhookChannel.Format, limit: Int) throws {
        for piece in ["生日快乐🎂\n", "\u{1}\u{2}\u{3}"] {
            let message = WebhookFixture.message(text: String(repeating: piece, count: 8000))
            let request = WebhookFixture.request(message, format: format, secret: "s")
            #expect(request.body.count <= limit)
            #expect(request.body.count > limit - 64)
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body.contains("…"))
            _ = try WebhookFixture.json(request)
        }
    }

    @Test(arguments: [WebhookChannel.Format.teams, .feishu, .wecom, .discord, .telegram, .slack, .ntfy])
    func shortMessagesAreNotShortened(format: WebhookChannel.Format) {
        let request = WebhookFixture.request(format: format, url: "https://ntfy.sh/t", chatID: "1")
        #expect(!String(decoding: request.body, as: UTF8.self).contains("…"))
    }
}

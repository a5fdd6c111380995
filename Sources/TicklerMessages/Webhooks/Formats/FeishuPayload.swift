import TicklerCore
import TicklerInput

/// `format: feishu` — a Feishu/Lark (飞书) custom bot message, `msg_type: post` (rich text): the
/// subject as the post's title and each line of the text as a paragraph of one `text` element.
///
/// A post rather than `msg_type: text`, because Feishu reads `<at user_id="all">` in a text message
/// as a mention of everyone, and a customer's text must not do that. The content sits under
/// `zh_cn`, the locale Feishu shows when a post has no other. With a secret, the body starts with
/// `timestamp` (seconds, a string) and `sign` (`WebhookSignature.feishu`); Feishu rejects a
/// timestamp more than an hour off its clock. Feishu takes request bodies of at most 20 KB: the text
/// is shortened (at a Character, ending in "…") until the body is within 20,000 bytes.
enum FeishuPayload {
    static let bodyLimit = 20000

    static func body(_ content: ChatContent, secret: String?, seconds: Int64) -> [UInt8] {
        Truncation.body(fitting: bodyLimit, text: content.text) { text in
            let paragraphs =
                text.isEmpty ? [] : text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            let post = JSONValue.object([
                "title": .string(ifPresent: content.title),
                "content": .array(
                    paragraphs.map { line in
                        .array([.object(["tag": .string("text"), "text": .string(String(line))])])
                    }),
            ])
            return JSONValue.object([
                "timestamp": secret.map { _ in .string(String(seconds)) },
                "sign": secret.map { .string(WebhookSignature.feishu(secret: $0, seconds: seconds)) },
                "msg_type": .string("post"),
                "content": .object(["post": .object(["zh_cn": post])]),
            ]).bytes
        }
    }
}

import TicklerCore
import TicklerInput

/// `format: slack` — an incoming-webhook message: `text` for notifications, and Block Kit blocks
/// showing the subject as a header and the text as a section.
///
/// The blocks are `plain_text`, so nothing a customer writes is read as a link or a mention; the
/// `text` field is always read as mrkdwn, so `&`, `<` and `>` are escaped there as Slack asks.
/// Limits (Slack's Block Kit reference): a header holds 150 characters, a section 3,000; `text` is
/// cut by Slack after 40,000. Longer values are shortened at a Character, ending in "…".
enum SlackPayload {
    static let headerLimit = 150
    static let sectionLimit = 3000
    static let textLimit = 40000

    static func body(_ content: ChatContent) -> [UInt8] {
        var blocks: [JSONValue] = []
        if let title = content.title {
            blocks.append(
                .object([
                    "type": .string("header"),
                    "text": plainText(Truncation.truncated(title, limit: headerLimit, in: .utf16)),
                ]))
        }
        if !content.text.isEmpty {
            blocks.append(
                .object([
                    "type": .string("section"),
                    "text": plainText(Truncation.truncated(content.text, limit: sectionLimit, in: .utf16)),
                ]))
        }
        let text = escaped(Truncation.truncated(content.plain, limit: textLimit, in: .utf16))
        return JSONValue.object([
            "text": .string(text),
            "blocks": blocks.isEmpty ? nil : .array(blocks),
        ]).bytes
    }

    private static func plainText(_ text: String) -> JSONValue {
        .object(["type": .string("plain_text"), "text": .string(text), "emoji": .bool(true)])
    }

    /// `&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`: the three characters Slack's mrkdwn gives a
    /// meaning (`<!channel>`, `<@U123>`, `<https://…|link>`).
    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }
}

import TicklerCore
import TicklerInput

/// `format: wecom` — a WeCom (企业微信) group robot message, `msgtype: markdown`: `markdown.content`
/// is the subject in bold, a blank line, then the text.
///
/// WeCom takes at most 4,096 bytes of UTF-8 content; longer content is shortened at a Character,
/// ending in "…", so a Chinese character or an emoji is never cut in half.
enum WeComPayload {
    static let contentLimit = 4096

    static func body(_ content: ChatContent) -> [UInt8] {
        JSONValue.object([
            "msgtype": .string("markdown"),
            "markdown": .object([
                "content": .string(Truncation.truncated(content.markdown, limit: contentLimit, in: .utf8))
            ]),
        ]).bytes
    }
}

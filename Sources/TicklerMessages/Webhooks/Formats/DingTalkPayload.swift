import TicklerCore
import TicklerInput

/// `format: dingtalk` — a DingTalk (钉钉) custom robot message, `msgtype: markdown`: `title` (what
/// the conversation list and notifications show: the subject, or the text's first line) and `text`
/// (the subject in bold, a blank line, then the text).
///
/// Line breaks in the text become Markdown hard breaks (two spaces before the newline), which
/// DingTalk's Markdown needs to show them. With a secret, the URL gets `timestamp=<ms>&sign=<sign>`
/// as DingTalk's 加签 asks (`WebhookSignature.dingTalk`, percent-encoded); DingTalk rejects a
/// timestamp more than an hour off its clock. DingTalk documents no length limit for it.
enum DingTalkPayload {
    static func request(_ content: ChatContent, url: String, secret: String?, milliseconds: Int64) -> WebhookRequest {
        let body = JSONValue.object([
            "msgtype": .string("markdown"),
            "markdown": .object([
                "title": .string(content.headline),
                "text": .string(hardBreaks(content.markdown)),
            ]),
        ]).bytes
        guard let secret else { return WebhookRequest(url: url, body: body) }
        let sign = WebhookSignature.percentEncoded(
            WebhookSignature.dingTalk(secret: secret, milliseconds: milliseconds))
        return WebhookRequest(url: appendingQuery("timestamp=\(milliseconds)&sign=\(sign)", to: url), body: body)
    }

    /// `url` with `query` added after its own query (`&`) or as its query (`?`).
    static func appendingQuery(_ query: String, to url: String) -> String {
        guard url.contains("?") else { return url + "?" + query }
        return url.hasSuffix("?") || url.hasSuffix("&") ? url + query : url + "&" + query
    }

    private static func hardBreaks(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isNewline { result += "  \n" } else { result.append(character) }
        }
        return result
    }
}

import TicklerCore
import TicklerInput

/// Builds the HTTP request a webhook channel sends for a rendered message, in the channel's format:
/// the URL (with any signing query), the headers and the JSON body. Pure: the secret and the instant
/// are parameters, and the same inputs give the same bytes.
///
/// Every value a customer can influence (names, subject, text) goes into the body through
/// `JSONText` escaping; headers carry only the occurrence key and numbers, and even those are
/// stripped of control characters. docs/webhooks.md describes each format.
public enum WebhookFormatter {
    /// The request for `message` on `channel`.
    ///
    /// - Parameters:
    ///   - url: the channel URL with `${VAR}` already expanded (it may already contain a query).
    ///   - secret: the signing secret, when the channel has one (used by `generic`, `dingtalk` and
    ///     `feishu`; other formats ignore it).
    ///   - now: milliseconds since the epoch (DingTalk signs milliseconds; Feishu and Standard
    ///     Webhooks seconds, rounded down).
    public static func request(
        for message: RenderedMessage, channel: WebhookChannel, url: String, secret: String?, now: Int64
    ) -> WebhookRequest {
        // Computed only by the formats that use it: `generic` sends the whole message instead.
        var content: ChatContent { ChatContent(message) }
        switch channel.format {
        case .generic:
            return GenericPayload.request(for: message, url: url, secret: secret, now: now)
        case .slack:
            return WebhookRequest(url: url, body: SlackPayload.body(content))
        case .teams:
            return WebhookRequest(url: url, body: TeamsPayload.body(content))
        case .discord:
            return WebhookRequest(url: url, body: DiscordPayload.body(content))
        case .mattermost:
            return WebhookRequest(url: url, body: MattermostPayload.body(content))
        case .dingtalk:
            return DingTalkPayload.request(content, url: url, secret: secret, milliseconds: now)
        case .wecom:
            return WebhookRequest(url: url, body: WeComPayload.body(content))
        case .feishu:
            return WebhookRequest(
                url: url, body: FeishuPayload.body(content, secret: secret, seconds: now.floorDiv(1000)))
        case .ntfy:
            return NtfyPayload.request(content, url: url, priority: channel.priority, rule: message.occurrence.rule)
        case .telegram:
            return WebhookRequest(url: url, body: TelegramPayload.body(content, chatID: channel.chatID))
        }
    }

    /// The generic payload alone (what the file channel writes as `.json`), unsigned.
    public static func genericBody(for message: RenderedMessage) -> [UInt8] {
        GenericPayload.body(for: message)
    }

    /// `value` without control characters (CR and LF above all), so that whatever reaches a header
    /// value, it stays one header.
    static func headerValue(_ value: String) -> String {
        var clean = ""
        clean.unicodeScalars.append(contentsOf: value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F })
        return clean
    }
}

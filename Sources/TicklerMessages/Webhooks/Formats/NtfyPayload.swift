import TicklerCore
import TicklerInput

/// `format: ntfy` — an ntfy message published as JSON. The channel URL names the topic
/// (`https://ntfy.example.com/alerts`); ntfy takes JSON only at its root, so the request goes to
/// `https://ntfy.example.com/` (any query, such as `?auth=…`, kept) with `topic: alerts`, `title`
/// (the subject), `message` (the text), `priority` (the channel's `priority:`, 1–5, default 3) and
/// `tags` (`bell`, shown as 🔔, and the rule's name).
///
/// ntfy keeps messages of at most 4,096 bytes as text (a longer one becomes an attachment, or is
/// refused); longer text is shortened at a Character, ending in "…".
enum NtfyPayload {
    static let messageLimit = 4096
    static let defaultPriority = 3

    static func request(_ content: ChatContent, url: String, priority: Int?, rule: String) -> WebhookRequest {
        let (root, topic) = split(url)
        let body = JSONValue.object([
            "topic": .string(topic),
            "title": .string(ifPresent: content.title),
            "message": .string(Truncation.truncated(content.text, limit: messageLimit, in: .utf8)),
            "priority": .int(min(max(priority ?? defaultPriority, 1), 5)),
            "tags": .array([.string("bell"), .string(rule)]),
        ]).bytes
        return WebhookRequest(url: root, body: body)
    }

    /// `https://host/base/topic?query` → (`https://host/base/?query`, `topic`). A URL with no path
    /// gives an empty topic, which ntfy refuses.
    static func split(_ url: String) -> (root: String, topic: String) {
        let end = url.firstIndex { $0 == "?" || $0 == "#" } ?? url.endIndex
        let suffix = url[end...]
        var base = url[..<end]
        let authority = base.firstRange(of: "://")?.upperBound ?? base.startIndex
        guard let pathStart = base[authority...].firstIndex(of: "/") else { return (String(base) + "/" + suffix, "") }
        while base.count > 1, base.last == "/", base.index(before: base.endIndex) > pathStart { base.removeLast() }
        let slash = base[pathStart...].lastIndex(of: "/") ?? pathStart
        return (String(base[...slash] + suffix), String(base[base.index(after: slash)...]))
    }
}

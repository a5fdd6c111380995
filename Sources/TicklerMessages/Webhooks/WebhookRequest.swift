import TicklerCore
import TicklerInput

/// One HTTP POST to a chat service or a generic receiver: what a webhook channel sends for a reminder.
///
/// Built by the core (`WebhookFormatter`) from a rendered message, sent by `WebhookTransport` in
/// TicklerDelivery, and written by the file channel's `.json` format (the body only).
public struct WebhookRequest: Sendable, Hashable {
    /// The full URL, `${VAR}` already expanded and any signing query (DingTalk's `timestamp`, `sign`)
    /// appended. It may hold tokens: never log it whole (see `redactedURL`).
    public var url: String
    /// Headers besides `Content-Type: application/json`, in order; names and values never contain CR or LF.
    public var headers: [Header]
    /// The JSON body, UTF-8.
    public var body: [UInt8]

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(url: String, headers: [Header] = [], body: [UInt8]) {
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The scheme and host (and port) only: safe for logs and errors. Paths carry tokens too (Slack's
    /// `/services/T…/B…/X…`, Discord's `/api/webhooks/ID/TOKEN`, Telegram's `/botTOKEN/`), and so do
    /// queries and user information.
    public var redactedURL: String {
        guard let scheme = url.range(of: "://") else { return "(a URL)" }
        let rest = url[scheme.upperBound...]
        var authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex)]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return String(url[..<scheme.upperBound] + authority)
    }
}

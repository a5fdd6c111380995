/// What a web server answered when it took a webhook message.
public struct WebhookReceipt: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status: 200, 202, 204, …
    public var status: Int
    /// A short account of the answer that is safe for logs — `errcode 0 (ok)`, `ok`, `1` — never the
    /// body itself (some services echo the message); `nil` for an empty body.
    public var summary: String?
    /// Whether the message went over a connection opened for an earlier one.
    public var reusedConnection: Bool

    public init(status: Int, summary: String?, reusedConnection: Bool) {
        self.status = status
        self.summary = summary
        self.reusedConnection = reusedConnection
    }

    /// `HTTP 200 errcode 0 (ok)`.
    public var description: String { "HTTP \(status)" + (summary.map { " \($0)" } ?? "") }
}

import TicklerCore

/// Every key `tickler.yaml` accepts, by the map it appears in. The loader rejects any other key, and
/// a test keeps `etc/tickler.schema.json` in agreement with these lists.
public enum ConfigKeys {
    public static let topLevel = [
        "timezone", "language", "state", "contacts", "templates", "catch_up", "retry", "owners", "channels",
        "rules", "http", "calendars", "calendar", "state_password_env", "state_password_file", "lease",
    ]
    /// `http:` — the HTTP service.
    public static let http = ["listen", "tokens", "public_url"]
    /// One entry of `http.tokens`.
    public static let httpToken = ["token_env", "token_file", "secret_env", "secret_file", "scope"]
    /// `retry:` — the daemon's backoff for transient failures.
    public static let retry = ["first", "max", "give_up"]
    public static let owner = ["name", "email", "timezone", "manager", "language", "calendar", "digest"]
    /// `digest:` of an owner.
    public static let ownerDigest = ["at", "channel", "template"]
    public static let fileChannel = ["type", "path", "format", "from"]
    public static let smtpChannel = [
        "type", "url", "starttls", "username", "password_env", "password_file", "from", "ca_file", "connections",
        "timeout", "unsubscribe_mailto",
    ]
    public static let webhookChannel = [
        "type", "url", "format", "secret_env", "secret_file", "chat_id", "priority", "ca_file", "connections",
        "timeout",
    ]
    public static let channelTypes = ["file", "smtp", "webhook"]
    /// The keys of each channel type.
    public static let channel = ["file": fileChannel, "smtp": smtpChannel, "webhook": webhookChannel]

    /// Keys every rule may use.
    public static let ruleCommon = [
        "name", "to", "channel", "template", "where", "at", "window", "catch_up", "digest",
    ]
    /// Keys that belong to one trigger kind, the trigger key itself first.
    public static let ruleTrigger: [Trigger.Kind: [String]] = [
        .date: ["date", "before", "feb29"],
        .after: ["after", "delay", "unless", "repeat", "max_overdue"],
        .every: ["every", "since", "spread"],
    ]
    public static var rule: [String] {
        ruleCommon + Trigger.Kind.allCases.flatMap { ruleTrigger[$0]! }
    }

    /// The kind a trigger-specific key belongs to.
    static func kind(owning key: String) -> Trigger.Kind? {
        Trigger.Kind.allCases.first { ruleTrigger[$0]!.contains(key) }
    }
}

/// `channels:` — how a reminder is delivered: written to files, sent by SMTP, or posted to a webhook.
public struct Channel: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case file(FileChannel)
        case smtp(SMTPChannel)
        case webhook(WebhookChannel)
    }

    public var name: String
    public var kind: Kind
    public var location: SourceLocation

    public init(name: String, kind: Kind, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.location = location
    }

    /// The `type:` word of the channel.
    public var typeName: String {
        switch kind {
        case .file: "file"
        case .smtp: "smtp"
        case .webhook: "webhook"
        }
    }
}

/// `type: file` — one file per message in a directory; `.eml` (the bytes SMTP would send) or
/// `.json` (the generic webhook payload).
public struct FileChannel: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case eml
        case json
    }

    public var directory: String
    public var format: Format
    /// The sender written into `.eml` files.
    public var from: EmailAddress

    public static let defaultFrom = EmailAddress(displayName: "Tickler", address: "tickler@localhost.localdomain")

    public init(directory: String, format: Format = .eml, from: EmailAddress = FileChannel.defaultFrom) {
        self.directory = directory
        self.format = format
        self.from = from
    }
}

/// A secret read at delivery time, never stored in the configuration itself.
public enum SecretSource: Sendable, Hashable, CustomStringConvertible {
    /// `*_env:` — the name of an environment variable.
    case environment(String)
    /// `*_file:` — a file holding the secret (trailing newline dropped), e.g. `/run/secrets/smtp`.
    case file(String)

    public var description: String {
        switch self {
        case .environment(let name): "environment variable '\(name)'"
        case .file(let path): "file '\(path)'"
        }
    }
}

/// Settings every network channel shares.
public struct TransportOptions: Sendable, Hashable {
    /// `ca_file:` — extra certificate authorities to trust (PEM), for private servers.
    public var caFile: String?
    /// `connections:` — parallel connections (default 1).
    public var connections: Int
    /// `timeout:` — for connecting and for the whole transfer (default 30s).
    public var timeout: TimeSpan

    public init(caFile: String? = nil, connections: Int = 1, timeout: TimeSpan = TimeSpan(30, .seconds)) {
        self.caFile = caFile
        self.connections = connections
        self.timeout = timeout
    }
}

/// `type: smtp` — `smtp://` (with STARTTLS) or `smtps://` (implicit TLS).
public struct SMTPChannel: Sendable, Hashable {
    public enum StartTLS: String, Sendable, Hashable, CaseIterable {
        case required
        case optional
        case off
    }

    /// The URL as written; `${VAR}` references are expanded from the environment at delivery time.
    public var url: String
    public var startTLS: StartTLS
    public var username: String?
    public var password: SecretSource?
    public var from: EmailAddress
    public var transport: TransportOptions
    /// `unsubscribe_mailto:` — an address whose mail unsubscribes (the `mailto:` of `List-Unsubscribe`).
    public var unsubscribeMailto: String?

    public init(
        url: String, startTLS: StartTLS = .required, username: String? = nil, password: SecretSource? = nil,
        from: EmailAddress, transport: TransportOptions = TransportOptions(), unsubscribeMailto: String? = nil
    ) {
        self.unsubscribeMailto = unsubscribeMailto
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.from = from
        self.transport = transport
    }
}

/// `type: webhook` — a JSON POST in one chat service's format.
public struct WebhookChannel: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case generic
        case slack
        case teams
        case discord
        case mattermost
        case dingtalk
        case wecom
        case feishu
        case ntfy
        case telegram

        /// Whether the service signs requests with a shared secret.
        public var isSigned: Bool { [.generic, .dingtalk, .feishu].contains(self) }
    }

    /// The URL as written; `${VAR}` references are expanded from the environment at delivery time.
    public var url: String
    public var format: Format
    public var secret: SecretSource?
    /// `chat_id:` — Telegram's chat to post to.
    public var chatID: String?
    /// `priority:` — ntfy's message priority, 1 (min) … 5 (max).
    public var priority: Int?
    public var transport: TransportOptions

    public init(
        url: String, format: Format = .generic, secret: SecretSource? = nil, chatID: String? = nil,
        priority: Int? = nil, transport: TransportOptions = TransportOptions()
    ) {
        self.url = url
        self.format = format
        self.secret = secret
        self.chatID = chatID
        self.priority = priority
        self.transport = transport
    }
}

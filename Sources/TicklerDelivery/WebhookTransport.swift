import CCurl
import Dispatch
import TicklerCore
import TicklerFiles
import TicklerMessages

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Posts reminders to a webhook with libcurl: a JSON POST in the channel's format (`WebhookFormatter`),
/// over `http://` or `https://` only, certificate verification always on (`ca_file:` adds a private
/// authority), `timeout:` for connecting and for the whole exchange.
///
///     let transport = WebhookTransport(channelName: "sales-chat", channel: webhook, environment: environment)
///     let receipt = try await transport.send(message, now: now)   // "HTTP 200 errcode 0 (ok)"
///
/// Connections are kept alive and reused from one message to the next (`CURLOPT_MAXAGE_CONN` raised to
/// an hour; libcurl replaces a connection the server closed meanwhile). `connections: N` allows N posts
/// at once, each on its own handle and serial queue; a single sender keeps using one connection.
///
/// Redirects are not followed: a 3xx is a permanent failure, since a message posted to wherever a
/// redirect points could reach someone else. What an answer means — including the 200s that carry a
/// service's error — is decided in one place, `DeliveryFailure.webhook(_:format:channel:target:now:secrets:)`.
///
/// The URL's `${VAR}` references and the signing secret (`secret_env`, `secret_file`) are read when the
/// transport is made: a missing variable or an unreadable secret file makes every `send` fail with a
/// permanent `.configuration` failure that names it. Make a new transport to pick up changed secrets.
/// Failures show the URL as scheme and host only (`WebhookRequest.redactedURL`): paths and queries of
/// webhook URLs hold tokens.
public final class WebhookTransport: Sendable {
    /// The channel's name in `tickler.yaml`.
    public let channelName: String
    private let channel: WebhookChannel
    private let settings: Result<Settings, DeliveryFailure>
    private let pool: ConnectionPool<WebhookConnection>?

    public init(channelName: String, channel: WebhookChannel, environment: [String: String]) {
        self.channelName = channelName
        self.channel = channel
        let settings = Settings.resolve(channelName: channelName, channel: channel, environment: environment)
        self.settings = settings
        pool = (try? settings.get()).map { settings in
            ConnectionPool(
                (0..<max(1, channel.transport.connections)).map {
                    WebhookConnection(number: $0, channel: channelName, configuration: settings.curl)
                })
        }
    }

    /// `scheme://host[:port]` of the channel's URL, for logs; `nil` when the URL could not be resolved.
    public var target: String? { try? settings.get().target }

    /// Formats `message` for the channel (signed with its secret, stamped with `now`, milliseconds since
    /// the epoch) and posts it.
    public func send(_ message: RenderedMessage, now: Int64) async throws(DeliveryFailure) -> WebhookReceipt {
        let request = try request(for: message, now: now).get()
        return try await post(request, format: channel.format, now: now)
    }

    /// The request `send` would post for `message` at `now` (milliseconds since the epoch), or the
    /// configuration failure that stops it. The URL may hold tokens: show `redactedURL` only.
    public func request(for message: RenderedMessage, now: Int64) -> Result<WebhookRequest, DeliveryFailure> {
        settings.map { settings in
            var channel = channel
            channel.chatID = settings.chatID
            return WebhookFormatter.request(
                for: message, channel: channel, url: settings.url.url, secret: settings.secret, now: now)
        }
    }

    /// POSTs `request` and reads the answer as `format`'s service writes it. `now` (milliseconds since
    /// the epoch; the system clock when `nil`) dates a `Retry-After` given as an HTTP date. Blocks no
    /// thread of the Swift concurrency pool: the transfer runs on a connection's own queue.
    public func post(
        _ request: WebhookRequest, format: WebhookChannel.Format, now: Int64? = nil
    ) async throws(DeliveryFailure) -> WebhookReceipt {
        let settings = try settings.get()
        let target = request.redactedURL
        // Longest first: a token is redacted whole, not around a shorter one inside it.
        let secrets = (settings.secrets + Settings.tokens(in: request.url)).sorted { $0.count > $1.count }
        if let problem = settings.problem(with: request, target: target) { throw problem }
        guard let pool else { preconditionFailure("resolved settings always come with a pool") }
        let result = await pool.run { $0.post(request) }
        let response: WebhookResponse
        switch result {
        case .success(let answered): response = answered
        case .failure(let error):
            throw .curl(error, channel: channelName, target: target, operation: Settings.operation, secrets: secrets)
        }
        let seconds = (now ?? Int64(time(nil)) * 1_000) / 1_000
        if let failure = DeliveryFailure.webhook(
            response, format: format, channel: channelName, target: target, now: seconds, secrets: secrets,
            operation: Settings.operation)
        {
            throw failure
        }
        return WebhookReceipt(
            status: response.status,
            summary: response.summary.map { DeliveryFailure.sanitized(DeliveryFailure.redacted($0, secrets)) },
            reusedConnection: response.reusedConnection)
    }
}

extension WebhookTransport {
    /// The channel with everything read from the environment and files, ready for libcurl.
    struct Settings: Sendable {
        static let operation = "posting the message"

        var channel: String
        var url: ChannelURL
        /// `scheme://host[:port]`, the only part of the URL failures show.
        var target: String
        var secret: String?
        /// `chat_id:` with its `${VAR}` references expanded (Telegram).
        var chatID: String?
        var curl: CurlHandle.Configuration
        /// Everything to redact from libcurl's and the server's text.
        var secrets: [String]

        static func resolve(
            channelName: String, channel: WebhookChannel, environment: [String: String]
        ) -> Result<Settings, DeliveryFailure> {
            let url: ChannelURL
            switch ChannelURL.resolve(
                channel.url, environment: environment, schemes: ["http", "https"], channel: channelName,
                operation: operation)
            {
            case .success(let resolved): url = resolved
            case .failure(let problem): return .failure(problem)
            }
            let target = WebhookRequest(url: url.url, body: []).redactedURL
            var secret: String?
            if let source = channel.secret {
                switch SecretReader.read(source, option: "secret", environment: environment) {
                case .success(let value): secret = value
                case .failure(let problem):
                    return .failure(
                        .configuration(problem.message, channel: channelName, target: target, operation: operation))
                }
            }
            var chatID = channel.chatID
            if let written = chatID {
                switch EnvironmentReferences.expand(written, environment: environment, what: "the chat_id") {
                case .success(let expanded): chatID = expanded.text
                case .failure(let problem):
                    return .failure(
                        .configuration(problem.message, channel: channelName, target: target, operation: operation))
                }
            }
            let curl = CurlHandle.Configuration(protocols: "http,https", transport: channel.transport)
            return .success(
                Settings(
                    channel: channelName, url: url, target: target, secret: secret, chatID: chatID, curl: curl,
                    secrets: url.secrets + tokens(in: url.url) + (secret.map { [$0] } ?? [])))
        }

        /// What of a webhook URL may be a credential: the user information, path segments of six or more
        /// characters (Slack's `/services/T…/B…/X…`, Discord's `/api/webhooks/ID/TOKEN`, Telegram's
        /// `/botTOKEN/`), the query and each of its values (WeCom's `key=`, DingTalk's `access_token=`).
        static func tokens(in url: String) -> [String] {
            guard let scheme = url.firstRange(of: "://") else { return [url] }
            let rest = url[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            var tokens: [String] = []
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") { tokens.append(String(authority[..<at])) }
            let remainder = rest[authorityEnd...]
            let queryStart = remainder.firstIndex(of: "?")
            let path = remainder[..<(queryStart ?? remainder.endIndex)]
            tokens += path.split(separator: "/").filter { $0.count >= 6 }.map(String.init)
            if let queryStart {
                let query = remainder[remainder.index(after: queryStart)...].prefix { $0 != "#" }
                tokens.append(String(query))
                for pair in query.split(separator: "&") {
                    if let value = pair.split(separator: "=", maxSplits: 1).dropFirst().first, value.count >= 4 {
                        tokens.append(String(value))
                    }
                }
            }
            return tokens.filter { !$0.isEmpty }
        }

        /// A permanent failure if `request` cannot be sent as it is: a line break in a header would
        /// start another header.
        func problem(with request: WebhookRequest, target: String) -> DeliveryFailure? {
            let forbidden: Set<Unicode.Scalar> = ["\r", "\n", "\0"]
            for header in request.headers
            where (header.name + header.value).unicodeScalars.contains(where: forbidden.contains) {
                return .configuration(
                    "header '\(header.name.filter { !$0.isNewline })' contains a line break", channel: channel,
                    target: target, operation: Self.operation)
            }
            return nil
        }
    }
}

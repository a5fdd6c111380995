import CCurl
import Dispatch
import TicklerCore
import TicklerFiles
import TicklerMessages

/// Sends mail through an SMTP server with libcurl: `smtp://` with STARTTLS (`required`, `optional`,
/// `off`) or `smtps://` (TLS from the start), certificate verification always on (`ca_file:` adds a
/// private authority), AUTH from `password_env` or `password_file`.
///
///     let transport = SMTPTransport(channelName: "email", channel: smtp, environment: environment)
///     let receipt = try await transport.send(message)   // "250 2.0.0 Ok: queued as …"
///
/// libcurl opens each connection and runs its set-up — greeting, EHLO, STARTTLS, AUTH — with
/// `CURLOPT_CONNECT_ONLY`; the mail transactions then go over that connection through
/// `curl_easy_send`/`curl_easy_recv` (`SMTPSession`), which lets Tickler pipeline `MAIL FROM`, `RCPT TO`
/// and `DATA` when the server offers `PIPELINING` (two round trips a message instead of libcurl's four)
/// and read the server's reply to every recipient. Connections are kept open from one message to the
/// next; one that fails is dropped, and a send that fails on a kept connection before the server said
/// anything (it closed the connection while idle) is tried once more on a new one. `connections: N`
/// allows N connections, each with its own serial queue; messages sent while every connection is busy
/// wait and go out together on the next free one, each message's end in the same write as the next
/// one's commands when the server pipelines (`SMTPDispatcher`). A single sender keeps using one
/// connection.
///
/// Recipients the server refuses are reported per address: in `SMTPReceipt.refusedRecipients` when the
/// message was accepted for the others, in `DeliveryFailure.refusedRecipients` when every one was
/// refused. After a refusal the session sends `RSET` and the connection serves the next message.
///
/// The URL's `${VAR}` references, the username's and the password are read when the transport is made:
/// a missing variable or an unreadable password file makes every `send` fail with a permanent
/// `.configuration` failure that names it. Make a new transport to pick up changed secrets.
public final class SMTPTransport: Sendable {
    /// The channel's name in `tickler.yaml`.
    public let channelName: String
    private let settings: Result<Settings, DeliveryFailure>
    private let dispatcher: SMTPDispatcher?

    public init(channelName: String, channel: SMTPChannel, environment: [String: String]) {
        self.channelName = channelName
        let settings = Settings.resolve(channelName: channelName, channel: channel, environment: environment)
        self.settings = settings
        dispatcher = (try? settings.get()).map { settings in
            SMTPDispatcher(
                (0..<max(1, channel.transport.connections)).map { SMTPConnection(number: $0, settings: settings) })
        }
    }

    /// `host:port` of the server, for logs; `nil` when the URL could not be resolved.
    public var target: String? { try? settings.get().url.target }

    /// Sends `message` (its envelope sender, its recipients, its exact bytes) and returns the server's
    /// final reply. Blocks no thread of the Swift concurrency pool: the transfer runs on a connection's
    /// own queue.
    public func send(_ message: MailMessage) async throws(DeliveryFailure) -> SMTPReceipt {
        let settings = try settings.get()
        if let problem = settings.problem(with: message) { throw problem }
        guard let dispatcher else { preconditionFailure("resolved settings always come with connections") }
        return try await dispatcher.send(message).get()
    }
}

extension SMTPTransport {
    /// The channel with everything read from the environment and files, ready for libcurl.
    struct Settings: Sendable {
        static let operation = "sending mail"

        var channel: String
        var url: ChannelURL
        /// `CURLOPT_USE_SSL`.
        var useSSL: curl_usessl
        var username: String?
        var password: String?
        var curl: CurlHandle.Configuration
        /// Everything to redact from libcurl's and the server's text.
        var secrets: [String]

        static func resolve(
            channelName: String, channel: SMTPChannel, environment: [String: String]
        ) -> Result<Settings, DeliveryFailure> {
            func failure(_ problem: String, target: String?) -> Result<Settings, DeliveryFailure> {
                .failure(.configuration(problem, channel: channelName, target: target, operation: operation))
            }
            let url: ChannelURL
            switch ChannelURL.resolve(
                channel.url, environment: environment, schemes: ["smtp", "smtps"], channel: channelName,
                operation: operation)
            {
            case .success(let resolved): url = resolved
            case .failure(let problem): return .failure(problem)
            }
            var username = channel.username
            if let written = username {
                switch EnvironmentReferences.expand(written, environment: environment, what: "the username") {
                case .success(let expanded): username = expanded.text
                case .failure(let problem): return failure(problem.message, target: url.target)
                }
            }
            var password: String?
            if let source = channel.password {
                switch SecretReader.read(source, option: "password", environment: environment) {
                case .success(let secret): password = secret
                case .failure(let problem): return failure(problem.message, target: url.target)
                }
            }
            // smtps:// is TLS from the start, whatever `starttls` says.
            let useSSL: curl_usessl =
                switch channel.startTLS {
                case _ where url.scheme == "smtps": CURLUSESSL_ALL
                case .required: CURLUSESSL_ALL
                case .optional: CURLUSESSL_TRY
                case .off: CURLUSESSL_NONE
                }
            let curl = CurlHandle.Configuration(protocols: "smtp,smtps", transport: channel.transport)
            return .success(
                Settings(
                    channel: channelName, url: url, useSSL: useSSL, username: username, password: password,
                    curl: curl, secrets: url.secrets + (password.map { [$0] } ?? [])))
        }

        /// A permanent failure if `message` cannot be sent as it is: no recipient, or a line break or
        /// angle bracket in an address (which would break the SMTP command it goes into).
        func problem(with message: MailMessage) -> DeliveryFailure? {
            func failure(_ text: String) -> DeliveryFailure {
                .configuration(text, channel: channel, target: url.target, operation: Self.operation)
            }
            if message.recipients.isEmpty { return failure("the message has no recipient") }
            let forbidden: Set<Unicode.Scalar> = ["\r", "\n", "\0", "<", ">"]
            if message.from.unicodeScalars.contains(where: forbidden.contains) {
                return failure("the sender address contains a line break or an angle bracket")
            }
            for (index, address) in message.recipients.enumerated()
            where address.isEmpty || address.unicodeScalars.contains(where: forbidden.contains) {
                return failure("recipient \(index + 1) is empty or contains a line break or an angle bracket")
            }
            return nil
        }
    }
}

import Dispatch
import TicklerCore
import TicklerMessages

/// Every channel of a configuration, ready to deliver: a rendered message in, what the server (or the
/// file system) answered out. One place turns a message into the exact bytes its channel sends —
/// `outgoing(_:now:)` — and both delivery and `tickler render` use it.
///
///     let courier = Courier(channels: config.channels, environment: environment)
///     let receipt = try await courier.deliver(message, now: now)   // "250 2.0.0 Ok: queued as …"
///
/// Transports are made once per channel and keep their connections between messages; secrets and
/// `${VAR}` references are read when the courier is made (make a new one on reload).
public final class Courier: Sendable {
    /// What a channel sends for one message.
    public enum Outgoing: Sendable {
        /// An email: envelope and RFC 5322 bytes (the `smtp` channel, and `file` with `format: eml`).
        case mail(MailMessage)
        /// An HTTP POST (a `webhook` channel).
        case webhook(WebhookRequest)
        /// A JSON document (the `file` channel with `format: json`).
        case json([UInt8])
    }

    private enum Route: Sendable {
        case file(FileTransport, FileChannel, ConnectionPool<FileLane>)
        case smtp(SMTPTransport, SMTPChannel)
        case webhook(WebhookTransport, WebhookChannel)
    }

    private let routes: [String: Route]

    public init(channels: [String: Channel], environment: [String: String]) {
        var routes: [String: Route] = [:]
        for (name, channel) in channels {
            switch channel.kind {
            case .file(let file):
                routes[name] = .file(
                    FileTransport(channelName: name, channel: file), file,
                    ConnectionPool((0..<Self.fileParallelism).map { FileLane(channel: name, number: $0) }))
            case .smtp(let smtp):
                routes[name] = .smtp(SMTPTransport(channelName: name, channel: smtp, environment: environment), smtp)
            case .webhook(let webhook):
                routes[name] = .webhook(
                    WebhookTransport(channelName: name, channel: webhook, environment: environment), webhook)
            }
        }
        self.routes = routes
    }

    /// How many messages a channel may have in flight at once: a webhook channel its `connections:`;
    /// an SMTP channel eight per connection (the messages that wait while a connection is busy go out
    /// together, pipelined, see `SMTPDispatcher`); a file channel writes four at a time (each write
    /// waits for two `fsync`s; distinct keys are distinct files).
    public func parallelism(of channel: String) -> Int {
        switch routes[channel] {
        case .smtp(_, let smtp): max(1, smtp.transport.connections) * 8
        case .webhook(_, let webhook): max(1, webhook.transport.connections)
        case .file: Self.fileParallelism
        case nil: 1
        }
    }

    static let fileParallelism = 4

    /// The exact bytes `message` goes out as on its channel, written at `now` (seconds since the epoch).
    public func outgoing(_ message: RenderedMessage, now: Int64) -> Result<Outgoing, DeliveryFailure> {
        let channel = message.occurrence.channel
        switch routes[channel] {
        case nil:
            return .failure(
                .configuration(
                    "no channel '\(channel)' in the configuration", channel: channel, target: nil,
                    operation: "preparing the message"))
        case .file(_, let file, _):
            switch file.format {
            case .eml: return mail(message, from: file.from, unsubscribeMailto: nil, now: now, channel: channel)
            case .json: return .success(.json(WebhookFormatter.genericBody(for: message)))
            }
        case .smtp(_, let smtp):
            return mail(message, from: smtp.from, unsubscribeMailto: smtp.unsubscribeMailto, now: now, channel: channel)
        case .webhook(let transport, _):
            return transport.request(for: message, now: now * 1_000).map(Outgoing.webhook)
        }
    }

    /// Sends `message` through its channel; the server's answer (or the file written), in one line.
    public func deliver(_ message: RenderedMessage, now: Int64) async throws(DeliveryFailure) -> String {
        let outgoing = try outgoing(message, now: now).get()
        switch (routes[message.occurrence.channel], outgoing) {
        case (.smtp(let transport, _), .mail(let mail)):
            let receipt = try await transport.send(mail)
            let refused = receipt.refusedRecipients.map { "\($0.address) refused: \($0.reply)" }
            return ([receipt.reply] + refused).joined(separator: "; ")
        case (.webhook(let transport, let webhook), .webhook(let request)):
            return try await transport.post(request, format: webhook.format).description
        case (.file(let transport, _, let lanes), .mail(let mail)):
            return try await write(mail.bytes, as: "eml", key: message.occurrence.key, with: transport, on: lanes)
        case (.file(let transport, _, let lanes), .json(let bytes)):
            return try await write(bytes, as: "json", key: message.occurrence.key, with: transport, on: lanes)
        default:
            preconditionFailure("outgoing(_:now:) matches the channel's route")
        }
    }

    private func mail(
        _ message: RenderedMessage, from: EmailAddress, unsubscribeMailto: String?, now: Int64, channel: String
    ) -> Result<Outgoing, DeliveryFailure> {
        let composed = MailComposer.compose(
            message, from: from, date: now, offset: message.occurrence.offset, unsubscribeMailto: unsubscribeMailto)
        return switch composed {
        case .success(let mail): .success(.mail(mail))
        case .failure(let problem):
            .failure(.configuration(problem.message, channel: channel, target: nil, operation: "composing the email"))
        }
    }

    /// Writes on one of the channel's lanes (two `fsync`s), off the Swift concurrency pool.
    private func write(
        _ bytes: [UInt8], as fileExtension: String, key: String, with transport: FileTransport,
        on lanes: ConnectionPool<FileLane>
    ) async throws(DeliveryFailure) -> String {
        let result = await lanes.run { _ in
            Result { () throws(DeliveryFailure) in
                try transport.write(key: key, fileExtension: fileExtension, bytes: bytes)
            }
        }
        return "wrote " + (try result.get())
    }
}

/// One of a file channel's `fileParallelism` writers: a serial queue where its blocking writes run.
/// (Serial queues, not one concurrent queue: libdispatch on Linux watches the worker threads of its
/// concurrent pools with a timer that wakes the process every second, for good, once they are used.)
final class FileLane: QueuedConnection {
    let queue: DispatchQueue

    init(channel: String, number: Int) {
        queue = DispatchQueue(label: "tickler.file.\(channel).\(number)")
    }
}

import Foundation
import TicklerCore
import TicklerDelivery
import TicklerMessages

/// The two measurements: reminders through `SMTPTransport` and through `WebhookTransport`, each
/// composed per message as the daemon does (`MailComposer.compose`, `WebhookFormatter`) — or, with
/// `--prebuilt`, taken from 1,000 composed before timing starts, to time the transport alone.
enum DeliveryBench {
    /// How many different messages `--prebuilt` composes ahead and then sends in turn.
    static let prebuiltCount = 1_000

    /// A Standard Webhooks secret for `--signed` (the example secret of the specification).
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static func smtp(_ run: BenchCommand.Run) async -> BenchReport {
        let channel = SMTPChannel(
            url: run.url, startTLS: .off, from: SampleMessages.from,
            transport: TransportOptions(connections: run.connections))
        let transport = SMTPTransport(channelName: "email", channel: channel, environment: [:])
        let composing = timePerMessage { _ = SampleMessages.mail($0) }
        let prebuilt = (run.prebuilt ? 0..<prebuiltCount : 0..<0).map(SampleMessages.mail)
        let send: @Sendable (Int) async -> LoadRunner.Outcome = { index in
            do {
                let mail = prebuilt.isEmpty ? SampleMessages.mail(index) : prebuilt[index % prebuilt.count]
                let receipt = try await transport.send(mail)
                return .sent(reusedConnection: receipt.reusedConnection)
            } catch {
                return .failed(String(describing: error))
            }
        }
        let measurement = await measure(run, send: send)
        return BenchReport(
            bench: "smtp", run: run, measurement: measurement, composeMicroseconds: composing,
            messageBytes: SampleMessages.mail(0).bytes.count,
            extra: [("starttls", "\"off\""), ("prebuilt", "\(run.prebuilt)")])
    }

    static func webhook(_ run: BenchCommand.Run, format: WebhookChannel.Format, signed: Bool) async -> BenchReport {
        let channel = WebhookChannel(
            url: run.url, format: format, secret: signed ? .environment("TICKLER_BENCH_SECRET") : nil,
            transport: TransportOptions(connections: run.connections))
        let transport = WebhookTransport(
            channelName: "chat", channel: channel, environment: ["TICKLER_BENCH_SECRET": secret])
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let composing = timePerMessage {
            _ = transport.request(for: SampleMessages.rendered($0, channel: "chat"), now: now)
        }
        let prebuilt = (run.prebuilt ? 0..<prebuiltCount : 0..<0).compactMap { index in
            try? transport.request(for: SampleMessages.rendered(index, channel: "chat"), now: now).get()
        }
        let send: @Sendable (Int) async -> LoadRunner.Outcome = { index in
            do {
                let now = Int64(Date().timeIntervalSince1970 * 1_000)
                let receipt =
                    if !prebuilt.isEmpty {
                        try await transport.post(prebuilt[index % prebuilt.count], format: format, now: now)
                    } else {
                        try await transport.send(SampleMessages.rendered(index, channel: "chat"), now: now)
                    }
                return .sent(reusedConnection: receipt.reusedConnection)
            } catch {
                return .failed(String(describing: error))
            }
        }
        let measurement = await measure(run, send: send)
        let body = (try? transport.request(for: SampleMessages.rendered(0, channel: "chat"), now: now).get())?.body
        return BenchReport(
            bench: "webhook", run: run, measurement: measurement, composeMicroseconds: composing,
            messageBytes: body?.count ?? 0,
            extra: [
                ("format", "\"\(format.rawValue)\""), ("signed", "\(signed)"),
                ("prebuilt", "\(run.prebuilt)"),
            ])
    }

    /// `sample smtp|webhook|text`: the bytes the benchmark sends for its first message.
    static func sample(_ what: String, format: WebhookChannel.Format) -> [UInt8] {
        switch what {
        case "smtp":
            return SampleMessages.mail(0).bytes
        case "webhook":
            let channel = WebhookChannel(url: "http://127.0.0.1/hook", format: format)
            let rendered = SampleMessages.rendered(0, channel: "chat")
            let request = WebhookFormatter.request(
                for: rendered, channel: channel, url: channel.url, secret: nil, now: SampleMessages.due * 1_000)
            return request.body
        default:
            let name = SampleMessages.names[0]
            let fields = [("subject", SampleMessages.subject(name)), ("text", SampleMessages.text(name))]
            let members = fields.map { "\(JSONText.quoted($0)): \(JSONText.quoted($1))" }
            return Array(("{" + members.joined(separator: ", ") + "}\n").utf8)
        }
    }

    /// `run.warmup` untimed sends to open the connections, then the timed `run.count`.
    private static func measure(
        _ run: BenchCommand.Run, send: @escaping @Sendable (Int) async -> LoadRunner.Outcome
    ) async -> LoadRunner.Measurement {
        _ = await LoadRunner.run(first: 0, count: run.warmup, senders: run.senders, send: send)
        return await LoadRunner.run(first: run.warmup, count: run.count, senders: run.senders, send: send)
    }

    /// Microseconds per call of `body`, over 2,000 calls (the first 200 not counted).
    private static func timePerMessage(_ body: (Int) -> Void) -> Double {
        for index in 0..<200 { body(index) }
        let start = ContinuousClock.now
        for index in 200..<2_200 { body(index) }
        return Double(LoadRunner.nanoseconds(ContinuousClock.now - start)) / 2_000 / 1_000
    }
}

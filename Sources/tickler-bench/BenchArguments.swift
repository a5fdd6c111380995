import TicklerCore
import TicklerMessages

/// The command line of `tickler-bench` (hand-parsed: the target depends on the Tickler modules only).
enum BenchCommand {
    case smtp(Run)
    case webhook(Run, format: WebhookChannel.Format, signed: Bool)
    /// Writes one message as the benchmark sends it to standard output, for the Python senders:
    /// `smtp` the email bytes, `webhook` the JSON body, `text` the subject and text as JSON.
    case sample(String, format: WebhookChannel.Format)

    /// What a measuring run does.
    struct Run {
        var url: String
        /// Messages (or requests) to time.
        var count: Int
        /// Parallel connections.
        var connections: Int
        /// Concurrent senders (by default as many as connections).
        var senders: Int
        /// Messages sent before timing starts, to open the connections.
        var warmup: Int
        /// Send messages composed before timing starts (the transport alone) instead of composing each.
        var prebuilt = false
    }

    static let usage = """
        usage: tickler-bench smtp --url smtp://127.0.0.1:PORT [--messages N] [--connections C] [--senders S]
                                  [--warmup W] [--prebuilt]
               tickler-bench webhook --url http://127.0.0.1:PORT/hook [--requests N] [--connections C]
                                     [--senders S] [--warmup W] [--format generic] [--signed] [--prebuilt]
               tickler-bench sample smtp|webhook|text [--format generic]

        Sends N realistic reminders (a Chinese birthday greeting per contact, composed per message) through
        Tickler's SMTPTransport or WebhookTransport with C connections and S concurrent senders (default C),
        after W warm-up messages (default S), and prints one JSON line: messages per second, wall time, CPU time,
        latency percentiles of a message's send (milliseconds), connections opened, failures.
        SMTP goes with `starttls: off`; --signed gives a generic webhook a Standard Webhooks secret;
        --prebuilt sends 1,000 messages composed before timing, in turn, to time the transport alone.

        example: tickler-bench smtp --url smtp://127.0.0.1:2525 --messages 20000 --connections 4
        """

    struct Problem: Error {
        var message: String
    }

    static func parse(_ arguments: [String]) throws(Problem) -> BenchCommand {
        guard let mode = arguments.first else { throw Problem(message: "missing command") }
        var options: [String: String] = [:]
        var signed = false
        var prebuilt = false
        var rest = arguments.dropFirst()
        var target: String?
        if mode == "sample" {
            target = rest.popFirst()
        }
        while let option = rest.popFirst() {
            switch option {
            case "--signed": signed = true
            case "--prebuilt": prebuilt = true
            case "--url", "--messages", "--requests", "--connections", "--senders", "--warmup", "--format":
                guard let value = rest.popFirst() else { throw Problem(message: "'\(option)' needs a value") }
                options[option] = value
            default: throw Problem(message: "unknown option '\(option)'")
            }
        }
        let format = try formatOption(options["--format"])
        switch mode {
        case "smtp":
            var run = try run(options, countOption: "--messages")
            run.prebuilt = prebuilt
            return .smtp(run)
        case "webhook":
            var run = try run(options, countOption: "--requests")
            run.prebuilt = prebuilt
            return .webhook(run, format: format, signed: signed)
        case "sample":
            guard let target, ["smtp", "webhook", "text"].contains(target) else {
                throw Problem(message: "'sample' needs one of smtp, webhook, text")
            }
            return .sample(target, format: format)
        default:
            throw Problem(message: "unknown command '\(mode)'")
        }
    }

    private static func run(_ options: [String: String], countOption: String) throws(Problem) -> Run {
        guard let url = options["--url"] else { throw Problem(message: "missing --url") }
        let count = try number(options[countOption], option: countOption, default: 10_000)
        let connections = try number(options["--connections"], option: "--connections", default: 1)
        let senders = try number(options["--senders"], option: "--senders", default: connections)
        let warmup = try number(options["--warmup"], option: "--warmup", default: senders, minimum: 0)
        return Run(url: url, count: count, connections: connections, senders: senders, warmup: warmup)
    }

    private static func number(
        _ text: String?, option: String, default value: Int, minimum: Int = 1
    ) throws(Problem) -> Int {
        guard let text else { return value }
        guard let number = Int(text.filter { $0 != "_" && $0 != "," }), number >= minimum else {
            throw Problem(message: "'\(option)' needs a whole number of at least \(minimum), not '\(text)'")
        }
        return number
    }

    private static func formatOption(_ text: String?) throws(Problem) -> WebhookChannel.Format {
        guard let text else { return .generic }
        guard let format = WebhookChannel.Format(rawValue: text) else {
            let known = WebhookChannel.Format.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(message: "unknown format '\(text)' (one of \(known))")
        }
        return format
    }
}

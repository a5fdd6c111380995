import ArgumentParser
import Foundation
import TicklerCore
import TicklerDelivery
import TicklerInput
import TicklerMessages
import TicklerReports

/// `tickler send-test CHANNEL [--to ADDRESS]`: one test message through a channel, now.
struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Deliver a test message through a channel now and show what the server answered.",
        discussion: """
            Sends a short test message through CHANNEL exactly as reminders go (same connection settings, \
            secrets, signing and format). Email channels need --to; webhooks post to their URL; file \
            channels write a file. Exit 3 when delivery fails, with the reason.

            Examples:
              tickler send-test email --to li.na@example.com --config etc/tickler.yaml
              tickler send-test sales-chat --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The channel's name in the configuration.")
    var channel: String

    @Option(help: ArgumentHelp("The email address to send to (email-shaped channels).", valueName: "address"))
    var to: String?

    func run() async throws {
        let workspace = try Session.workspace(options)
        let config = workspace.config
        guard let channel = config.channels[self.channel] else {
            Output.printError(
                "unknown channel \(QuotedToken(self.channel))",
                notes: Suggestion.note(for: self.channel, in: config.channels.keys.sorted()))
            throw ExitCode(1)
        }
        if let to, case .failure(let problem) = EmailAddress.validate(to) {
            Output.printError(
                "invalid address \(QuotedToken(to)): \(problem.reason)",
                notes: [.init("write it as 'name@example.com'")])
            throw ExitCode(1)
        }
        if to == nil, Self.needsAddress(channel) {
            Output.printError(
                "channel '\(channel.name)' sends email: give the address to send the test to with --to ADDRESS")
            throw ExitCode(1)
        }
        let now = Clock.now()
        let message = Self.message(channel: channel.name, to: to, language: config.language, now: now)
        let courier = Courier(channels: config.channels, environment: ProcessInfo.processInfo.environment)
        do throws(DeliveryFailure) {
            let receipt = try await courier.deliver(message, now: now)
            Output.write("\(channel.name): delivered: \(receipt)\n")
        } catch {
            Output.printError(error.description)
            throw ExitCode(3)
        }
    }

    static func needsAddress(_ channel: Channel) -> Bool {
        switch channel.kind {
        case .smtp: true
        case .file(let file): file.format == .eml
        case .webhook: false
        }
    }

    /// The test message, in the configuration's language, keyed `send-test/CHANNEL/TIME`.
    static func message(channel: String, to: String?, language: String, now: Int64) -> RenderedMessage {
        let chinese = language.hasPrefix("zh")
        let time = Timestamp.format(now, offset: 0)
        let occurrence = Occurrence(
            key: "send-test/\(channel)/\(now)", rule: "send-test", contact: "send-test", to: .owner,
            recipient: to ?? "send-test", channel: channel, due: now, offset: 0,
            day: CivilDate(daysSinceEpoch: Int(now / 86_400)), detail: .every(cycle: 0, start: now))
        let person = RenderedMessage.Person(id: "send-test", name: "Tickler", email: to, language: language)
        let subject = chinese ? "Tickler 测试消息" : "Tickler test message"
        let text =
            chinese
            ? "这是 Tickler 通过渠道 “\(channel)” 发送的测试消息（\(time)）。收到即表示配置正确。\n"
            : "This is a test message from Tickler through channel '\(channel)' (\(time)). If you can read it, the channel works.\n"
        return RenderedMessage(
            occurrence: occurrence, recipient: person, contact: person, templatePath: "(send-test)", language: language,
            subject: subject, text: text, html: nil)
    }
}

import ArgumentParser
import Foundation
import TicklerCore

/// `tickler render RULE CONTACT`: the next occurrence's message, rendered.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Show the message a rule will send to a contact next.",
        discussion: """
            Finds the next occurrence of RULE for CONTACT after --now (default: now) and renders its \
            template with every value, in the recipient's language. A value the template needs that \
            this contact lacks is an error naming both.

            Example:
              tickler render birthday-greeting acme-zhang --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The rule's name.")
    var rule: String

    @Argument(help: "The contact's id.")
    var contact: String

    @Option(help: ArgumentHelp("The instant to look from, RFC 3339 (default: now).", valueName: "time"))
    var now: String?

    func run() throws {
        let start = try Clock.instant(now)
        let session = try Session.load(options)
        let config = session.workspace.config
        guard let rule = config.rules.first(where: { $0.name == self.rule }) else {
            Output.printError(
                "unknown rule '\(self.rule)'", notes: Suggestion.note(for: self.rule, in: config.rules.map(\.name)))
            throw ExitCode(1)
        }
        guard let index = session.schedule.contacts.firstIndex(where: { $0.id == contact }) else {
            Output.printError(
                "unknown contact '\(contact)'",
                notes: Suggestion.note(for: contact, in: session.schedule.contacts.map(\.id)))
            throw ExitCode(1)
        }
        let history = try session.history()
        // Look ahead up to two years: a yearly date, a lead time and a window fit in that.
        let range = start..<(start + 2 * 366 * 86_400)
        let found = session.schedule.occurrences(
            of: rule, in: range, history: history, now: start, contactIndices: [index])
        guard let next = found.min(by: Occurrence.precedes) else {
            Output.printError(
                "rule '\(rule.name)' has nothing due for contact '\(contact)' in the next two years",
                notes: [.init(Self.reason(rule))])
            throw ExitCode(1)
        }
        switch MessageRenderer(workspace: session.workspace, schedule: session.schedule).render(next) {
        case .failure(let diagnostic):
            var diagnostics = Diagnostics()
            diagnostics.append(diagnostic)
            Output.printDiagnostics(diagnostics)
            throw ExitCode(1)
        case .success(let message):
            Output.write(Self.show(message))
        }
    }

    static func reason(_ rule: Rule) -> String {
        switch rule.trigger {
        case .date(let trigger): "the contact has no '\(trigger.field)', or the rule's 'where' does not match it"
        case .after(let trigger): "no '\(trigger.eventType)' event is recorded for the contact (tickler event add)"
        case .every: "the rule's 'where' does not match the contact, or it has no owner to send to"
        }
    }

    static func show(_ message: RenderedMessage) -> String {
        let occurrence = message.occurrence
        var lines = [
            "key: \(occurrence.key)",
            "due: \(Timestamp.format(occurrence.due, offset: occurrence.offset))",
            "to: \(occurrence.to.rawValue) \(occurrence.recipient)"
                + (message.recipient.email.map { " <\($0)>" } ?? ""),
            "channel: \(occurrence.channel)",
            "template: \(message.templatePath) (\(message.language))",
            "",
        ]
        if let subject = message.subject { lines.append("Subject: \(subject)\n") }
        lines.append(message.text)
        if let html = message.html { lines += ["", "--- html ---", html] }
        return lines.joined(separator: "\n") + (lines.last?.hasSuffix("\n") == true ? "" : "\n")
    }
}

import ArgumentParser
import Foundation
import TicklerCore
import TicklerDaemon
import TicklerDelivery
import TicklerInput
import TicklerMessages
import TicklerReports

/// `tickler render RULE CONTACT`: the next occurrence's message, rendered.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Show the message a rule will send to a contact next.",
        discussion: """
            Finds the next occurrence of RULE for CONTACT after --now (default: now) and renders its \
            template with every value, in the recipient's language. A value the template needs that \
            this contact lacks is an error naming both. `render digest OWNER` renders the owner's next \
            digest, with every item due for them that day.

            Example:
              tickler render birthday-greeting acme-zhang --config etc/tickler.yaml
              tickler render digest li.na --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The rule's name.")
    var rule: String

    @Argument(help: "The contact's id (for 'digest': the owner's).")
    var contact: String

    @Option(help: ArgumentHelp("The instant to look from, RFC 3339 (default: now).", valueName: "time"))
    var now: String?

    @Flag(help: "Print the exact bytes the channel would send instead of the readable message.")
    var raw = false

    func run() throws {
        // Every problem with the arguments is reported before the command stops.
        let start = Clock.instant(now)
        let timings = PhaseTimings()
        defer { timings.report() }
        let session = try Session.load(options, timings: timings)
        let config = session.workspace.config
        if self.rule == Schedule.digestRule {
            guard let start else { throw ExitCode(1) }
            return try renderDigest(session, owner: contact, from: start, timings: timings)
        }
        let rule = config.rules.first { $0.name == self.rule }
        if rule == nil {
            Output.printError(
                "unknown rule \(QuotedToken(self.rule))",
                notes: Suggestion.note(for: self.rule, in: config.rules.map(\.name)))
        }
        let index = session.contactIndex(contact)
        guard let start, let rule, let index else { throw ExitCode(1) }

        let history = try session.history()
        if rule.recipient == .contact, let event = history.events.unsubscription(of: contact) {
            let zone = session.schedule.contactZone(index)
            Output.printError(
                "contact \(QuotedToken(contact)) unsubscribed at \(Timestamp.format(event.at, offset: zone.offset(at: event.at)))"
                    + " (event \(QuotedToken.escaped(event.id))); rule '\(rule.name)' sends to the contact and is held"
                    + " back until an event '\(Event.resubscribedType)'",
                notes: [
                    .init(
                        "when the contact asks for messages again: tickler event add \(contact) \(Event.resubscribedType)"
                    )
                ])
            throw ExitCode(1)
        }
        // Look ahead up to two years: a yearly date, a lead time and a window fit in that.
        let range = start..<(start + 2 * 366 * 86_400)
        let found = session.schedule.occurrences(
            of: rule, in: range, history: history, now: start, contactIndices: [index]
        ).sorted(by: Occurrence.precedes)
        // What was delivered already is not what "will send next".
        let delivered = try session.deliveredKeys(among: found.map(\.key))
        guard let next = found.first(where: { !delivered.contains($0.key) }) else {
            Output.printError(
                "rule '\(rule.name)' has nothing due for contact '\(contact)' in the next two years",
                notes: [.init(Self.reason(rule, session.schedule.contacts[index], config: config, history: history))])
            throw ExitCode(1)
        }
        if rule.digest, next.to != .contact, config.owners[next.recipient]?.digest != nil {
            let day = CivilDate(daysSinceEpoch: Int((next.due + Int64(next.offset)).floorDiv(86_400)))
            let key = Schedule.digestKey(owner: next.recipient, day: day)
            Output.printNote(
                "rule '\(rule.name)' goes in \(next.recipient)'s digest: this message is not sent on its own but "
                    + "listed in \(key) (tickler render digest \(next.recipient))")
        }
        timings.end("plan")
        try show(next, session: session, timings: timings)
    }

    /// Renders `occurrence` and prints it, readable or (`--raw`) as the channel would send it.
    func show(_ occurrence: Occurrence, session: Session, timings: PhaseTimings) throws {
        let config = session.workspace.config
        let next = occurrence
        var renderer = MessageRenderer(workspace: session.workspace, schedule: session.schedule)
        renderer.unsubscribeLinks = try unsubscribeLinks(session)
        // Made once per configuration in the daemon: a phase of its own, apart from the rendering.
        timings.end("renderer")
        let (message, diagnostics) = renderer.render(next)
        timings.end("render")
        guard let message else {
            Output.printDiagnostics(diagnostics)
            throw ExitCode(1)
        }
        guard raw else { return Output.write(Self.show(message)) }
        let courier = Courier(channels: config.channels, environment: ProcessInfo.processInfo.environment)
        switch courier.outgoing(message, now: next.due) {
        case .success(.mail(let mail)): Output.write(mail.bytes)
        case .success(.json(let bytes)): Output.write(bytes + [10])
        case .success(.webhook(let request)):
            var head = "POST \(request.redactedURL)\r\nContent-Type: application/json\r\n"
            for header in request.headers { head += "\(header.name): \(header.value)\r\n" }
            Output.write(Array((head + "\r\n").utf8) + request.body + [10])
        case .failure(let failure):
            Output.printError(failure.description)
            throw ExitCode(1)
        }
    }

    /// The links the daemon puts in messages to contacts, when `http.public_url` is set and the
    /// store has its secret (the daemon makes it on its first run with a public URL).
    private func unsubscribeLinks(_ session: Session) throws -> UnsubscribeLinks? {
        guard let url = session.workspace.config.http?.publicURL, let store = session.store else { return nil }
        do {
            return try Daemon.storedUnsubscribeSecret(store).map { UnsubscribeLinks(publicURL: url, secret: $0) }
        } catch {
            throw Session.report(error)
        }
    }

    /// Why a rule has nothing for a contact: the first of its conditions the contact fails.
    static func reason(_ rule: Rule, _ contact: Contact, config: Config, history: Schedule.History) -> String {
        for condition in rule.filter.conditions where !ContactMatcher.matches(contact, ContactFilter([condition])) {
            let wanted = condition.values.map { "'\($0)'" }.joined(separator: " or ")
            let has =
                condition.field == "tags"
                ? (contact.tags.isEmpty ? "no tags" : "tags " + contact.tags.map { "'\($0)'" }.joined(separator: ", "))
                : ContactMatcher.value(of: condition.field, in: contact).map { "'\($0)'" } ?? "none"
            return "the rule's 'where' asks for \(condition.field) \(wanted); contact '\(contact.id)' has \(has)"
        }
        switch rule.recipient {
        case .contact: break
        case .owner, .manager:
            guard let ownerID = contact.owner, let owner = config.owners[ownerID] else {
                return
                    "the rule goes to the contact's \(rule.recipient.rawValue), and contact '\(contact.id)' has no owner"
            }
            if rule.recipient == .manager, owner.manager == nil {
                return "the rule goes to the owner's manager, and owner '\(ownerID)' has no manager"
            }
        }
        switch rule.trigger {
        case .date(let trigger):
            let has: Bool =
                switch trigger.field {
                case .birthday: contact.birthday != nil
                case .lunarBirthday: contact.lunarBirthday != nil
                case .custom(let name): contact.dates[name] != nil
                case .gregorian, .lunar, .term: true
                }
            let field = if case .custom(let name) = trigger.field { "dates: \(name)" } else { "\(trigger.field)" }
            return has
                ? "the '\(field)' of contact '\(contact.id)' does not fall in the next two years"
                : "contact '\(contact.id)' has no '\(field)'"
        case .after(let trigger):
            let events = history.events.events(of: contact.id).filter { $0.type == trigger.eventType }
            guard !events.isEmpty else {
                return "no '\(trigger.eventType)' event is recorded for contact '\(contact.id)'; "
                    + "record one with 'tickler event add \(contact.id) \(trigger.eventType)'"
            }
            let cancelled = trigger.unless.map { ", or were cancelled by a '\($0)' event" } ?? ""
            let type = trigger.eventType
            let series = events.count == 1 ? "the '\(type)' event" : "the \(events.count) '\(type)' events"
            return "the reminders for \(series) of contact '\(contact.id)' fell due before now\(cancelled)"
        case .every:
            return "the rule's period is longer than two years"
        }
    }

    /// The header (key, due time, recipient, channel, template), then the subject, the text, and
    /// the HTML part after a separator line.
    static func show(_ message: RenderedMessage) -> String {
        func line(_ text: String) -> String { text.hasSuffix("\n") ? text : text + "\n" }
        let occurrence = message.occurrence
        var text = [
            "key: \(occurrence.key)",
            "due: \(Timestamp.format(occurrence.due, offset: occurrence.offset))",
            "to: \(occurrence.to.rawValue) \(occurrence.recipient)"
                + (message.recipient.email.map { " <\($0)>" } ?? ""),
            "channel: \(occurrence.channel)",
            "template: \(message.templatePath) (\(message.language))",
        ].map(line).joined()
        if let url = message.unsubscribeURL { text += "unsubscribe: \(url)\n" }
        text += "\n"
        if let subject = message.subject { text += "Subject: \(subject)\n\n" }
        text += line(message.text)
        if let html = message.html { text += "\n--- html ---\n" + line(html) }
        return text
    }
}

import ArgumentParser
import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// `tickler event add CONTACT TYPE [--at TIME] [--note TEXT]`: record one event.
struct EventAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Record an event for a contact.",
        discussion: """
            The contact must exist in the contact files; the type is lowercase words joined by \
            hyphens. TIME is RFC 3339 with its UTC offset and defaults to now. The note may hold any \
            text. Nothing is stored when anything is wrong (exit 1). Prints the event's id, which \
            keys the reminders it triggers.

            Examples:
              tickler event add acme-zhang purchase --note "合同 #2026-118"
              tickler event add acme-zhang callback-requested --at 2026-11-22T09:00:00+08:00
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("The contact's id.", valueName: "contact"))
    var contact: String

    @Argument(help: ArgumentHelp("The event type, e.g. purchase or callback-requested.", valueName: "type"))
    var type: String

    @Option(help: ArgumentHelp("When it happened, RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp("A note, stored as written.", valueName: "text"))
    var note: String?

    func run() throws {
        let (config, checks) = try Session.eventChecks(options)
        var problems: [EventChecks.Problem] = []
        if let problem = checks.contactProblem(contact) { problems.append(problem) }
        if let problem = checks.typeProblem(type) { problems.append(problem) }
        let now = Clock.now()
        var instant = now
        if let at {
            switch checks.time(at) {
            case .success(let value): instant = value
            case .failure(let problem): problems.append(problem)
            }
        }
        guard problems.isEmpty else {
            problems.forEach(EventSupport.print)
            throw ExitCode(1)
        }
        if let warning = checks.typeWarning(type) {
            EventSupport.printWarning(warning.message)
            warning.notes.forEach(EventSupport.printNote)
        }

        let store = try Session.store(config)
        let event: Event
        do {
            event = try store.addEvent(
                contact: contact, type: type, at: instant, note: note.flatMap { $0.isEmpty ? nil : $0 },
                recordedAt: now,
                source: EventSource.cli
            )
        } catch {
            throw Session.report(error)
        }
        let time = EventSupport.format(event.at, zone: config.zoneRules)
        print("recorded event \(event.id): \(event.type) for \(event.contact) at \(time)")
    }
}

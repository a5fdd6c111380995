import ArgumentParser
import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// `tickler event list [CONTACT] [--type T]`: the recorded events, oldest first.
struct EventListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List recorded events, oldest first.",
        discussion: """
            Shows each event's id, time (in the configuration's time zone), contact, type, source (cli, \
            import, or the name of the HTTP token that sent it) and note. \
            Control characters and line breaks in notes are shown escaped (\\n), so each event stays \
            on one line.

            Examples:
              tickler event list
              tickler event list acme-zhang --type purchase
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("Only this contact's events.", valueName: "contact"))
    var contact: String?

    @Option(help: ArgumentHelp("Only events of this type.", valueName: "type"))
    var type: String?

    func run() throws {
        let (config, checks) = try Session.eventChecks(options)
        if let type, let problem = checks.typeProblem(type) {
            EventSupport.print(problem)
            throw ExitCode(1)
        }
        let store = try Session.store(config)
        let events: [ListedEvent]
        do {
            events = try store.listedEvents(contact: contact, type: type)
        } catch {
            throw Session.report(error)
        }
        // A contact no file defines any more may still have events; only an unknown name with none is an error.
        if let contact, events.isEmpty, let problem = checks.contactProblem(contact) {
            EventSupport.print(problem)
            throw ExitCode(1)
        }
        guard !events.isEmpty else {
            print("no events")
            return
        }
        let zone = config.zoneRules
        var rows = [["ID", "TIME", "CONTACT", "TYPE", "SOURCE", "NOTE"]]
        for listed in events {
            let event = listed.event
            let note = QuotedToken.escaped(event.note ?? "")
            rows.append([
                event.id, EventSupport.format(event.at, zone: zone), QuotedToken.escaped(event.contact),
                QuotedToken.escaped(event.type), listed.source ?? "-", note,
            ])
        }
        print(TextTable.render(rows), terminator: "")
    }

}

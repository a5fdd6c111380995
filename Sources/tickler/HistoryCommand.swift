import ArgumentParser
import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// `tickler history [CONTACT]`: delivery attempts, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List delivery attempts, newest first, for every contact or one.",
        discussion: """
            Each line is one attempt (or an entry never attempted: missed, failed to render): when, the \
            occurrence key, the channel, the outcome and the server's answer or the error.

            --format json writes an array of the same attempts (its fields are described in the README).

            Examples:
              tickler history acme-zhang --config etc/tickler.yaml
              tickler history --format json --limit 20
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Only this contact's reminders.")
    var contact: String?

    @Option(help: ArgumentHelp("How many lines at most.", valueName: "n"))
    var limit: Int = 100

    @Option(help: "text or json.")
    var format: ReportFormat = .text

    func run() throws {
        let session = try Session.load(options)
        if let contact, session.contactIndex(contact) == nil { throw ExitCode(1) }
        var entries: [HistoryEntry] = []
        if let store = session.store {
            do {
                entries = try store.history(contact: contact, limit: limit)
            } catch {
                throw Session.report(error)
            }
        }
        let zone = session.workspace.config.zoneRules
        switch format {
        case .json: Output.write(HistoryReport.json(entries, zone: zone))
        case .text where entries.isEmpty: Output.write("no deliveries yet\n")
        case .text: Output.write(HistoryReport.table(entries, zone: zone))
        }
    }
}

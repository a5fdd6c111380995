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

            Example:
              tickler history acme-zhang --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Only this contact's reminders.")
    var contact: String?

    @Option(help: ArgumentHelp("How many lines at most.", valueName: "n"))
    var limit: Int = 100

    func run() throws {
        let session = try Session.load(options)
        if let contact, !session.schedule.contacts.contains(where: { $0.id == contact }) {
            Output.printError(
                "unknown contact \(QuotedToken(contact))",
                notes: Suggestion.note(for: contact, in: session.schedule.contacts.map(\.id)))
            throw ExitCode(1)
        }
        guard let store = session.store else {
            Output.write("no deliveries yet\n")
            return
        }
        let entries: [HistoryEntry]
        do {
            entries = try store.history(contact: contact, limit: limit)
        } catch {
            throw Session.report(error)
        }
        guard !entries.isEmpty else {
            Output.write("no deliveries yet\n")
            return
        }
        Output.write(HistoryReport.table(entries, zone: session.workspace.config.zoneRules))
    }
}

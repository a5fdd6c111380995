import ArgumentParser
import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// `tickler status`: what the daemon will do next and how its outbox stands.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show the next reminder due, the outbox by state and channel, failures, missed reminders and the latest deliveries.",
        discussion: """
            Reads the state store (never changes it). Times are shown in the configuration's zone.

            --format json writes the same as one JSON object (its fields are described in the README).

            Examples:
              tickler status --config etc/tickler.yaml
              tickler status --format json
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("How many failures, missed reminders and deliveries to list.", valueName: "n"))
    var limit: Int = 10

    @Option(help: "text or json.")
    var format: ReportFormat = .text

    func run() throws {
        let now = Clock.now()
        let session = try Session.load(options)
        let status: OutboxStatus
        if let store = session.store {
            do {
                status = try store.status(now: now, limit: limit)
            } catch {
                throw Session.report(error)
            }
        } else if format == .json {
            status = OutboxStatus(
                counts: [], dueNow: 0, retries: [], failures: [], missed: [], lastAttempts: [], scheduledThrough: nil)
        } else {
            Output.write("no state store yet at \(session.workspace.config.statePath): the daemon has not run\n")
            return
        }
        // The next planned occurrence not yet in the outbox, within a week.
        let next: Occurrence?
        do {
            next = try ReportQueries.next(session.schedule, store: session.store, now: now)
        } catch {
            throw Session.report(error)
        }
        let zone = session.workspace.config.zoneRules
        switch format {
        case .text: Output.write(StatusReport.text(status, next: next, zone: zone))
        case .json: Output.write(StatusReport.json(status, next: next, zone: zone))
        }
    }
}

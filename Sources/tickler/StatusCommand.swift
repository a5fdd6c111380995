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

            Example:
              tickler status --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("How many failures, missed reminders and deliveries to list.", valueName: "n"))
    var limit: Int = 10

    func run() throws {
        let now = Clock.now()
        let session = try Session.load(options)
        let zone = session.workspace.config.zoneRules
        func time(_ instant: Int64) -> String { Timestamp.format(instant, offset: zone.offset(at: instant)) }
        guard let store = session.store else {
            Output.write("no state store yet at \(session.workspace.config.statePath): the daemon has not run\n")
            return
        }
        let status: OutboxStatus
        do {
            status = try store.status(now: now, limit: limit)
        } catch {
            throw Session.report(error)
        }
        var text = ""
        // The next planned occurrence not yet in the outbox, within a week.
        let history = try session.history()
        let week = session.schedule.occurrences(in: now..<(now + 7 * 86_400), history: history, now: now)
        let known = try session.deliveredKeys(among: week.prefix(100).map(\.key))
        if let next = week.first(where: { !known.contains($0.key) }) {
            text += "next due: \(next.key) at \(Timestamp.format(next.due, offset: next.offset)) via \(next.channel)\n"
        } else {
            text += "next due: nothing in the next 7 days\n"
        }
        text += "scheduled through: " + (status.scheduledThrough.map(time) ?? "never (the daemon has not run)") + "\n"
        text += "due now: \(status.dueNow)\n\n"
        if status.counts.isEmpty {
            text += "outbox: empty\n"
        } else {
            text += "OUTBOX\n"
            text += TextTable.render(
                [["STATE", "CHANNEL", "COUNT"]]
                    + status.counts.map { [$0.state.rawValue, $0.channel, String($0.count)] })
        }
        if !status.retries.isEmpty {
            text += "\nRETRYING\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "ATTEMPTS", "NEXT", "LAST ERROR"]]
                    + status.retries.map {
                        [$0.key, $0.channel, String($0.attempts), time($0.nextAttemptAt), $0.lastError ?? ""]
                    })
        }
        if !status.failures.isEmpty {
            text += "\nFAILED\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "ATTEMPTS", "AT", "ERROR"]]
                    + status.failures.map { [$0.key, $0.channel, String($0.attempts), time($0.at), $0.error] })
        }
        if !status.missed.isEmpty {
            text += "\nMISSED\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "REASON"]] + status.missed.map { [$0.key, $0.channel, $0.reason] })
        }
        if !status.lastAttempts.isEmpty {
            text += "\nLATEST ATTEMPTS\n"
            text += HistoryCommand.table(status.lastAttempts, time: time)
        }
        Output.write(text)
    }
}

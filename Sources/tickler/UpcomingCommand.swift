import ArgumentParser
import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports

/// `tickler upcoming`: what will fire, when and to whom.
struct UpcomingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upcoming",
        abstract: "List the reminders that will fall due.",
        discussion: """
            Every occurrence not yet delivered whose due instant lies in [now, now + N × 24 h), sorted \
            by due time then key. The table shows each time in the recipient's zone; JSON has the \
            fields key, rule, contact, to, recipient, channel and due (RFC 3339 with the recipient's \
            offset); ICS is an iCalendar feed with the occurrence key as UID. --owner keeps the reminders \
            about that owner's contacts, --contact those about one contact. Reminders to contacts who \
            unsubscribed are held back; the table ends with a line that counts them. Reads the state \
            store but never changes it.

            Examples:
              tickler upcoming --config etc/tickler.yaml
              tickler upcoming --days 30 --format json
              tickler upcoming --owner li.na --format ics > li.na.ics
              tickler upcoming --now 2027-03-01T00:00:00+08:00 --format ics > tickler.ics
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
        case ics
    }

    @OptionGroup var options: ConfigOptions

    @Option(help: "How many days ahead to look (1–3660).")
    var days: Int = 7

    @Option(help: ArgumentHelp("The instant to look from, RFC 3339 (default: now).", valueName: "time"))
    var now: String?

    @Option(help: "table, json or ics.")
    var format: Format = .table

    @Option(help: ArgumentHelp("Only the reminders about this owner's contacts.", valueName: "owner"))
    var owner: String?

    @Option(help: ArgumentHelp("Only the reminders about this contact.", valueName: "id"))
    var contact: String?

    func run() throws {
        // Both options are checked before either stops the command, so one run reports both.
        let daysValid = (1...3660).contains(days)
        if !daysValid { Output.printError("--days must be from 1 to 3660, not \(days)") }
        guard let start = Clock.instant(now), daysValid else { throw ExitCode(1) }
        let timings = PhaseTimings()
        let session = try Session.load(options, timings: timings)
        let range = start..<(start + Int64(days) * 86_400)
        let only = try contactFilter(session)
        let scheduled: ScheduledOccurrences
        do {
            scheduled = try ReportQueries.upcoming(
                session.schedule, store: session.store, in: range, now: start, only: only,
                phaseEnded: { timings.end($0) })
        } catch {
            throw Session.report(error)
        }
        switch format {
        case .json:
            scheduled.writeJSON { Output.write($0) }
            timings.end("output")
        case .table:
            OccurrenceTable(scheduled, config: session.workspace.config, now: start).write { Output.write($0) }
            if let note = HeldBackNote.line(scheduled) { Output.write(Array((note + "\n").utf8)) }
            timings.end("output")
        case .ics:
            let listing = OccurrenceListing(scheduled.occurrences, workspace: session.workspace, now: start)
            let output = Array(listing.iCalendar.utf8)
            timings.end("format")
            Output.write(output)
            timings.end("write")
        }
        timings.report()
        session.keepUntilExit()
    }

    /// The contacts `--owner` and `--contact` leave (both: those that match both), or `nil` for all.
    /// An unknown owner or contact is an error with the nearest name.
    private func contactFilter(_ session: Session) throws -> Set<Int32>? {
        do {
            return try ReportQueries.contactFilter(
                owner: owner, contact: contact, schedule: session.schedule, config: session.workspace.config)
        } catch {
            Session.printUnknown(error)
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import Foundation
import TicklerCore
import TicklerFiles
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// `tickler event`: record, list and import events (purchases, calls, callback requests…).
struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Record, list and import events: purchases, calls, callback requests…",
        discussion: """
            Events are what 'after' and 'every' rules react to. They are kept in the state store \
            ('state:' in the configuration). A contact must exist in the contact files; a type is \
            lowercase words joined by hyphens; a TIME is RFC 3339 with its UTC offset.

            Examples:
              tickler event add acme-zhang purchase --note "合同 #2026-118"
              tickler event list acme-zhang
              tickler event import events.csv
            """,
        subcommands: [EventAddCommand.self, EventListCommand.self, EventImportCommand.self]
    )
}

/// What the event commands share: how they report problems and show times.
enum EventSupport {
    static func printNote(_ message: String) {
        FileHandle.standardError.write(Data("tickler: note: \(message)\n".utf8))
    }

    static func printWarning(_ message: String) {
        FileHandle.standardError.write(Data("tickler: warning: \(message)\n".utf8))
    }

    /// Prints a problem that has no place in a file: `tickler: error: …` and its notes.
    static func print(_ problem: EventChecks.Problem) {
        Output.printError(problem.message)
        for note in problem.notes { printNote(note) }
    }

    /// An instant as RFC 3339 at the offset `zone` has then.
    static func format(_ instant: Int64, zone: ZoneRules) -> String {
        Timestamp.format(instant, offset: zone.offset(at: instant))
    }
}

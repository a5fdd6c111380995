import ArgumentParser
import Foundation
import TicklerCore
import TicklerFiles
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// `tickler event import FILE.csv`: record many events at once, all or none.
struct EventImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record the events of a CSV file, all or none.",
        discussion: """
            The file's header names the columns: contact, type, at (RFC 3339), and optionally note \
            and id. Every row is checked first and every problem is reported as \
            FILE:line:column: error: …; then all events are stored in one transaction, or none. An \
            id already stored with the same content is skipped, so importing a file again changes \
            nothing; rows without an id are skipped when the same event is already stored. An id \
            stored with other content is an error.

            Example:
              tickler event import events.csv

            events.csv:
              contact,type,at,note,id
              acme-zhang,purchase,2026-11-20T15:30:00+08:00,合同 #2026-118,crm-4711
            """
    )

    @OptionGroup var options: ConfigOptions

    @Argument(help: ArgumentHelp("The CSV file of events.", valueName: "file.csv"))
    var file: String

    func run() throws {
        let timings = PhaseTimings()
        let (config, checks) = try Session.eventChecks(options, timings: timings)
        var diagnostics = Diagnostics()
        guard
            let source = SourceText.read(
                file, from: FileSystemReader(), missing: { .error("no events file '\($0)'", at: .file($0)) },
                diagnostics: &diagnostics)
        else {
            try fail(diagnostics)
        }
        let events = EventsFile(source, checks: checks)
        timings.end("parse")
        diagnostics.append(contentsOf: events.diagnostics)
        if diagnostics.hasErrors { try fail(diagnostics) }
        Output.printDiagnostics(diagnostics)

        let store = try Session.store(config)
        timings.end("open store")
        let result: ImportResult
        do {
            result = try store.importEvents(events.rows.map(\.event), recordedAt: Clock.now())
            timings.end("store")
        } catch  where error.kind == .conflictingEvents {
            try fail(conflicts(error.eventIDs, rows: events.rows))
        } catch {
            throw Session.report(error)
        }
        let count = "\(result.inserted) \(result.inserted == 1 ? "event" : "events")"
        print("imported \(count) (\(result.skipped) already present)")
        timings.report()
    }

    /// The ids the store holds with other content, at the rows that give them.
    private func conflicts(_ ids: [String], rows: [EventsFile.Row]) -> Diagnostics {
        var diagnostics = Diagnostics()
        var location: [String: SourceLocation] = [:]
        for row in rows {
            if let id = row.event.id, location[id] == nil { location[id] = row.idLocation }
        }
        for id in ids {
            var notes: [Diagnostic.Note] = [
                .init("the state store holds an event \(QuotedToken(id)) with another contact, type, time or note")
            ]
            if id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) {
                notes.append(
                    .init("plain numbers are the ids Tickler assigns; prefix ids from elsewhere, e.g. 'crm-\(id)'"))
            }
            diagnostics.error(
                "event id \(QuotedToken(id)) is already used by another event", at: location[id] ?? .file(file),
                notes: notes)
        }
        return diagnostics
    }

    /// Prints the diagnostics and a summary, and exits 1.
    private func fail(_ diagnostics: Diagnostics) throws -> Never {
        Output.printDiagnostics(diagnostics)
        let errors = diagnostics.errorCount
        Output.printError("\(file): \(errors) \(errors == 1 ? "error" : "errors") found; nothing imported")
        throw ExitCode(1)
    }
}

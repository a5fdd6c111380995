import ArgumentParser
import Foundation
import TicklerCore
import TicklerStore

/// `tickler event list [CONTACT] [--type T]`: the recorded events, oldest first.
struct EventListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List recorded events, oldest first.",
        discussion: """
            Shows each event's id, time (in the configuration's time zone), contact, type and note. \
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
        let workspace = try Session.workspace(options)
        let checks = EventChecks(workspace)
        if let type, let problem = checks.typeProblem(type) {
            EventSupport.print(problem)
            throw ExitCode(1)
        }
        let store = try Session.store(workspace)
        let events: [Event]
        do {
            events = try store.events(contact: contact, type: type)
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
        let zone = EventSupport.zone(of: workspace)
        var rows = [["ID", "TIME", "CONTACT", "TYPE", "NOTE"]]
        for event in events {
            let note = (event.note ?? "").unicodeScalars.map(escaped).joined()
            rows.append([
                event.id, EventSupport.format(event.at, zone: zone), escapedText(event.contact),
                escapedText(event.type), note,
            ])
        }
        print(TextTable.render(rows), terminator: "")
    }

    private func escapedText(_ text: String) -> String {
        text.unicodeScalars.map(escaped).joined()
    }
}

/// Plain-text columns separated by two spaces, padded by display width (CJK characters take two
/// columns on a terminal); the last column is not padded.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], displayWidth(cell))
            }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index > 0 { line += "  " }
                line += cell
                if index < row.count - 1 {
                    line += String(repeating: " ", count: widths[index] - displayWidth(cell))
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    /// Terminal columns: East Asian wide and fullwidth characters take two, combining marks none.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let value = scalar.value
            if scalar.properties.generalCategory == .nonspacingMark || value == 0x200B { return width }
            let wide =
                (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
                || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
                || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
                || (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1F64F).contains(value)
                || (0x1F900...0x1F9FF).contains(value) || (0x20000...0x3FFFD).contains(value)
            return width + (wide ? 2 : 1)
        }
    }
}

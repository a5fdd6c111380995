import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports

/// Writing results to stdout and problems to stderr (through FileHandle: glibc's `stderr` global
/// is not concurrency-safe in Swift 6).
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes UTF-8 bytes as they are (a long listing: no copy into a `String` and a `Data`).
    static func write(_ bytes: [UInt8]) {
        try? FileHandle.standardOutput.write(contentsOf: bytes)
    }

    static func printDiagnostics(_ diagnostics: Diagnostics) {
        let text = diagnostics.sorted.map { $0.description + "\n" }.joined()
        guard !text.isEmpty else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `tickler: error: message` and `tickler: note: …` lines, for problems that have no place in a file.
    static func printError(_ message: String, notes: [Diagnostic.Note] = []) {
        var text = "tickler: error: \(message)\n"
        for note in notes {
            text += (note.location.map { "\($0): " } ?? "tickler: ") + "note: \(note.message)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `tickler: note: message`: something the user should know that is not a problem.
    static func printNote(_ message: String) {
        FileHandle.standardError.write(Data("tickler: note: \(message)\n".utf8))
    }
}

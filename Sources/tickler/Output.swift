import Foundation
import TicklerCore

/// Writing to stderr (through FileHandle: glibc's `stderr` global is not concurrency-safe in Swift 6).
enum Output {
    static func printDiagnostics(_ diagnostics: Diagnostics) {
        let text = diagnostics.sorted.map { $0.description + "\n" }.joined()
        guard !text.isEmpty else { return }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("tickler: error: \(message)\n".utf8))
    }
}

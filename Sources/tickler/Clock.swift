import ArgumentParser
import Foundation
import TicklerCore

/// The command line's `TIME` values, and the current time (read here, at the edge, never in the core).
enum Clock {
    /// `--now TIME` parsed as RFC 3339, or the current time when absent; a bad value exits 1.
    static func instant(_ text: String?) throws -> Int64 {
        guard let text else { return Int64(Date().timeIntervalSince1970.rounded(.down)) }
        guard let instant = Timestamp.parse(text) else {
            Output.printError(
                "invalid time '\(text)'",
                notes: [
                    .init(
                        "write an RFC 3339 time with its offset, e.g. '2026-11-22T09:00:00+08:00' or '2026-11-22T01:00:00Z'"
                    )
                ])
            throw ExitCode(1)
        }
        return instant
    }
}

import ArgumentParser
import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages
import TicklerReports
import TicklerStore

/// The command line's `TIME` values, and the current time (read here, at the edge, never in the core).
enum Clock {
    /// `--now TIME` parsed as RFC 3339, or the current time when absent. A bad value is reported (as
    /// `event add` reports one) and gives `nil`, so a command can report its other problems too
    /// before it exits 1.
    static func instant(_ text: String?) -> Int64? {
        guard let text else { return now() }
        guard let instant = Timestamp.parse(text) else {
            Output.printError(
                "invalid time \(QuotedToken(text))",
                notes: [.init("write an RFC 3339 time with its UTC offset, e.g. '2026-11-22T09:00:00+08:00'")])
            return nil
        }
        return instant
    }

    /// The current time, whole seconds since the epoch.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }
}

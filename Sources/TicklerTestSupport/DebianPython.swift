import Foundation

/// Runs a script with Debian's Python (`/usr/bin/python3`), which sees Debian's packages
/// (`python3-aiosmtpd`, `python3-icalendar`) — unlike a `python3` earlier on PATH. Tests use it to
/// check Tickler's output with independent, real parsers.
public enum DebianPython {
    public static let path = "/usr/bin/python3"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `python3 -c script arguments…` with `input` on stdin; returns stdout, throws with stderr
    /// when the script fails.
    public static func run(_ script: String, arguments: [String] = [], input: [UInt8] = []) throws -> String {
        do {
            return String(decoding: try Subprocess.run(path, ["-c", script] + arguments, input: input), as: UTF8.self)
        } catch {
            throw Failure(description: "\(error)")
        }
    }
}

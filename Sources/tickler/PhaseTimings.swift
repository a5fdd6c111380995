import Dispatch
import Foundation

/// Where a command's time goes: with `TICKLER_TIMINGS=1` in the environment, the wall-clock time of
/// each phase, and the peak memory by its end, are written to stderr when the command ends
/// (`bench/upcoming.sh` prints them). Otherwise every call is a no-op.
final class PhaseTimings {
    private let isEnabled: Bool
    private var last: UInt64
    private var phases: [(name: String, nanoseconds: UInt64, peakKB: Int?)] = []

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        isEnabled = environment["TICKLER_TIMINGS"] == "1"
        last = DispatchTime.now().uptimeNanoseconds
    }

    /// Ends the phase `name`: the time since the previous phase ended (or the timer started).
    func end(_ name: String) {
        guard isEnabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, now - last, Self.peakResidentKB()))
        last = DispatchTime.now().uptimeNanoseconds  // reading the peak is not part of the next phase
    }

    /// The peak resident set size so far (`VmHWM` in /proc/self/status, Linux), in KB.
    private static func peakResidentKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// Writes one line per phase and the total to stderr, with the peak resident memory so far:
    /// `tickler: timing: contacts     0.312 s   peak  250 MB`.
    func report() {
        guard isEnabled else { return }
        func line(_ name: String, _ nanoseconds: UInt64, _ peakKB: Int?) -> String {
            let seconds = Double(nanoseconds) / 1e9
            let padded = name.padding(toLength: 12, withPad: " ", startingAt: 0)
            let peak = peakKB.map { String(format: "   peak %4d MB", ($0 + 512) / 1024) } ?? ""
            return "tickler: timing: \(padded) " + String(format: "%.3f s", seconds) + peak + "\n"
        }
        let total = line("total", phases.reduce(0) { $0 + $1.nanoseconds }, phases.last?.peakKB)
        let text = phases.map { line($0.name, $0.nanoseconds, $0.peakKB) }.joined() + total
        FileHandle.standardError.write(Data(text.utf8))
    }
}

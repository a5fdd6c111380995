import Dispatch
import Foundation

/// Where a command's time goes: with `TICKLER_TIMINGS=1` in the environment, the wall-clock time of
/// each phase, the peak memory by its end and the page faults in it (memory touched for the first
/// time, which costs the kernel time) are written to stderr when the command ends
/// (`bench/upcoming.sh` prints them). Otherwise every call is a no-op.
final class PhaseTimings {
    private let isEnabled: Bool
    private var last: UInt64
    private var lastFaults: Int
    private var phases: [(name: String, nanoseconds: UInt64, peakKB: Int?, faults: Int)] = []

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        isEnabled = environment["TICKLER_TIMINGS"] == "1"
        last = DispatchTime.now().uptimeNanoseconds
        lastFaults = Self.pageFaults()
    }

    /// Ends the phase `name`: the time since the previous phase ended (or the timer started).
    func end(_ name: String) {
        guard isEnabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let faults = Self.pageFaults()
        phases.append((name, now - last, Self.peakResidentKB(), faults - lastFaults))
        lastFaults = Self.pageFaults()  // nor the faults of reading it
        last = DispatchTime.now().uptimeNanoseconds  // reading the peak is not part of the next phase
    }

    /// The process's minor page faults so far.
    private static func pageFaults() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_minflt)
    }

    /// The peak resident set size so far (`VmHWM` in /proc/self/status, Linux), in KB.
    private static func peakResidentKB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    /// Writes one line per phase and the total to stderr, with the peak resident memory so far and
    /// the page faults: `tickler: timing: contacts     0.312 s   peak  250 MB   faults   6120`.
    func report() {
        guard isEnabled else { return }
        func line(_ name: String, _ nanoseconds: UInt64, _ peakKB: Int?, _ faults: Int) -> String {
            let seconds = Double(nanoseconds) / 1e9
            let padded = name.padding(toLength: 12, withPad: " ", startingAt: 0)
            let peak = peakKB.map { String(format: "   peak %4d MB", ($0 + 512) / 1024) } ?? ""
            return "tickler: timing: \(padded) " + String(format: "%.3f s", seconds) + peak
                + String(format: "   faults %6d", faults) + "\n"
        }
        let total = line(
            "total", phases.reduce(0) { $0 + $1.nanoseconds }, phases.last?.peakKB, phases.reduce(0) { $0 + $1.faults })
        let text = phases.map { line($0.name, $0.nanoseconds, $0.peakKB, $0.faults) }.joined() + total
        FileHandle.standardError.write(Data(text.utf8))
    }
}

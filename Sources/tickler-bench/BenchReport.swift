import Foundation
import TicklerCore
import TicklerMessages

/// The result of one run as one JSON line: what ran, throughput (messages sent without a failure),
/// wall and CPU time, and the latency percentiles of a message (compose and send, failed ones too;
/// milliseconds, nearest rank).
struct BenchReport {
    var bench: String
    var run: BenchCommand.Run
    var measurement: LoadRunner.Measurement
    /// Microseconds to compose one message, measured on its own before the run.
    var composeMicroseconds: Double
    /// The size of the first message: the email, or the JSON body.
    var messageBytes: Int
    /// More fields, already in JSON.
    var extra: [(String, String)]

    var succeeded: Bool { measurement.failures == 0 }

    var line: String {
        let sorted = measurement.latencies.sorted()
        func milliseconds(_ percentile: Double) -> String {
            guard !sorted.isEmpty else { return "null" }
            let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
            return fixed(Double(sorted[min(sorted.count, max(rank, 1)) - 1]) / 1e6, 3)
        }
        let wall = measurement.wallSeconds
        let cpu = measurement.userSeconds + measurement.systemSeconds
        let count = max(1, sorted.count)
        var fields: [(String, String)] = [
            ("bench", JSONText.quoted(bench)),
            ("count", "\(run.count)"),
            ("connections", "\(run.connections)"),
            ("senders", "\(run.senders)"),
            ("per_s", fixed(wall > 0 ? Double(sorted.count - measurement.failures) / wall : 0, 1)),
            ("wall_s", fixed(wall, 3)),
            ("p50_ms", milliseconds(50)),
            ("p90_ms", milliseconds(90)),
            ("p99_ms", milliseconds(99)),
            ("max_ms", milliseconds(100)),
            ("cpu_user_s", fixed(measurement.userSeconds, 3)),
            ("cpu_sys_s", fixed(measurement.systemSeconds, 3)),
            ("cpu_us_per_msg", fixed(cpu / Double(count) * 1e6, 1)),
            ("compose_us", fixed(composeMicroseconds, 1)),
            ("bytes", "\(messageBytes)"),
            ("new_connections", "\(measurement.newConnections)"),
            ("warmup", "\(run.warmup)"),
            ("failures", "\(measurement.failures)"),
        ]
        fields += extra
        if let failure = measurement.firstFailure { fields.append(("first_failure", JSONText.quoted(failure))) }
        return "{" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
    }

    private func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

import Foundation
import TicklerCore
import TicklerDaemon
import TicklerStore

/// `/metrics`: the Prometheus text exposition format (0.0.4), written directly — a handful of
/// series read at each scrape from the daemon's counters and the store.
struct MetricsText {
    private var out = ""

    /// Everything the SPEC lists, from one look at each source.
    static func render(
        state: DaemonState, status: OutboxStatus?, eventCounts: [String: Int], signatureFailures: Int, now: Int64,
        shared: (any SharedStore)? = nil
    ) -> String {
        var text = MetricsText()
        let metrics = state.metrics.snapshot
        let channels = state.loaded.map { Array($0.workspace.config.channels.keys) } ?? []
        let allChannels = Set(channels).union(metrics.delivered.keys).union(metrics.failed.keys).sorted()

        text.family("tickler_notifications_total", "counter", "Reminders delivered since the process started.")
        for channel in allChannels {
            text.sample("tickler_notifications_total", ["channel": channel], metrics.delivered[channel] ?? 0)
        }
        text.family(
            "tickler_notifications_failed_total", "counter",
            "Delivery attempts that failed since the process started, transient (retried) or permanent.")
        for channel in allChannels {
            for reason in ["transient", "permanent"] {
                text.sample(
                    "tickler_notifications_failed_total", ["channel": channel, "reason": reason],
                    metrics.failed[channel]?[reason] ?? 0)
            }
        }
        text.family("tickler_notification_latency_seconds", "histogram", "How long a delivery attempt took.")
        for channel in allChannels {
            text.histogram(
                "tickler_notification_latency_seconds", ["channel": channel],
                metrics.latency[channel] ?? .init(bounds: DeliveryMetrics.latencyBounds))
        }
        text.family("tickler_lateness_seconds", "histogram", "How late reminders were delivered: delivered minus due.")
        text.histogram("tickler_lateness_seconds", [:], metrics.lateness)

        text.family("tickler_outbox", "gauge", "Outbox entries by state.")
        for outboxState in OutboxState.allCases {
            text.sample("tickler_outbox", ["state": outboxState.rawValue], status?.count(outboxState) ?? 0)
        }
        text.family("tickler_missed_total", "counter", "Reminders missed (beyond catch_up when the daemon was down).")
        text.sample("tickler_missed_total", [:], status?.count(.missed) ?? 0)
        text.family(
            "tickler_outbox_oldest_pending_age_seconds", "gauge",
            "How long ago the oldest reminder not yet delivered was due (0 with none).")
        text.sample(
            "tickler_outbox_oldest_pending_age_seconds", [:],
            Int(max(0, status?.oldestPendingDue.map { now - $0 } ?? 0)))

        text.family(
            "tickler_events_received_total", "counter", "Events recorded, by source: cli, import or a token's name.")
        for (source, count) in eventCounts.sorted(by: { $0.key < $1.key }) {
            text.sample("tickler_events_received_total", ["source": source], count)
        }
        let reload = state.lastReload
        text.family("tickler_config_last_reload_successful", "gauge", "Whether the last configuration load succeeded.")
        text.sample("tickler_config_last_reload_successful", [:], reload.successful ? 1 : 0)
        text.family(
            "tickler_config_last_reload_success_timestamp_seconds", "gauge",
            "When the configuration was last loaded successfully.")
        text.sample("tickler_config_last_reload_success_timestamp_seconds", [:], Int(reload.succeededAt))
        text.family(
            "tickler_next_due_timestamp_seconds", "gauge", "When the next planned reminder is due (0 with none).")
        text.sample("tickler_next_due_timestamp_seconds", [:], Int(state.nextDueAt ?? 0))
        text.family(
            "tickler_webhook_signature_failures_total", "counter",
            "Signed requests refused: bad signature or timestamp.")
        text.sample("tickler_webhook_signature_failures_total", [:], signatureFailures)
        text.family("tickler_contacts", "gauge", "Contacts loaded.")
        text.sample("tickler_contacts", [:], state.loaded?.workspace.contacts.count ?? 0)
        text.family("tickler_rules", "gauge", "Rules loaded.")
        text.sample("tickler_rules", [:], state.loaded?.workspace.config.rules.count ?? 0)
        if let shared {
            text.family(
                "tickler_replicas", "gauge",
                "Replicas sharing the store that have not stopped and beat within three leases.")
            text.sample(
                "tickler_replicas", [:],
                status?.replicas.filter(\.isRunning).count ?? 0)
            let counters = shared.claimCounters
            text.family("tickler_claims_total", "counter", "Outbox entries this replica claimed.")
            text.sample("tickler_claims_total", [:], counters.claimed.count)
            text.family(
                "tickler_claims_lost_total", "counter",
                "Attempts this replica did not begin because another had taken the entry over.")
            text.sample("tickler_claims_lost_total", [:], counters.lost.count)
            text.family(
                "tickler_lease_renewals_total", "counter", "Claims whose lease this replica's heartbeats renewed.")
            text.sample("tickler_lease_renewals_total", [:], counters.renewed.count)
        }
        text.family("tickler_build_info", "gauge", "The version of Tickler running.")
        text.sample("tickler_build_info", ["version": TicklerVersion.string], 1)
        text.process()
        return text.out
    }

    private mutating func family(_ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private mutating func sample(_ name: String, _ labels: [String: String], _ value: Int) {
        sample(name, labels, String(value))
    }

    private mutating func sample(_ name: String, _ labels: [String: String], _ value: String) {
        out += name
        if !labels.isEmpty {
            out += "{"
            out += labels.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\"\(Self.escape($0.value))\"" }
                .joined(separator: ",")
            out += "}"
        }
        out += " \(value)\n"
    }

    private mutating func histogram(_ name: String, _ labels: [String: String], _ histogram: DeliveryMetrics.Histogram)
    {
        for (index, bound) in histogram.bounds.enumerated() {
            sample(name + "_bucket", labels.merging(["le": Self.number(bound)]) { a, _ in a }, histogram.counts[index])
        }
        sample(name + "_bucket", labels.merging(["le": "+Inf"]) { a, _ in a }, histogram.count)
        sample(name + "_sum", labels, Self.number(histogram.sum))
        sample(name + "_count", labels, histogram.count)
    }

    /// The standard `process_*` series, from /proc.
    private mutating func process() {
        let info = ProcessInfoReader.read()
        family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
        sample("process_cpu_seconds_total", [:], Self.number(info.cpuSeconds))
        family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
        sample("process_resident_memory_bytes", [:], info.residentBytes)
        family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.")
        sample("process_virtual_memory_bytes", [:], info.virtualBytes)
        family("process_open_fds", "gauge", "Number of open file descriptors.")
        sample("process_open_fds", [:], info.openFDs)
        family("process_max_fds", "gauge", "Maximum number of open file descriptors.")
        sample("process_max_fds", [:], info.maxFDs)
        family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
        sample("process_start_time_seconds", [:], Self.number(info.startTime))
    }

    /// A label value with `\`, `"` and line feeds escaped.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

/// The figures of `process_*`, read from /proc/self.
struct ProcessInfoReader {
    var cpuSeconds: Double = 0
    var residentBytes = 0
    var virtualBytes = 0
    var openFDs = 0
    var maxFDs = 0
    var startTime: Double = 0

    static func read() -> ProcessInfoReader {
        var info = ProcessInfoReader()
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = sysconf(Int32(_SC_PAGESIZE))
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after the command name, which may hold spaces: state is field 3.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            func field(_ number: Int) -> Double { fields.count > number - 3 ? Double(fields[number - 3]) ?? 0 : 0 }
            info.cpuSeconds = (field(14) + field(15)) / ticks
            info.virtualBytes = Int(field(23))
            info.residentBytes = Int(field(24)) * page
            if let uptime = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
                let line = uptime.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
                let boot = Double(line.dropFirst(6))
            {
                info.startTime = boot + field(22) / ticks
            }
        }
        info.openFDs = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 1) - 1
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { info.maxFDs = Int(limit.rlim_cur) }
        return info
    }
}

import Foundation
import TicklerCore
import TicklerStore

/// The text of `tickler status`: the next reminder due, the outbox by state and channel, retries,
/// failures, missed reminders, the latest digests and the latest attempts, with times in the configuration's zone.
public enum StatusReport {
    /// - Parameters:
    ///   - next: the next planned occurrence not yet in the outbox within a week, if any.
    ///   - zone: the configuration's zone, for the store's times.
    public static func text(_ status: OutboxStatus, next: Occurrence?, zone: ZoneRules) -> String {
        let time = HistoryReport.timeWriter(zone)
        var text = ""
        if let next {
            text += "next due: \(next.key) at \(Timestamp.format(next.due, offset: next.offset)) via \(next.channel)\n"
        } else {
            text += "next due: nothing in the next 7 days\n"
        }
        text += "scheduled through: " + (status.scheduledThrough.map(time) ?? "never (the daemon has not run)") + "\n"
        text += "due now: \(status.dueNow)\n\n"
        if status.counts.isEmpty {
            text += "outbox: empty\n"
        } else {
            text += "OUTBOX\n"
            text += TextTable.render(
                [["STATE", "CHANNEL", "COUNT"]]
                    + status.counts.map { [$0.state.rawValue, $0.channel, String($0.count)] })
        }
        if !status.retries.isEmpty {
            text += "\nRETRYING\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "ATTEMPTS", "NEXT", "LAST ERROR"]]
                    + status.retries.map {
                        [$0.key, $0.channel, String($0.attempts), time($0.nextAttemptAt), $0.lastError ?? ""]
                    })
        }
        if !status.failures.isEmpty {
            text += "\nFAILED\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "ATTEMPTS", "AT", "ERROR"]]
                    + status.failures.map { [$0.key, $0.channel, String($0.attempts), time($0.at), $0.error] })
        }
        if !status.missed.isEmpty {
            text += "\nMISSED\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "REASON"]] + status.missed.map { [$0.key, $0.channel, $0.reason] })
        }
        if !status.digests.isEmpty {
            text += "\nDIGESTS\n"
            text += TextTable.render(
                [["KEY", "CHANNEL", "STATE", "DUE", "ITEMS"]]
                    + status.digests.map { [$0.key, $0.channel, $0.state.rawValue, time($0.due), String($0.items)] })
        }
        if !status.replicas.isEmpty {
            text += "\nREPLICAS\n"
            if let warning = replicaWarning(status.replicas) { text += "warning: \(warning)\n" }
            text += TextTable.render(
                [["HOST", "PID", "STARTED", "LAST HEARTBEAT", "CONFIG", "STATE"]]
                    + status.replicas.map {
                        [
                            $0.host, String($0.pid), time($0.startedAt), time($0.heartbeatAt), $0.configDigest,
                            $0.stoppedAt.map { "stopped \(time($0))" } ?? ($0.isRunning ? "running" : "silent"),
                        ]
                    })
        }
        if !status.lastAttempts.isEmpty {
            text += "\nLATEST ATTEMPTS\n"
            text += HistoryReport.table(status.lastAttempts, zone: zone)
        }
        return text
    }
}

extension StatusReport {
    /// `tickler status --format json`: the same as the text, as one object (see README, "status").
    public static func json(_ status: OutboxStatus, next: Occurrence?, zone: ZoneRules) -> String {
        let time = HistoryReport.timeWriter(zone)
        let nextDue: JSONDocument =
            next.map { next in
                .object([
                    ("key", .string(next.key)), ("rule", .string(next.rule)), ("contact", .string(next.contact)),
                    ("channel", .string(next.channel)),
                    ("due", .string(Timestamp.format(next.due, offset: next.offset))),
                ])
            } ?? .null
        let document = JSONDocument.object([
            ("next_due", nextDue),
            ("scheduled_through", .string(status.scheduledThrough.map(time))),
            ("due_now", .number(status.dueNow)),
            (
                "outbox",
                .array(
                    status.counts.map {
                        .object([
                            ("state", .string($0.state.rawValue)), ("channel", .string($0.channel)),
                            ("count", .number($0.count)),
                        ])
                    })
            ),
            (
                "retrying",
                .array(
                    status.retries.map {
                        .object([
                            ("key", .string($0.key)), ("channel", .string($0.channel)),
                            ("attempts", .number($0.attempts)), ("next_attempt_at", .string(time($0.nextAttemptAt))),
                            ("last_error", .string($0.lastError)),
                        ])
                    })
            ),
            (
                "failed",
                .array(
                    status.failures.map {
                        .object([
                            ("key", .string($0.key)), ("channel", .string($0.channel)),
                            ("attempts", .number($0.attempts)), ("at", .string(time($0.at))),
                            ("error", .string($0.error)),
                        ])
                    })
            ),
            (
                "missed",
                .array(
                    status.missed.map {
                        .object([
                            ("key", .string($0.key)), ("channel", .string($0.channel)),
                            ("due", .string(time($0.due))), ("reason", .string($0.reason)),
                        ])
                    })
            ),
            (
                "digests",
                .array(
                    status.digests.map {
                        .object([
                            ("key", .string($0.key)), ("channel", .string($0.channel)),
                            ("state", .string($0.state.rawValue)), ("due", .string(time($0.due))),
                            ("items", .number($0.items)),
                        ])
                    })
            ),
            ("latest_attempts", .array(status.lastAttempts.map { HistoryReport.entry($0, time: time) })),
            (
                "replicas",
                .array(
                    status.replicas.map {
                        .object([
                            ("id", .string($0.id)), ("host", .string($0.host)), ("pid", .number($0.pid)),
                            ("started", .string(time($0.startedAt))), ("heartbeat", .string(time($0.heartbeatAt))),
                            ("config", .string($0.configDigest)), ("stopped", .string($0.stoppedAt.map(time))),
                            ("running", .bool($0.isRunning)),
                        ])
                    })
            ),
            ("replica_warning", .string(replicaWarning(status.replicas))),
        ])
        return document.text
    }

    /// A warning when the running replicas (``ReplicaStatus/isRunning``) run different configurations.
    static func replicaWarning(_ replicas: [ReplicaStatus]) -> String? {
        let digests = Set(replicas.filter(\.isRunning).map(\.configDigest))
        guard digests.count > 1 else { return nil }
        return "the running replicas have different configurations (\(digests.sorted().joined(separator: ", "))); "
            + "give every replica the same files"
    }
}

/// The table of `tickler history`: one line per attempt, newest first.
public enum HistoryReport {
    /// `tickler history --format json`: an array of attempts, newest first (see README, "history").
    public static func json(_ entries: [HistoryEntry], zone: ZoneRules) -> String {
        let time = timeWriter(zone)
        return JSONDocument.array(entries.map { entry($0, time: time) }).text
    }

    static func entry(_ entry: HistoryEntry, time: (Int64) -> String) -> JSONDocument {
        .object([
            ("at", .string(time(entry.at))), ("key", .string(entry.key)), ("rule", .string(entry.rule)),
            ("contact", .string(entry.contact)), ("recipient", .string(entry.recipient)),
            ("channel", .string(entry.channel)), ("due", .string(time(entry.due))),
            ("attempt", .number(entry.attempt)), ("outcome", .string(entry.outcome.rawValue)),
            ("finished_at", .string(entry.finishedAt.map(time))), ("detail", .string(entry.detail)),
        ])
    }

    public static func table(_ entries: [HistoryEntry], zone: ZoneRules) -> String {
        let time = timeWriter(zone)
        return TextTable.render(
            [["TIME", "KEY", "CHANNEL", "ATTEMPT", "OUTCOME", "DETAIL"]]
                + entries.map {
                    [
                        time($0.at), $0.key, $0.channel, $0.attempt.map(String.init) ?? "-", $0.outcome.rawValue,
                        ($0.detail ?? "").replacingOccurrences(of: "\n", with: " "),
                    ]
                })
    }

    /// RFC 3339 in `zone`, with the offset in force at each instant.
    static func timeWriter(_ zone: ZoneRules) -> (Int64) -> String {
        { Timestamp.format($0, offset: zone.offset(at: $0)) }
    }
}

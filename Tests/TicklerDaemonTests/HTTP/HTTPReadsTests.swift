import Foundation
import Testing
import TicklerTestSupport

/// The reads answer what the commands print, byte for byte; the operations endpoints answer
/// without a token; `/metrics` passes `promtool check metrics`.
@Suite struct HTTPReadsTests {
    static let rules = """
          - { name: thank-you, after: purchase, delay: 1d, to: contact, channel: out, template: thanks }
          - { name: check-in, every: 14d, spread: 3d, to: owner, channel: out, template: heads-up }
        """

    @Test func upcomingStatusAndHistoryAreTheCommandsOutput() async throws {
        let http = try HTTPWorkspace(contacts: 5, rules: Self.rules)
        try await http.start()
        #expect(
            try http.post(#"[{"contact": "c1", "type": "purchase"}, {"contact": "c4", "type": "purchase"}]"#).status
                == 201)
        let now = "2027-01-05T08:00:00+08:00"
        for query in ["", "&owner=li.na", "&contact=c4", "&owner=li.na&contact=c1"] {
            let answer = try http.get("/v1/upcoming?days=60&now=\(now)\(query)")
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "application/json")
            var arguments = ["upcoming", "--days", "60", "--now", now, "--format", "json"]
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=")
                arguments += ["--" + parts[0], String(parts[1])]
            }
            let command = try TicklerProcess.run(arguments: arguments + ["--config", http.workspace.config])
            #expect(command.status == 0)
            #expect(answer.body == command.stdout, "upcoming\(query)")
            #expect(!answer.body.isEmpty)
        }
        let unknown = try http.get("/v1/upcoming?owner=li.nq")
        #expect(unknown.status == 400)
        #expect(unknown.body.contains("did you mean 'li.na'?"))
        #expect(try http.get("/v1/upcoming?days=0").status == 400)

        let status = try http.get("/v1/status")
        #expect(status.status == 200)
        #expect(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) is [String: Any])
        #expect(status.body.contains("\"outbox\""))
        let history = try http.get("/v1/history?contact=c1&limit=5")
        let command = try http.workspace.tickler("history", "c1", "--limit", "5", "--format", "json")
        #expect(history.body == command.stdout)
    }

    /// A calendar application cannot send headers: the feed takes `?token=`, and Python's
    /// `icalendar` reads it.
    @Test func theCalendarFeedTakesATokenInTheQueryAndParses() async throws {
        let http = try HTTPWorkspace(contacts: 3, rules: Self.rules)
        try await http.start()
        #expect(try http.post(#"{"contact": "c2", "type": "purchase"}"#).status == 201)
        let feed = try http.get("/v1/upcoming.ics?days=30&owner=li.na&token=\(HTTPWorkspace.opsToken)", bearer: nil)
        #expect(feed.status == 200)
        #expect(feed.headers["content-type"]?.hasPrefix("text/calendar") == true)
        let uids = try DebianPython.run(
            """
            import sys, icalendar
            cal = icalendar.Calendar.from_ical(sys.stdin.read())
            print("\\n".join(sorted(str(e["UID"]) for e in cal.walk("VEVENT"))))
            """, input: Array(feed.body.utf8))
        #expect(uids.contains("thank-you/c2/"), "\(uids)")
        #expect(try http.get("/v1/upcoming.ics?token=wrong", bearer: nil).status == 401)
        // Only the feed takes a token in the query.
        #expect(try http.get("/v1/upcoming?token=\(HTTPWorkspace.opsToken)", bearer: nil).status == 401)
    }

    @Test func healthReadinessAndMetricsNeedNoTokenAndMetricsPassPromtool() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        let health = try http.get("/healthz", bearer: nil)
        #expect(health.status == 200 && health.body == "ok\n")
        let ready = try http.get("/readyz", bearer: nil)
        #expect(ready.status == 200, "\(ready)")
        #expect(try http.post(#"{"contact": "c1", "type": "purchase"}"#).status == 201)
        try await Poll.until("the thank-you", timeout: .seconds(5)) { !http.workspace.files(in: "out").isEmpty }
        try await Poll.until("the delivery in the metrics", timeout: .seconds(5)) {
            try http.get("/metrics", bearer: nil).body.contains(#"tickler_notifications_total{channel="out"} 1"#)
        }
        let metrics = try http.get("/metrics", bearer: nil)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        for series in [
            "tickler_notifications_total", "tickler_notifications_failed_total",
            "tickler_notification_latency_seconds_bucket",
            "tickler_lateness_seconds_bucket", "tickler_outbox{", "tickler_missed_total",
            "tickler_events_received_total",
            "tickler_config_last_reload_successful 1", "tickler_config_last_reload_success_timestamp_seconds",
            "tickler_next_due_timestamp_seconds", "tickler_outbox_oldest_pending_age_seconds",
            "tickler_webhook_signature_failures_total", "tickler_contacts 3", "tickler_rules 2",
            "tickler_build_info{version=",
            "process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
            "process_start_time_seconds",
        ] {
            #expect(metrics.body.contains(series), "no \(series)")
        }
        #expect(metrics.body.contains(#"tickler_events_received_total{source="crm"} 1"#))
        #expect(metrics.body.contains(#"tickler_outbox{state="delivered"} 1"#))
        let promtool = try HTTPWorkspace.run(
            "/usr/bin/promtool", ["check", "metrics"], input: Array(metrics.body.utf8))
        #expect(promtool.isEmpty, "\(String(decoding: promtool, as: UTF8.self))")
    }
}

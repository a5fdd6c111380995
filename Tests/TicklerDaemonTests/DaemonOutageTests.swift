import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// A mail server that is down: the daemon backs off (visibly, in its log), stays asleep between
/// tries, and delivers everything once the server is back on the same port.
@Suite struct DaemonOutageTests {
    @Test func everythingGoesOutAfterAnOutageWithBackoffAndWithoutBusyWaiting() async throws {
        let port = try SMTPSink.closedPort()
        let workspace = try DaemonWorkspace(
            contacts: 5,
            channels: """
                  email: { type: smtp, url: "smtp://127.0.0.1:\(port)", starttls: off, from: "\(DaemonWorkspace.from)" }
                """,
            rules: "  - { name: thank-you, after: purchase, delay: 1s, to: contact, channel: email, template: thanks }")
        let daemon = try await workspace.startDaemon()
        let before = try daemon.usage()
        let now = Timestamp.format(SQLiteStore.now(), offset: 0)
        let events = try workspace.directory.write(
            "events.csv", "contact,type,at\n" + (1...5).map { "c\($0),purchase,\(now)\n" }.joined())
        #expect(try workspace.tickler("event", "import", events).status == 0)

        // Three rounds of failures, over more than 2 s (after 0 s, 1 s and 2 s more): the daemon waits
        // in between, asleep.
        let failed = "msg=\"delivery failed, will retry\""
        let first = try await daemon.waitForLog(containing: failed)
        let fifteenth = try await daemon.waitForLog(containing: failed, count: 15)
        let cpu = try daemon.usage().cpuSeconds - before.cpuSeconds
        let span = try logTime(fifteenth).timeIntervalSince(logTime(first))
        #expect(span > 2, "three rounds of retries in \(span) s")
        #expect(cpu < 0.5, "the daemon used \(cpu) s of CPU in an outage of \(span) s")

        // Backoff from 1 s doubling to 2 s (jitter of ±20 % rounds away at these sizes).
        let lines = daemon.logLines(containing: failed)
        #expect(lines.allSatisfy { $0.contains(" channel=email ") && $0.contains("Couldn't connect to server") })
        func waits(afterAttempt attempt: Int) -> [Substring] {
            lines.filter { $0.contains(" attempt=\(attempt) ") }.map { $0.split(separator: " ").last ?? "" }
        }
        #expect(waits(afterAttempt: 1) == Array(repeating: "retry_in_s=1", count: 5))
        #expect(waits(afterAttempt: 2) == Array(repeating: "retry_in_s=2", count: 5))
        #expect(waits(afterAttempt: 3) == Array(repeating: "retry_in_s=2", count: 5))
        // Waiting to be retried, or being retried (one snapshot: an entry moves from one to the other).
        let status = try workspace.store().status(now: SQLiteStore.now())
        #expect(status.count(.retry) + status.count(.sending) == 5)

        // The server comes back on that port: every reminder arrives, once.
        let smtp = try SMTPSink(SMTPSink.Configuration(port: port))
        try await Poll.until("5 reminders delivered", context: daemon.logTail) { try workspace.count(.delivered) == 5 }
        let keys = try workspace.store().unorderedEvents().map { "thank-you/\($0.contact)/\($0.id)" }
        #expect(try smtp.messageIDs().sorted() == keys.map(messageID).sorted())

        let history = try workspace.store().history(contact: "c1", limit: 20)
        #expect(history.first?.outcome == .delivered)
        #expect(history.dropFirst().allSatisfy { $0.outcome == .retry })
        #expect(history.count >= 4)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// A retry whose time comes while its channel's only connection is busy with a slow delivery
    /// waits for that delivery to end, asleep.
    @Test func aRetryWaitingBehindASlowDeliverySleepsUntilTheConnectionIsFree() async throws {
        let http = try HTTPSink(
            HTTPSink.Configuration(answers: [.text("try later", status: 503), HTTPSink.Answer(body: "ok", delay: 4)]))
        let workspace = try DaemonWorkspace(
            contacts: 2, channels: "  hook: { type: webhook, format: generic, url: \"\(http.url)/hook\" }",
            rules: "  - { name: heads-up, after: purchase, delay: 1s, to: contact, channel: hook, template: heads-up }")
        let daemon = try await workspace.startDaemon()
        let before = try daemon.usage()
        let now = Timestamp.format(SQLiteStore.now(), offset: 0)
        let events = try workspace.directory.write(
            "events.csv", "contact,type,at\nc1,purchase,\(now)\nc2,purchase,\(now)\n")
        #expect(try workspace.tickler("event", "import", events).status == 0)

        // c1's reminder is answered 503 (retry in 1 s); c2's then holds the connection for 4 s, and
        // c1's retry waits 3 s of them for it. Everything the daemon does in all that is little work.
        try await Poll.until("the retry, after the slow delivery", context: daemon.logTail) {
            try http.requests().count >= 3
        }
        let cpu = try daemon.usage().cpuSeconds - before.cpuSeconds
        #expect(cpu < 0.5, "the daemon used \(cpu) s of CPU waiting for a connection")

        let keys = try http.requests().map { $0.header("Idempotency-Key") ?? "" }
        #expect(keys == ["heads-up/c1/1", "heads-up/c2/2", "heads-up/c1/1"])
        try await Poll.until("both delivered") { try workspace.count(.delivered) == 2 }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

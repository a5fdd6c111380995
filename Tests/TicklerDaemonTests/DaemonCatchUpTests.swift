import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// Downtime: what fell due while the daemon was stopped goes out at the next start if it is within
/// `catch_up`, and is recorded as missed, and shown by `tickler status`, when older.
@Suite struct DaemonCatchUpTests {
    static let rules = """
          - { name: soon, after: purchase, delay: 2s, to: contact, channel: out, template: thanks }
          - { name: late-default, after: visit, delay: 1h, to: contact, channel: out, template: thanks }
          - { name: late-strict, after: visit, delay: 1h, catch_up: 2s, to: contact, channel: out, template: thanks }
        """

    @Test func remindersDueWhileStoppedGoOutWithinCatchUpAndOlderOnesAreMissed() async throws {
        let workspace = try DaemonWorkspace(channels: "  out: { type: file, path: ../var/out }", rules: Self.rules)
        let started = SQLiteStore.now()
        let first = try await workspace.startDaemon()
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)

        // As if the daemon had stopped three hours ago: a visit two hours ago made two reminders due an
        // hour ago, and a purchase just now makes one due in two seconds, while the daemon is down.
        let now = SQLiteStore.now()
        let writer = try SQLiteStore.open(path: workspace.statePath)
        // The daemon kept its watermark: it had planned through its start.
        #expect(try writer.scheduledThrough().map { $0 > started } == true)
        try writer.setScheduledThrough(now - 3 * 3_600)
        let visit = try workspace.addEvent("c1", "visit", at: now - 2 * 3_600)
        let purchase = try workspace.addEvent("c1", "purchase", at: now)
        try await Poll.until("the purchase's reminder to be due") { SQLiteStore.now() > now + 2 }

        let second = try await workspace.startDaemon()
        try await second.waitForLog(containing: "msg=delivered ", count: 2)
        #expect(
            workspace.files(in: "out") == ["soon__c1__\(purchase).eml", "late-default__c1__\(visit).eml"])
        let missed = try #require(second.logLines(containing: "msg=missed ").first)
        #expect(missed.contains("key=late-strict/c1/\(visit)"))

        let status = try workspace.tickler("status")
        #expect(try workspace.statusCounts() == [["delivered", "out", "2"], ["missed", "out", "1"]])
        let due = Timestamp.format(now - 3_600, offset: 8 * 3_600)
        #expect(status.stdout.contains("MISSED\nKEY"))
        let row = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("late-strict/") })
        #expect(row.hasPrefix("late-strict/c1/\(visit)  out      due \(due), "))
        #expect(row.hasSuffix(" ago, beyond catch_up 2s"))
        // Planned through now again.
        #expect(try writer.scheduledThrough().map { $0 >= now } == true)

        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }

    /// An event can be recorded late (`--at` in the past), making a reminder due before the daemon's
    /// watermark. The daemon sends it within `catch_up` whether the event was recorded while it ran or
    /// while it was stopped.
    @Test func anEventRecordedLateWhileStoppedGoesOutAtStartAsItWouldWhileRunning() async throws {
        let workspace = try DaemonWorkspace(
            channels: "  out: { type: file, path: ../var/out }",
            rules: "  - { name: follow-up, after: call, delay: 5m, to: contact, channel: out, template: thanks }")
        let first = try await workspace.startDaemon()
        let whileRunning = try workspace.addEvent("c1", "call", at: SQLiteStore.now() - 600)
        try await first.waitForLog(containing: "msg=delivered ")
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)

        let whileStopped = try workspace.addEvent("c1", "call", at: SQLiteStore.now() - 600)
        let second = try await workspace.startDaemon()
        try await second.waitForLog(containing: "msg=delivered ")
        #expect(
            workspace.files(in: "out") == ["follow-up__c1__\(whileRunning).eml", "follow-up__c1__\(whileStopped).eml"])
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }
}

import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

@testable import TicklerDaemon

/// The daemon's timing, in-process on a clock moved by hand, with a real SQLite store and the real
/// file channel (or a transport that fails as told): what fires when, how retries back off, what a
/// late start catches up, and that a reload keeps what was planned. Each runs in milliseconds; the
/// subprocess tests beside them check the same daemon in real time.
@Suite struct DaemonTimingTests {
    /// 2026-03-02T01:00:00Z, a Monday, 09:00 in Asia/Shanghai (the workspace's zone).
    static let start: Int64 = 1_772_413_200

    static let file = "  out: { type: file, path: ../var/out }"

    @Test func aReminderFiresAtItsInstantAndNotASecondBefore() async throws {
        let workspace = try DaemonWorkspace(
            channels: Self.file,
            rules: "  - { name: thanks, after: purchase, delay: 1h, to: contact, channel: out, template: thanks }")
        let event = try SQLiteStore.open(path: workspace.statePath)
            .addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let daemon = try await InProcessDaemon(workspace, now: Self.start)
        // One timer, armed at the reminder's instant: nothing polls in between.
        #expect(daemon.clock.nextDeadline == Self.start + 3_600)

        try await daemon.advance(to: Self.start + 3_599)
        #expect(workspace.files(in: "out").isEmpty)
        try await daemon.advance(to: Self.start + 3_600)
        #expect(workspace.files(in: "out") == ["thanks__c1__\(event.id).eml"])
        let attempts = try daemon.attempts(of: "thanks/c1/\(event.id)")
        #expect(attempts.map(\.outcome) == [.delivered])
        #expect(attempts.map(\.at) == [Self.start + 3_600])
        // Then it sleeps until the plan needs extending (half of the two-day horizon).
        #expect(daemon.clock.nextDeadline == Self.start + 86_400)
        try await daemon.stop()
    }

    @Test func aTransientFailureIsRetriedWithDoublingWaitsUntilItGoesThrough() async throws {
        let workspace = try DaemonWorkspace(
            channels: Self.file,
            rules: "  - { name: thanks, after: purchase, delay: 1m, to: contact, channel: out, template: thanks }")
        try workspace.writeConfig(
            channels: Self.file,
            rules: "  - { name: thanks, after: purchase, delay: 1m, to: contact, channel: out, template: thanks }",
            retry: "{ first: 30s, max: 2m, give_up: 1h }")
        let event = try SQLiteStore.open(path: workspace.statePath)
            .addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let transport = ScriptedTransport(failures: 4)
        let daemon = try await InProcessDaemon(workspace, now: Self.start) { _, _ in transport }
        let key = "thanks/c1/\(event.id)"

        // Follow the timer: each wake-up is the next retry, none in between.
        var wakes = 0
        while transport.times(of: key).count < 5, let next = daemon.clock.nextDeadline, wakes < 20 {
            try await daemon.advance(to: next)
            wakes += 1
        }
        let times = transport.times(of: key)
        #expect(times.count == 5)
        #expect(times.first == Self.start + 60)
        // 30 s, 60 s, 120 s, 120 s (the maximum), each moved by at most ±20 %.
        let waits = zip(times.dropFirst(), times).map { $0 - $1 }
        for (wait, backoff) in zip(waits, [30, 60, 120, 120] as [Int64]) {
            #expect(
                (backoff * 8 / 10)...(backoff * 12 / 10) ~= wait, "waited \(waits), expected about 30, 60, 120, 120")
        }
        #expect(wakes == 5)
        #expect(try daemon.attempts(of: key).map(\.outcome) == [.retry, .retry, .retry, .retry, .delivered])
        #expect(daemon.log.lines(containing: "delivery failed, will retry").count == 4)
        try await daemon.stop()
    }

    @Test func aLateStartSendsWhatIsWithinCatchUpAndRecordsTheRestAsMissed() async throws {
        let workspace = try DaemonWorkspace(
            channels: Self.file,
            rules: """
                  - { name: lenient, after: visit, delay: 1h, to: contact, channel: out, template: thanks }
                  - { name: strict, after: visit, delay: 1h, catch_up: 30m, to: contact, channel: out, template: thanks }
                """)
        // A daemon ran until `start` and had seen the visit; it starts again two hours later.
        let store = try SQLiteStore.open(path: workspace.statePath)
        let visit = try store.addEvent(contact: "c1", type: "visit", at: Self.start, recordedAt: Self.start)
        try store.setScheduledThrough(Self.start)
        try store.setMetaValue("1", for: Daemon.eventsPlannedName)

        let daemon = try await InProcessDaemon(workspace, now: Self.start + 7_200)
        #expect(workspace.files(in: "out") == ["lenient__c1__\(visit.id).eml"])
        #expect(try daemon.attempts(of: "lenient/c1/\(visit.id)").map(\.at) == [Self.start + 7_200])
        let status = try store.status(now: Self.start + 7_200)
        #expect(status.missed.map(\.key) == ["strict/c1/\(visit.id)"])
        #expect(daemon.log.lines(containing: "missed").count == 1)
        // Planned through the start, and not sent again by a further wake-up.
        #expect(try store.scheduledThrough() == Self.start + 7_201)
        try await daemon.advance(to: Self.start + 86_400 + 7_200)
        #expect(workspace.files(in: "out").count == 1)
        try await daemon.stop()
    }

    @Test func aReloadKeepsWhatWasPlannedAndABrokenOneChangesNothing() async throws {
        let first = "  - { name: thanks, after: purchase, delay: 1h, to: contact, channel: out, template: thanks }"
        let workspace = try DaemonWorkspace(channels: Self.file, rules: first)
        let event = try SQLiteStore.open(path: workspace.statePath)
            .addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let daemon = try await InProcessDaemon(workspace, now: Self.start)
        try await daemon.advance(to: Self.start + 600)

        // A second rule, due sooner: the timer moves to it, and the first stays planned.
        try workspace.writeConfig(
            channels: Self.file,
            rules: first
                + "\n  - { name: call, after: purchase, delay: 30m, to: owner, channel: out, template: heads-up }")
        try await daemon.reload()
        #expect(daemon.clock.nextDeadline == Self.start + 1_800)
        #expect(daemon.log.lines(containing: "reloaded").count == 1)

        // A broken file is rejected whole: the running rules and their timer stay.
        try workspace.writeConfig(channels: Self.file, rules: "  - { name: broken, every: soon }")
        try await daemon.reload()
        #expect(daemon.log.lines(containing: "reload rejected").count == 1)
        #expect(daemon.clock.nextDeadline == Self.start + 1_800)

        try await daemon.advance(to: Self.start + 1_800)
        #expect(workspace.files(in: "out") == ["call__c1__\(event.id).eml"])
        #expect(daemon.clock.nextDeadline == Self.start + 3_600)
        try await daemon.advance(to: Self.start + 3_600)
        #expect(workspace.files(in: "out") == ["call__c1__\(event.id).eml", "thanks__c1__\(event.id).eml"])
        try await daemon.stop()
    }
}

import Foundation
import Testing
import TicklerTestSupport

/// With nothing due, the daemon sleeps: no CPU, and no wake-ups — one timer armed at the next due
/// instant, and inotify, not polling — also with an SMTP connection kept open after a delivery.
@Suite struct DaemonIdleTests {
    @Test func withNothingDueTheDaemonUsesNoCPUAndDoesNotWakeUp() async throws {
        let smtp = try SMTPSink()
        let workspace = try DaemonWorkspace(
            contacts: 50,
            channels: """
                  out: { type: file, path: ../var/out }
                  email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(DaemonWorkspace.from)" }
                """,
            rules: """
                  - { name: thank-you, after: purchase, delay: 1s, to: contact, channel: email, template: thanks }
                  - { name: visit, after: purchase, delay: 1d, to: contact, channel: out, template: thanks }
                  - { name: check-in, every: 14d, spread: 3d, to: owner, channel: out, template: heads-up }
                """)
        let daemon = try await workspace.startDaemon()
        // An event: one reminder sent at once (the SMTP connection stays open for the next), one
        // planned for tomorrow. The daemon has done all it does, once.
        try workspace.addEvent("c1", "purchase")
        try await daemon.waitForLog(containing: "msg=delivered ")
        #expect(try smtp.messages().count == 1)

        // Let start-up wind down: Dispatch's worker threads linger a few seconds after the last work.
        // Settled is 1.5 s in which no thread woke and the CPU time did not move.
        var previous = try daemon.usage()
        var quiet = 0
        try await Poll.until("the daemon to settle", timeout: .seconds(20), interval: .milliseconds(500)) {
            let current = try daemon.usage()
            let still =
                current.wakeUps(since: previous) == 0
                && current.cpuSeconds == previous.cpuSeconds
            quiet = still ? quiet + 1 : 0
            previous = current
            return quiet >= 3
        }

        let before = try daemon.usage()
        let start = ContinuousClock.now
        // The measurement itself: watch the sleeping daemon for three seconds.
        try await Task.sleep(for: .seconds(3))
        let after = try daemon.usage()
        let elapsed = ContinuousClock.now - start
        #expect(after.cpuSeconds - before.cpuSeconds <= 0.02, "CPU in \(elapsed) idle")
        // No thread wakes, the event loop included: the daemon never uses libdispatch's concurrent
        // pools, whose monitor would wake that loop once a second.
        #expect(after.wakeUps(since: before) == 0, "wake-ups in \(elapsed) idle: \(after) vs \(before)")
        #expect(daemon.isRunning)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

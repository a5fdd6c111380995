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

        try await expectSleeping(daemon)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// After loading a contacts file of 4 MB or more, which is read on every core (`ParallelMap`'s
    /// lanes, not libdispatch's concurrent pool, whose monitor would wake the daemon every second
    /// from then on), the daemon sleeps as well.
    @Test func afterReadingALargeContactsFileTheDaemonDoesNotWakeUp() async throws {
        let workspace = try DaemonWorkspace(
            csvContacts: 40_000, channels: "  out: { type: file, path: ../var/out }",
            rules: "  - { name: visit, after: purchase, delay: 1d, to: contact, channel: out, template: thanks }")
        let size = try FileManager.default.attributesOfItem(atPath: workspace.directory.path("etc/contacts.csv"))[.size]
        #expect((size as? Int ?? 0) >= 4 << 20)
        let daemon = try await workspace.startDaemon()
        try await expectSleeping(daemon)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// With the HTTP service on, after answering requests, the process sleeps too: hummingbird's
    /// core only (no once-a-second date task), and no timer of a closed connection beyond the one
    /// spurious wake-up at its deadline.
    @Test func withTheHTTPServiceOnTheDaemonDoesNotWakeUp() async throws {
        let http = try HTTPWorkspace()
        let daemon = try await http.start()
        #expect(try http.post(#"{"contact": "c1", "type": "purchase"}"#).status == 201)
        #expect(try http.get("/metrics", bearer: nil).status == 200)
        #expect(try http.get("/v1/upcoming").status == 200)
        // Each answer armed its connection's request deadline (HTTPService.requestTimeout, 10 s).
        // Closing the connection cancels it, but NIO leaves its event loop's timer set: the loop
        // wakes once at that instant, finds nothing, and sleeps on. Wait that out; after it, nothing.
        try await Task.sleep(for: .seconds(11))
        try await expectSleeping(daemon)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// Waits for the daemon to settle, then watches it for three seconds: no CPU time, no wake-up.
    private func expectSleeping(_ daemon: DaemonProcess) async throws {
        // Let start-up wind down: Dispatch's worker threads linger after their last work and exit
        // 5 s later (libdispatch's idle timeout), a wake-up each. Settled is 6 s in which no thread
        // woke and the CPU time did not move: every worker that was lingering has gone.
        var previous = try daemon.usage()
        var quiet = 0
        try await Poll.until("the daemon to settle", timeout: .seconds(40), interval: .milliseconds(500)) {
            let current = try daemon.usage()
            let still =
                current.wakeUps(since: previous) == 0
                && current.cpuSeconds == previous.cpuSeconds
            quiet = still ? quiet + 1 : 0
            previous = current
            return quiet >= 12
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
    }
}

import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// "Delivered once, surviving restarts": a burst of reminders to a real SMTP server, with the daemon
/// killed (SIGKILL, no chance to clean up) at random points of it and started again each time.
@Suite struct DaemonCrashTests {
    static let contacts = 300
    static let connections = 3

    @Test func killedRepeatedlyDuringABurstLosesNothingAndRepeatsOnlyInterruptedAttempts() async throws {
        let smtp = try SMTPSink()
        let workspace = try DaemonWorkspace(
            contacts: Self.contacts,
            channels: """
                  email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(DaemonWorkspace.from)", \
                connections: \(Self.connections) }
                """,
            rules: "  - { name: thank-you, after: purchase, delay: 2s, to: contact, channel: email, template: thanks }")
        var daemon = try await workspace.startDaemon()

        // One purchase per contact, all at once: 300 reminders fall due together two seconds later.
        let now = Timestamp.format(SQLiteStore.now(), offset: 0)
        var csv = "contact,type,at\n"
        for number in 1...Self.contacts { csv += "c\(number),purchase,\(now)\n" }
        let events = try workspace.directory.write("events.csv", csv)
        let imported = try workspace.tickler("event", "import", events)
        #expect(imported.status == 0, "\(imported.stderr)")

        // Kill at a random point of each stretch of the burst, by how much the server has received.
        var generator = SystemRandomNumberGenerator()
        let thresholds = [1...20, 60...100, 130...170, 200...240].map { Int.random(in: $0, using: &generator) }
        for threshold in thresholds {
            let running = daemon
            try await Poll.act(when: "\(threshold) messages at the server") {
                try smtp.messages().count >= threshold
            } action: {
                running.kill9()
            }
            #expect(try await daemon.waitForExit() == 128 + SIGKILL)
            daemon = try await workspace.startDaemon()
        }

        let store = try workspace.store()
        let keys = try store.unorderedEvents().map { "thank-you/\($0.contact)/\($0.id)" }
        #expect(keys.count == Self.contacts)
        try await Poll.until("every reminder delivered and recorded", timeout: .seconds(90), context: daemon.logTail) {
            try workspace.count(.delivered) == Self.contacts
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        // None lost: every key arrived, under the Message-ID derived from it.
        let received = try smtp.messageIDs()
        #expect(Set(received) == Set(keys.map(messageID)))
        #expect(try store.status(now: SQLiteStore.now()).counts.map(\.count) == [Self.contacts])

        // Duplicates only where an attempt was cut off: each extra copy of a key is matched by an
        // `interrupted` attempt of that key. A kill cuts off at most the channel's attempts in flight:
        // eight per connection (those waiting for a busy connection count, though nothing was sent).
        var copies: [String: Int] = [:]
        for id in received { copies[id, default: 0] += 1 }
        var interrupted = 0
        for number in 1...Self.contacts {
            let history = try store.history(contact: "c\(number)", limit: 100)
            let cut = history.filter { $0.outcome == .interrupted }.count
            interrupted += cut
            let key = try #require(history.first?.key)
            #expect(copies[messageID(key), default: 0] - 1 <= cut, "\(key) arrived more often than it was cut off")
            #expect(history.first?.outcome == .delivered)
        }
        #expect(interrupted <= thresholds.count * Self.connections * 8)
        #expect(received.count - Self.contacts <= interrupted)
        #expect(workspace.logLines(containing: "msg=started").count == thresholds.count + 1)
    }
}

import Foundation
import Synchronization
import Testing
import TicklerCore
import TicklerDelivery
import TicklerStore
import TicklerTestSupport

@testable import TicklerDaemon

/// The owner's digest in the daemon, in-process on a clock moved by hand: it goes out at its time
/// with every item of the day, the items it holds never go out on their own, what becomes due after
/// it went out goes on its own, and a digest missed beyond `catch_up` is recorded missed with its items.
@Suite struct DaemonDigestTests {
    /// 2026-03-02T01:00:00Z, a Monday, 09:00 in Asia/Shanghai.
    static let start: Int64 = DaemonTimingTests.start
    /// 18:00 that day in Shanghai, when li.na's digest goes out.
    static let digestTime = start + 9 * 3_600
    static let digestKey = "digest/li.na/2026-03-02"
    static let rules = """
          - { name: bought, after: purchase, delay: 1h, to: owner, channel: out, template: heads-up, digest: true }
        """

    /// A workspace whose owner li.na has a digest at 18:00 on channel `out`.
    static func workspace(extra: String = "") throws -> DaemonWorkspace {
        let workspace = try DaemonWorkspace(contacts: 2, channels: DaemonTimingTests.file, rules: rules)
        let text = DaemonWorkspace.configText(channels: DaemonTimingTests.file, rules: rules, extra: extra)
            .replacingOccurrences(
                of: "li.na: { name: Li Na, email: li.na@example.com }",
                with:
                    #"li.na: { name: Li Na, email: li.na@example.com, digest: { at: "18:00", channel: out, template: digest } }"#
            )
        try workspace.writeInPlace(workspace.config, text)
        try workspace.directory.write(
            "templates/digest.txt",
            "Subject: {{count}} for {{date}}\n\n{{#items}}{{due}} {{rule.name}} {{contact.name}}\n{{/items}}")
        return workspace
    }

    @Test func theDigestCarriesEveryItemAndHeldItemsNeverGoOutAlone() async throws {
        let workspace = try Self.workspace()
        let store = try SQLiteStore.open(path: workspace.statePath)
        let first = try store.addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let second = try store.addEvent(
            contact: "c2", type: "purchase", at: Self.start + 1_800, recordedAt: Self.start)
        let transport = RecordingTransport()
        let daemon = try await InProcessDaemon(workspace, now: Self.start) { _, _ in transport }
        // The items fall due at 10:00 and 10:30: held for the digest.
        try await daemon.advance(to: Self.start + 2 * 3_600)
        #expect(transport.keys == [])
        try await daemon.advance(to: Self.digestTime - 1)
        #expect(transport.keys == [])
        try await daemon.advance(to: Self.digestTime)
        #expect(transport.keys == [Self.digestKey])
        let text = try #require(transport.messages.first?.text)
        #expect(text == "10:00 bought Customer 1\n10:30 bought Customer 2\n")
        #expect(transport.messages.first?.subject == "2 for 2026-03-02")
        for event in [first, second] {
            let entry = try #require(
                try store.history(limit: 100).first { $0.key == "bought/\(event.contact)/\(event.id)" })
            #expect(entry.outcome == .bundled)
            #expect(entry.detail == Self.digestKey)
        }
        // Nothing else goes out afterwards, and a restart sends nothing again.
        try await daemon.advance(to: Self.start + 86_400 + 3_600)
        #expect(transport.keys == [Self.digestKey])
        try await daemon.stop()
        let again = try await InProcessDaemon(workspace, now: Self.start + 86_400 + 7_200) { _, _ in transport }
        try await again.advance(to: Self.start + 2 * 86_400)
        #expect(transport.keys == [Self.digestKey])
        try await again.stop()
    }

    @Test func whatBecomesDueAfterTheDigestWentOutGoesOnItsOwn() async throws {
        let workspace = try Self.workspace()
        let store = try SQLiteStore.open(path: workspace.statePath)
        _ = try store.addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let transport = RecordingTransport()
        let daemon = try await InProcessDaemon(workspace, now: Self.start) { _, _ in transport }
        try await daemon.advance(to: Self.digestTime)
        #expect(transport.keys == [Self.digestKey])
        // Recorded after the digest went out, due at 19:30 that day: on its own.
        let late = try store.addEvent(
            contact: "c2", type: "purchase", at: Self.digestTime + 1_800, recordedAt: Self.digestTime + 60)
        try await daemon.advance(to: Self.digestTime + 60)
        daemon.onQueue { $0.checkEvents() }
        try await daemon.advance(to: Self.digestTime + 5_400)
        #expect(transport.keys == [Self.digestKey, "bought/c2/\(late.id)"])
        try await daemon.stop()
    }

    @Test func anItemRecordedBeforeTheDigestOfAnEmptyDayGetsADigest() async throws {
        let workspace = try Self.workspace()
        let transport = RecordingTransport()
        let daemon = try await InProcessDaemon(workspace, now: Self.start) { _, _ in transport }
        // Nothing was due that day when the daemon planned it; this event makes something due.
        let event = try daemon.store.addEvent(
            contact: "c1", type: "purchase", at: Self.start + 60, recordedAt: Self.start + 60)
        try await daemon.advance(to: Self.start + 60)
        daemon.onQueue { $0.checkEvents() }
        try await daemon.advance(to: Self.start + 2 * 3_600)
        #expect(transport.keys == [])
        try await daemon.advance(to: Self.digestTime)
        #expect(transport.keys == [Self.digestKey])
        #expect(transport.messages.first?.text.contains("bought Customer 1") == true)
        #expect(try daemon.attempts(of: "bought/c1/\(event.id)").map(\.outcome) == [.bundled])
        try await daemon.stop()
    }

    @Test func aDigestMissedBeyondCatchUpIsRecordedMissedWithItsItems() async throws {
        let workspace = try Self.workspace(extra: "catch_up: 1h")
        let store = try SQLiteStore.open(path: workspace.statePath)
        let event = try store.addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let transport = RecordingTransport()
        let daemon = try await InProcessDaemon(workspace, now: Self.start) { _, _ in transport }
        try await daemon.advance(to: Self.start + 2 * 3_600)
        try await daemon.stop()
        // Down until 21:00, three hours after the digest's time.
        let late = try await InProcessDaemon(workspace, now: Self.digestTime + 3 * 3_600) { _, _ in transport }
        #expect(transport.keys == [])
        let status = try store.status(now: Self.digestTime + 3 * 3_600)
        #expect(Set(status.missed.map(\.key)) == [Self.digestKey, "bought/c1/\(event.id)"])
        #expect(
            status.missed.first { $0.key == "bought/c1/\(event.id)" }?.reason.hasPrefix("in \(Self.digestKey): due")
                == true)
        try await late.stop()
    }
}

/// A transport that delivers everything and keeps each message, in order.
final class RecordingTransport: DaemonTransport {
    private let sent = Mutex<[RenderedMessage]>([])

    func parallelism(of channel: String) -> Int { 1 }

    func deliver(_ message: RenderedMessage, now: Int64) async throws(DeliveryFailure) -> String {
        sent.withLock { $0.append(message) }
        return "accepted"
    }

    var messages: [RenderedMessage] { sent.withLock { $0 } }
    var keys: [String] { messages.map(\.occurrence.key) }
}

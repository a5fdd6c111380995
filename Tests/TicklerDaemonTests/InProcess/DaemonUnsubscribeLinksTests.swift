import Foundation
import Testing
import TicklerMessages
import TicklerStore
import TicklerTestSupport

@testable import TicklerDaemon

/// The daemon's unsubscribe links, in-process: published in its state for the HTTP service, put in
/// the `.eml` files of the file channel on messages to contacts, dropped and restored by reloads
/// with the same secret; and the secret itself, made once and kept in the store.
@Suite struct DaemonUnsubscribeLinksTests {
    static let start = DaemonTimingTests.start
    static let rules = """
          - { name: thanks, after: purchase, delay: 1h, to: contact, channel: out, template: thanks }
          - { name: heads-up, after: purchase, delay: 1h, to: owner, channel: out, template: heads-up }
        """
    static let http = "http: { public_url: https://tickler.example.com }"

    private func eml(_ workspace: DaemonWorkspace, _ name: String) throws -> String {
        try String(contentsOfFile: workspace.directory.path("var/out/\(name).eml"), encoding: .utf8)
    }

    @Test func linksArePublishedAndCarriedByMailToContactsAcrossReloads() async throws {
        let workspace = try DaemonWorkspace(channels: DaemonTimingTests.file, rules: Self.rules, extra: Self.http)
        let store = try SQLiteStore.open(path: workspace.statePath)
        let first = try store.addEvent(contact: "c1", type: "purchase", at: Self.start, recordedAt: Self.start)
        let daemon = try await InProcessDaemon(workspace, now: Self.start)
        let links = try #require(daemon.daemon.state.unsubscribeLinks)
        let secret = try #require(try Daemon.storedUnsubscribeSecret(store))
        let token = UnsubscribeLinks(publicURL: "https://tickler.example.com", secret: secret).token(for: "c1")
        #expect(links.contact(fromToken: token) == "c1")
        #expect(links.url(for: "c1") == "https://tickler.example.com/u/" + token)

        try await daemon.advance(to: Self.start + 3_600)
        let header =
            "\r\nList-Unsubscribe: <\(links.url(for: "c1"))>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
        #expect(try eml(workspace, "thanks__c1__\(first.id)").contains(header))
        #expect(!(try eml(workspace, "heads-up__c1__\(first.id)")).contains("List-Unsubscribe"))

        // Without the public URL: nothing published, and mail without the headers.
        try workspace.writeConfig(channels: DaemonTimingTests.file, rules: Self.rules)
        try await daemon.reload()
        #expect(daemon.daemon.state.unsubscribeLinks == nil)
        let second = try store.addEvent(
            contact: "c1", type: "purchase", at: Self.start + 3_600, recordedAt: Self.start + 3_600)
        daemon.onQueue { $0.checkEvents() }
        try await daemon.advance(to: Self.start + 7_200)
        #expect(!(try eml(workspace, "thanks__c1__\(second.id)")).contains("List-Unsubscribe"))

        // Back again: the same secret, so the links sent before still work.
        try workspace.writeConfig(channels: DaemonTimingTests.file, rules: Self.rules, extra: Self.http)
        try await daemon.reload()
        #expect(daemon.daemon.state.unsubscribeLinks?.token(for: "c1") == token)
        try await daemon.stop()
    }

    @Test func theSecretIsMadeOnceAndADamagedOneIsReportedNotReplaced() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
        #expect(try Daemon.storedUnsubscribeSecret(store) == nil)
        let secret = try Daemon.unsubscribeSecret(store)
        #expect(secret.count == 32)
        #expect(try Daemon.unsubscribeSecret(store) == secret)
        #expect(try Daemon.storedUnsubscribeSecret(store) == secret)
        let hex = try #require(try store.metaValue("unsubscribe_secret"))
        #expect(hex == secret.map { String(format: "%02x", $0) }.joined())
        // Another store's secret is another.
        let other = try SQLiteStore.open(path: directory.path("other.sqlite"))
        #expect(try Daemon.unsubscribeSecret(other) != secret)

        try store.setMetaValue("not hex", for: "unsubscribe_secret")
        let error = #expect(throws: StoreError.self) { try Daemon.unsubscribeSecret(store) }
        #expect(error?.kind == .damaged)
        #expect(error?.message == "the state store's 'unsubscribe_secret' is not 64 hexadecimal digits")
        #expect(try store.metaValue("unsubscribe_secret") == "not hex")
    }
}

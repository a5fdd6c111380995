import Foundation
import Testing
import TicklerTestSupport

/// Reloading a running daemon: a broken `tickler.yaml` is rejected whole and the running rules keep
/// working; a good one takes effect. Both when the file changes (inotify) and on SIGHUP.
@Suite struct DaemonReloadTests {
    static let channels = "  out: { type: file, path: ../var/out }"
    static let first = "  - { name: first, after: purchase, delay: 1s, to: contact, channel: out, template: thanks }\n"
    static let second =
        "  - { name: second, after: purchase, delay: 1s, to: owner, channel: out, template: heads-up }\n"
    /// A misspelt key: the whole file is rejected.
    static let broken = "  - { name: first, after: purchase, delya: 1s, to: contact, channel: out, template: thanks }\n"

    static let rejected = "msg=\"reload rejected; the running configuration stays\""
    static let reloaded = "msg=reloaded "

    /// The file the `file` channel writes for `key` (a key of plain words: each `/` becomes `__`).
    static func file(_ key: String) -> String { key.replacingOccurrences(of: "/", with: "__") + ".eml" }

    @Test func editsToTheConfigurationAreRejectedWhenBrokenAndTakeEffectWhenGood() async throws {
        let workspace = try DaemonWorkspace(channels: Self.channels, rules: Self.first)
        let daemon = try await workspace.startDaemon()
        let one = try workspace.addEvent("c1", "purchase")
        try await Poll.until("the first reminder") { workspace.files(in: "out") == [Self.file("first/c1/\(one)")] }

        try workspace.writeConfig(channels: Self.channels, rules: Self.broken)
        let line = try await daemon.waitForLog(containing: Self.rejected)
        #expect(line.contains("errors=1"))
        #expect(daemon.logLines(containing: "unknown key 'delya'").count == 1)
        // The old rule still works.
        let two = try workspace.recordEvent("c1", "purchase")
        try await Poll.until("the second reminder", context: daemon.logTail) {
            workspace.files(in: "out").contains(Self.file("first/c1/\(two)"))
        }

        try workspace.writeConfig(channels: Self.channels, rules: Self.first + Self.second)
        try await daemon.waitForLog(containing: Self.reloaded)
        let three = try workspace.addEvent("c1", "purchase")
        try await Poll.until("both rules' reminders", context: daemon.logTail) {
            workspace.files(in: "out").isSuperset(of: [Self.file("first/c1/\(three)"), Self.file("second/c1/\(three)")])
        }
        // The new rule sends nothing for the events before it.
        try await daemon.waitForLog(containing: "msg=delivered", count: 4)
        #expect(workspace.files(in: "out").count == 4)
        #expect(daemon.logLines(containing: Self.rejected).count == 1)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        // Nor does a restart: it sends nothing the running daemon did not.
        let restarted = try await workspace.startDaemon()
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)
        #expect(workspace.files(in: "out").count == 4)
        #expect(restarted.logLines(containing: "msg=delivered ").isEmpty)
    }

    @Test func aReloadTakesTheNewRetrySettings() async throws {
        let port = try SMTPSink.closedPort()
        let channels =
            "  email: { type: smtp, url: \"smtp://127.0.0.1:\(port)\", starttls: off, from: service@example.com }"
        let rules = "  - { name: thanks, after: purchase, delay: 1s, to: contact, channel: email, template: thanks }\n"
        let workspace = try DaemonWorkspace(channels: channels, rules: rules)
        let daemon = try await workspace.startDaemon()
        let one = try workspace.addEvent("c1", "purchase")
        let first = try await daemon.waitForLog(containing: "key=thanks/c1/\(one) ")
        #expect(first.contains(" attempt=1 ") && first.contains(" retry_in_s=1"))

        try workspace.writeConfig(channels: channels, rules: rules, retry: "{ first: 10s, max: 10s }")
        try await daemon.waitForLog(containing: Self.reloaded)
        let two = try workspace.addEvent("c1", "purchase")
        let second = try await daemon.waitForLog(containing: "key=thanks/c1/\(two) ")
        // 10 s, moved by at most ±20 % of jitter.
        let wait = second.split(separator: " ").first { $0.hasPrefix("retry_in_s=") }.flatMap { Int($0.dropFirst(11)) }
        #expect(second.contains(" attempt=1 ") && (8...12).contains(wait ?? 0), "\(second)")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// The configuration is edited through a hard link in a directory the daemon does not watch, so
    /// only SIGHUP can bring the edit in.
    @Test func sighupReloadsRejectingABrokenFileAndTakingAGoodOne() async throws {
        let workspace = try DaemonWorkspace(channels: Self.channels, rules: Self.first)
        let staged = workspace.directory.path("staging/tickler.yaml")
        try workspace.directory.createDirectory("staging")
        try FileManager.default.linkItem(atPath: workspace.config, toPath: staged)
        let daemon = try await workspace.startDaemon()

        daemon.signal(SIGHUP)
        try await daemon.waitForLog(containing: Self.reloaded)

        try workspace.writeInPlace(staged, DaemonWorkspace.configText(channels: Self.channels, rules: Self.broken))
        daemon.signal(SIGHUP)
        try await daemon.waitForLog(containing: Self.rejected)
        let one = try workspace.recordEvent("c1", "purchase")
        try await Poll.until("the old rule's reminder", context: daemon.logTail) {
            workspace.files(in: "out") == [Self.file("first/c1/\(one)")]
        }

        try workspace.writeInPlace(staged, DaemonWorkspace.configText(channels: Self.channels, rules: Self.second))
        daemon.signal(SIGHUP)
        try await daemon.waitForLog(containing: Self.reloaded, count: 2)
        let two = try workspace.addEvent("c1", "purchase")
        try await Poll.until("the new rule's reminder", context: daemon.logTail) {
            workspace.files(in: "out").contains(Self.file("second/c1/\(two)"))
        }
        // The rule taken out sends nothing more.
        #expect(workspace.files(in: "out") == [Self.file("first/c1/\(one)"), Self.file("second/c1/\(two)")])
        #expect(daemon.logLines(containing: Self.rejected).count == 1)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

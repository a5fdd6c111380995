import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// The store refusing a write — another program holds its write lock longer than the daemon waits
/// (`SQLiteStore.busyTimeout`, 10 s) — delays reminders but loses none: what fell due stays planned
/// and is put in the outbox once the store takes it.
@Suite struct DaemonStoreBusyTests {
    /// From Debian's Python: waits until the daemon has planned event ARGV[2] (its mark in `meta`),
    /// then holds the store's write lock (BEGIN IMMEDIATE) until the instant ARGV[3] (seconds since
    /// the epoch), having written the time it took it to the file ARGV[4].
    static let locker = """
        import os, sqlite3, sys, time
        path, event, release, report = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
        reader = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
        query = "SELECT value FROM meta WHERE name = 'events_planned_through'"
        deadline = time.time() + 60
        while (reader.execute(query).fetchone() or [None])[0] != event and time.time() < deadline:
            time.sleep(0.01)
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        connection.execute("BEGIN IMMEDIATE")
        with open(report + ".tmp", "w") as file:
            file.write(repr(time.time()))
        os.rename(report + ".tmp", report)
        time.sleep(max(0, release - time.time()))
        connection.execute("COMMIT")
        """

    @Test func remindersDueWhileTheStoreIsLockedGoOutOnceItIsFree() async throws {
        let workspace = try DaemonWorkspace(
            channels: "  out: { type: file, path: ../var/out }",
            rules: "  - { name: thanks, after: purchase, delay: 5s, to: contact, channel: out, template: thanks }")
        let daemon = try await workspace.startDaemon()

        // Locked from after the daemon planned the event, before its reminder is due (5 s after it),
        // until 2 s after the daemon's write gave up waiting (10 s after it began).
        let event = try SQLiteStore.open(path: workspace.statePath).addEvent(
            contact: "c1", type: "purchase", at: SQLiteStore.now())
        let report = workspace.directory.path("locked")
        let arguments = [workspace.statePath, event.id, String(event.at + 5 + 10 + 2), report]
        Thread { _ = try? DebianPython.run(Self.locker, arguments: arguments) }.start()
        try await Poll.until("the lock", context: daemon.logTail) { FileManager.default.fileExists(atPath: report) }
        let lockedAt = try #require(Double(try String(contentsOfFile: report, encoding: .utf8)))
        try #require(lockedAt < Double(event.at + 5), "the lock came after the reminder was due: too slow a machine")

        try await daemon.waitForLog(containing: "msg=\"cannot put due occurrences into the outbox\"")
        try await Poll.until("the reminder, after the lock", context: daemon.logTail) {
            workspace.files(in: "out") == ["thanks__c1__\(event.id).eml"]
        }
        try await daemon.waitForLog(containing: "msg=delivered ")
        #expect(try workspace.statusCounts() == [["delivered", "out", "1"]])
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// The store refusing a write — another program holds its write lock longer than the daemon waits
/// (`SQLiteStore.busyTimeout`, 10 s) — delays reminders but loses none: what fell due stays planned
/// and is put in the outbox once the store takes it.
@Suite struct DaemonStoreBusyTests {
    /// Holds the store's write lock (BEGIN IMMEDIATE) until the instant given (seconds since the
    /// epoch), from Debian's Python; creates the file named by the third argument once it holds it.
    static let locker = """
        import pathlib, sqlite3, sys, time
        connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
        connection.execute("BEGIN IMMEDIATE")
        pathlib.Path(sys.argv[3]).touch()
        time.sleep(max(0, float(sys.argv[2]) - time.time()))
        connection.execute("COMMIT")
        """

    @Test func remindersDueWhileTheStoreIsLockedGoOutOnceItIsFree() async throws {
        let workspace = try DaemonWorkspace(
            channels: "  out: { type: file, path: ../var/out }",
            rules: "  - { name: thanks, after: purchase, delay: 5s, to: contact, channel: out, template: thanks }")
        let daemon = try await workspace.startDaemon()
        let id = try workspace.addEvent("c1", "purchase")
        let event = try #require(try workspace.store().events().first)
        // The daemon has planned it and written what it writes then.
        try await Poll.until("the event planned", context: daemon.logTail) {
            try workspace.store().metaValue("events_planned_through") == id
        }

        // Locked from before the reminder is due (5 s after the event) until 2 s after the daemon's
        // write gave up waiting (10 s after it began).
        let locked = workspace.directory.path("locked")
        let arguments = [workspace.statePath, String(event.at + 5 + 10 + 2), locked]
        let holder = Thread { _ = try? DebianPython.run(Self.locker, arguments: arguments) }
        holder.start()
        try await Poll.until("the lock") { FileManager.default.fileExists(atPath: locked) }
        try #require(SQLiteStore.now() < event.at + 5, "the lock came after the reminder was due: too slow a machine")

        try await daemon.waitForLog(containing: "msg=\"cannot put due occurrences into the outbox\"")
        try await Poll.until("the reminder, after the lock", context: daemon.logTail) {
            workspace.files(in: "out") == ["thanks__c1__\(id).eml"]
        }
        try await daemon.waitForLog(containing: "msg=delivered ")
        #expect(try workspace.statusCounts() == [["delivered", "out", "1"]])
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// Owners' digests with three replicas: each replica plans every digest and its items, and the
/// outbox takes each once — one message per owner and day at the SMTP server, no item on its own.
/// In the crash tests' suite, which runs one test at a time: three debug replicas per test are load
/// enough on two cores.
extension ReplicaCrashTests {
    @Test func threeReplicasSendEachDigestOnceAndNoItemOnItsOwn() async throws {
        let smtp = try SMTPSink()
        let replicas = try ReplicaWorkspace(contacts: 1, channels: "  out: { type: file, path: ../var/out }", rules: "")
        let state = "state: \(replicas.url)\nstate_password_env: \(ReplicaWorkspace.passwordVariable)\nlease: 3s"
        guard
            let keys = try replicas.files.writeNextMinuteDigests(
                smtp: smtp, state: state, perOwner: 3, environment: replicas.environment)
        else { return }  // the day ends within the minute

        let running = [try await replicas.start(0), try await replicas.start(1), try await replicas.start(2)]
        try await Poll.until("both digests delivered", timeout: .seconds(150)) {
            try replicas.store().status(now: SQLiteStore.now()).count(.delivered) == 2
        }
        try await Task.sleep(for: .seconds(3))  // time for a copy, were any to come
        for daemon in running { daemon.signal(SIGTERM) }
        for daemon in running { #expect(try await daemon.waitForExit() == 0) }

        #expect(try smtp.messageIDs().sorted() == keys.map(messageID).sorted())
        let status = try replicas.store().status(now: SQLiteStore.now())
        #expect(status.count(.delivered) == 2, "\(status.counts)")
        #expect(status.digests.map(\.key).sorted() == keys)
        #expect(status.digests.map(\.items) == [3, 3])
        #expect(status.count(.bundled) == 6)
    }
}

import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// Three replicas on one PostgreSQL database and a real SMTP server, a burst of reminders, and
/// trouble: replicas killed (SIGKILL) at random and started again, a replica frozen (SIGSTOP) past
/// its lease and woken, PostgreSQL restarted mid-burst. Each time: nothing lost, and every copy
/// beyond the first of a message is matched by an attempt that was cut off.
@Suite(.serialized) struct ReplicaCrashTests {
    static let contacts = 240

    static func channels(_ smtp: SMTPSink) -> String {
        """
          email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(DaemonWorkspace.from)", connections: 2 }
        """
    }
    static let rules =
        "  - { name: thank-you, after: purchase, delay: 2s, to: contact, channel: email, template: thanks }"

    /// One purchase per contact, spread over the next `spread` seconds: the reminders fall due two
    /// seconds after each.
    static func burst(_ replicas: ReplicaWorkspace, spread: Int64 = 3) throws -> [String] {
        let now = SQLiteStore.now()
        var csv = "contact,type,at\n"
        for number in 1...contacts {
            csv += "c\(number),purchase,\(Timestamp.format(now + Int64(number) % (spread + 1), offset: 0))\n"
        }
        let file = try replicas.files.directory.write("events.csv", csv)
        let imported = try replicas.tickler("event", "import", file)
        guard imported.status == 0 else { throw DaemonWorkspace.Failure(description: imported.stderr) }
        return try replicas.store().unorderedEvents().map { "thank-you/\($0.contact)/\($0.id)" }
    }

    /// Everything arrived, and each extra copy of a key is matched by an `interrupted` attempt of it.
    /// Returns how many copies were extra.
    static func checkDelivered(
        _ keys: [String], smtp: SMTPSink, replicas: ReplicaWorkspace,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Int {
        let received = try smtp.messageIDs()
        #expect(Set(received) == Set(keys.map(messageID)), sourceLocation: sourceLocation)
        var copies: [String: Int] = [:]
        for id in received { copies[id, default: 0] += 1 }
        let store = try replicas.store()
        for number in 1...contacts {
            let history = try store.history(contact: "c\(number)", limit: 100)
            let cut = history.filter { $0.outcome == .interrupted }.count
            let key = try #require(history.first?.key)
            #expect(
                copies[messageID(key), default: 0] - 1 <= cut, "\(key) arrived more often than it was cut off",
                sourceLocation: sourceLocation)
            #expect(history.first?.outcome == .delivered, "\(key)", sourceLocation: sourceLocation)
        }
        #expect(
            try store.status(now: SQLiteStore.now()).counts.map(\.count) == [contacts], sourceLocation: sourceLocation)
        return received.count - keys.count
    }

    @Test func killingRandomReplicasEverySecondLosesNothing() async throws {
        let smtp = try SMTPSink()
        let replicas = try ReplicaWorkspace(contacts: Self.contacts, channels: Self.channels(smtp), rules: Self.rules)
        var running = [try await replicas.start(0), try await replicas.start(1), try await replicas.start(2)]
        let keys = try Self.burst(replicas)

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        let deadline = ContinuousClock.now + .seconds(90)
        while try smtp.messageIDs().count < Self.contacts / 2 || kills < 3 {
            #expect(ContinuousClock.now < deadline, "the burst did not progress")
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .seconds(1))
            let victim = Int.random(in: 0..<running.count, using: &generator)
            running[victim].kill9()
            #expect(try await running[victim].waitForExit() == 128 + SIGKILL)
            running[victim] = try await replicas.start(victim)
            kills += 1
        }
        try await Poll.until("every reminder delivered", timeout: .seconds(90)) {
            try replicas.store().status(now: SQLiteStore.now()).count(.delivered) == Self.contacts
        }
        for daemon in running { daemon.signal(SIGTERM) }
        for daemon in running { #expect(try await daemon.waitForExit() == 0) }
        let extra = try Self.checkDelivered(keys, smtp: smtp, replicas: replicas)
        // A kill cuts off at most what the replica had in flight: the channel's two connections'
        // pipelines (eight each) — an upper bound, not a target.
        #expect(extra <= kills * 2 * 8)
        #expect(replicas.logLines(containing: "msg=\"joined the replicas\"").count == 3 + kills)
    }
}

extension ReplicaCrashTests {
    /// A replica frozen past its lease: the others take its work over and deliver everything while
    /// it sleeps; woken, it sends nothing beyond the attempts it had begun when it froze.
    @Test func aReplicaFrozenPastItsLeaseSendsNothingTakenOver() async throws {
        let smtp = try SMTPSink()
        let replicas = try ReplicaWorkspace(contacts: Self.contacts, channels: Self.channels(smtp), rules: Self.rules)
        let frozen = try await replicas.start(0)
        let others = [try await replicas.start(1), try await replicas.start(2)]
        let keys = try Self.burst(replicas)

        try await Poll.until("the frozen replica to be sending", timeout: .seconds(60)) {
            try Self.openAttempts(of: frozen, in: replicas) > 0 && smtp.messageIDs().count >= 20
        }
        frozen.signal(SIGSTOP)
        // What it had begun (committed `sending`) when it froze: on the wire, or about to be.
        let begun = try Self.openAttempts(of: frozen, in: replicas)
        try await Poll.until("the other replicas to deliver everything", timeout: .seconds(90)) {
            try replicas.store().status(now: SQLiteStore.now()).count(.delivered) == Self.contacts
        }
        let whileFrozen = try smtp.messageIDs().count
        frozen.signal(SIGCONT)
        // Woken, it finds its leases gone: give it time to try its luck.
        try await Task.sleep(for: .seconds(4))
        #expect(frozen.isRunning)
        let extraAfterWaking = try smtp.messageIDs().count - whileFrozen
        #expect(extraAfterWaking <= begun, "woken, it sent \(extraAfterWaking) with \(begun) begun when it froze")
        for daemon in others + [frozen] { daemon.signal(SIGTERM) }
        for daemon in others + [frozen] { #expect(try await daemon.waitForExit() == 0) }
        let extra = try Self.checkDelivered(keys, smtp: smtp, replicas: replicas)
        #expect(extra <= begun)
    }

    /// PostgreSQL restarted in the middle of a burst: the replicas fail their calls, wait, and carry
    /// on; their event listeners reconnect, so an event recorded afterwards still reaches them.
    @Test func postgresRestartedMidBurstLosesNothing() async throws {
        let smtp = try SMTPSink()
        let cluster = try PostgresCluster()
        let replicas = try ReplicaWorkspace(
            cluster: cluster, contacts: Self.contacts, channels: Self.channels(smtp), rules: Self.rules)
        let running = [try await replicas.start(0), try await replicas.start(1), try await replicas.start(2)]
        var keys = try Self.burst(replicas)
        try await Poll.until("the burst to be under way", timeout: .seconds(60)) {
            try smtp.messageIDs().count >= 30
        }
        try cluster.restart()
        try await Poll.until("every reminder delivered after the restart", timeout: .seconds(90)) {
            try replicas.store().status(now: SQLiteStore.now()).count(.delivered) == Self.contacts
        }
        // The listeners are back: an event recorded now is sent within its delay, not at a reload.
        let added = try replicas.tickler("event", "add", "c1", "purchase")
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(added.stdout.split(separator: " ").dropFirst(2).first?.dropLast())
        keys.append("thank-you/c1/\(id)")
        try await Poll.until("the reminder of the new event", timeout: .seconds(20)) {
            try smtp.messageIDs().contains(messageID("thank-you/c1/\(id)"))
        }
        for daemon in running { daemon.signal(SIGTERM) }
        for daemon in running { #expect(try await daemon.waitForExit() == 0) }
        let received = try smtp.messageIDs()
        #expect(Set(received) == Set(keys.map(messageID)))
        // Each replica noticed and came back.
        for daemon in running { #expect(!daemon.logLines(containing: "lost the connection that listens").isEmpty) }
    }

    /// Attempts `daemon` began that have not ended (deliveries rows of its replica id).
    static func openAttempts(of daemon: DaemonProcess, in replicas: ReplicaWorkspace) throws -> Int {
        let answer = try replicas.cluster.psql(
            replicas.url,
            """
            SELECT count(*) FROM deliveries AS d JOIN replicas AS r ON r.id = d.replica
            WHERE r.pid = \(daemon.pid) AND d.finished_at IS NULL
            """)
        return Int(answer) ?? 0
    }
}

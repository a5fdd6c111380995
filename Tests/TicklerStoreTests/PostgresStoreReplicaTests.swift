import Dispatch
import Foundation
import Synchronization
import Testing
import TicklerCore
import TicklerPostgres
import TicklerStore
import TicklerTestSupport

/// What only a shared store does (``SharedStore``): two ``PostgresStore`` handles on one database
/// stand for two replicas — claims and their leases, take-overs, heartbeats, the replicas' rows,
/// enqueuing from both, event notifications and numbers, and the schema made once.
@Suite struct PostgresStoreReplicaTests {
    typealias F = OutboxFixtures
    let t = F.due

    /// A fresh database and its location.
    private func database() throws -> PostgresLocation {
        try PostgresLocation(url: try PostgresCluster.shared().createDatabase())
    }

    /// A replica on the database at `location`.
    private func replica(_ location: PostgresLocation, lease: Int64 = 30) throws -> PostgresStore {
        try PostgresStore.open(
            location, password: try PostgresCluster.shared().password, executor: StoreKind.executor, lease: lease)
    }

    /// Two replicas on a fresh database.
    private func replicas(leases: (Int64, Int64) = (30, 30)) throws -> (PostgresStore, PostgresStore) {
        let location = try database()
        return (try replica(location, lease: leases.0), try replica(location, lease: leases.1))
    }

    @discardableResult
    private func psql(_ store: PostgresStore, _ sql: String) throws -> String {
        try PostgresCluster.shared().psql(store.location.database, sql)
    }

    /// The database's clock, as the store's leases read it.
    private let databaseNow = "extract(epoch FROM clock_timestamp())::bigint"

    // MARK: - Claims

    @Test func aClaimIsTheReplicasOwnWhileItsLeaseHolds() throws {
        let (a, b) = try replicas()
        let keys = (0..<20).map { String(format: "a/c%02d/1", $0) }
        try a.enqueue(keys.map { F.item($0) }, at: t)
        #expect(try a.dueWork(now: t, limit: 5).map(\.key) == Array(keys[0..<5]))
        #expect(try b.dueWork(now: t, limit: 5).map(\.key) == Array(keys[5..<10]))
        // Each is handed its own claims again, and what no one claims; never the other's.
        #expect(try a.dueWork(now: t, limit: 10).map(\.key) == Array(keys[0..<5] + keys[10..<15]))
        #expect(try b.dueWork(now: t, limit: 20).map(\.key) == Array(keys[5..<10] + keys[15..<20]))
        #expect(try a.dueWork(now: t, limit: 20).map(\.key) == Array(keys[0..<5] + keys[10..<15]))
        // Claims taken, not those handed out again while they held.
        #expect(a.claimCounters.claimed.count == 10)
        #expect(b.claimCounters.claimed.count == 10)

        // B cannot begin what A holds: nothing is recorded for it, B's own begin in the same call is.
        #expect(try b.recordAttempts(ending: [], beginning: [keys[0], keys[5]], at: t + 1) == [nil, 1])
        let lost = try #require(throws: StoreError.self) { try b.beginAttempt(key: keys[1], at: t + 1) }
        #expect(lost.kind == .lostClaim)
        #expect(lost.message == "cannot attempt to deliver '\(keys[1])': another replica has taken it over")
        #expect(b.claimCounters.lost.count == 2)
        #expect(try a.history(contact: "c00", limit: 10).map(\.outcome) == [.pending])
        #expect(try a.history(contact: "c01", limit: 10).map(\.outcome) == [.pending])
        #expect(try a.history(contact: "c05", limit: 10).map(\.outcome) == [.sending])
        #expect(try a.beginAttempts(keys: [keys[0], keys[1]], at: t + 2) == [1, 1])
    }

    /// Replicas asking at the same moment get different rows (`FOR UPDATE SKIP LOCKED`).
    @Test func replicasAskingAtOnceGetDifferentRows() throws {
        let (a, b) = try replicas()
        for round in 0..<5 {
            // A channel per round: each round's claims are of its own entries.
            let channel = "round-\(round)"
            let keys = (0..<40).map { String(format: "r/c%02d/\(round)", $0) }
            try a.enqueue(keys.map { F.item($0, channel: channel) }, at: t)
            let claimed = Mutex<[String: [String]]>([:])
            let failures = Mutex<[String]>([])
            let done = DispatchGroup()
            for (name, store) in [("a", a), ("b", b)] {
                done.enter()
                Thread {
                    do {
                        let work = try store.dueWork(now: t, channel: channel, limit: 25)
                        claimed.withLock { $0[name] = work.map(\.key) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    done.leave()
                }.start()
            }
            done.wait()
            #expect(failures.withLock { $0 }.isEmpty)
            let byA = Set(claimed.withLock { $0["a"] ?? [] })
            let byB = Set(claimed.withLock { $0["b"] ?? [] })
            #expect(byA.isDisjoint(with: byB), "round \(round)")
            #expect(!byA.isEmpty && !byB.isEmpty && byA.count + byB.count <= 40)
            // What each holds now is what it was handed (and what no one was).
            let again = Set(try b.dueWork(now: t, channel: channel, limit: 100).map(\.key))
            #expect(again.isSuperset(of: byB) && again.isDisjoint(with: byA))
            #expect(byA.union(again) == Set(keys))
            #expect(Set(try a.dueWork(now: t, channel: channel, limit: 100).map(\.key)) == byA)
        }
    }

    /// A's lease runs out (real time: a lease of 3 s): B takes its entries over, A's late begin is
    /// refused and its late end is kept in its own history row, and A's heartbeat renews nothing.
    @Test func anotherReplicaTakesOverWhenTheLeaseRunsOut() async throws {
        let (a, b) = try replicas(leases: (3, 30))
        let (k1, k2, k3) = ("a/c1/1", "a/c2/1", "a/c3/1")
        try a.enqueue([F.item(k1), F.item(k2), F.item(k3, due: t + 10)], at: t)
        #expect(try a.dueWork(now: t, limit: 10).map(\.key) == [k1, k2, k3])
        #expect(try a.beginAttempt(key: k1, at: t + 1) == 1)
        #expect(try a.heartbeat(configDigest: "d").renewed == 3)
        #expect(a.leasesHold())
        #expect(try b.dueWork(now: t + 1, limit: 10).isEmpty)

        try await Poll.until("A's three leases to run out", timeout: .seconds(10), interval: .milliseconds(100)) {
            try psql(a, "SELECT count(*) FROM outbox WHERE lease_until < \(databaseNow)") == "3"
        }
        #expect(!a.leasesHold())  // A's own clock says so too, before an attempt goes on the wire
        #expect(try b.heartbeat(configDigest: "d") == Heartbeat(renewed: 0, abandoned: 3))
        let taken = try b.dueWork(now: t + 5, limit: 2)
        #expect(taken.map(\.key) == [k1, k2])
        #expect(taken.map(\.state) == [.sending, .pending])
        #expect(try b.beginAttempt(key: k1, at: t + 5) == 2)

        // A comes back: its end of attempt 1 and its begin of k2 in one call.
        let numbers = try a.recordAttempts(
            ending: [AttemptEnd(key: k1, attempt: 1, outcome: .delivered(detail: "250 sent late"))], beginning: [k2],
            at: t + 6)
        #expect(numbers == [nil])
        #expect(a.claimCounters.lost.count == 1)
        // A's heartbeat renews none: k1 and k2 are B's, k3's lease ran out.
        #expect(try a.heartbeat(configDigest: "d").renewed == 0)
        #expect(try psql(a, "SELECT count(*) FROM outbox WHERE key = '\(k3)' AND lease_until < \(databaseNow)") == "1")
        // Nothing was recorded for k2; k1 is B's attempt 2, and A's attempt 1, in its own row, stays
        // interrupted (a copy may have arrived: the one B's re-send duplicates) and says how it ended.
        #expect(try b.history(contact: "c2", limit: 10).map(\.outcome) == [.pending])
        let k1Lines = try b.history(contact: "c1", limit: 10)
        #expect(k1Lines.map(\.attempt) == [2, 1])
        #expect(k1Lines.map(\.outcome) == [.sending, .interrupted])
        #expect(k1Lines[1].detail == "taken over by another replica; then ended delivered: 250 sent late")
        #expect(k1Lines[1].finishedAt == t + 5)  // when B found it cut off
        let k1Work = try #require(try b.dueWork(now: t + 6, limit: 2).first { $0.key == k1 })
        #expect(k1Work.state == .sending)
        #expect(k1Work.attempts == 2)

        try b.finishAttempt(key: k1, attempt: 2, at: t + 7, outcome: .delivered(detail: "250 ok"))
        #expect(try b.beginAttempt(key: k2, at: t + 7) == 1)
        #expect(try b.deliveredKeys(among: [k1, k2, k3]) == [k1])
        #expect(try b.history(contact: "c1", limit: 10).map(\.outcome) == [.delivered, .interrupted])
        // An end of an attempt A never began is refused.
        let stranger = try #require(throws: StoreError.self) {
            try a.finishAttempt(key: k1, attempt: 2, at: t + 8, outcome: .failed(error: "not mine"))
        }
        #expect(stranger.kind == .wrongState)
    }

    /// A replica whose lease ran out wakes and finishes its attempt after another claimed the entry,
    /// before that one began it: the other learns at its begin that the entry is done (no number, no
    /// error for its other keys), and the entry keeps the first replica's delivery.
    @Test func anAttemptFinishedAfterAnotherClaimedItIsNotBegunAgain() throws {
        let (a, b) = try replicas()
        let (k1, k2) = ("a/c1/1", "a/c2/1")
        try a.enqueue([F.item(k1)], at: t)
        #expect(try a.dueWork(now: t, limit: 10).map(\.key) == [k1])
        #expect(try a.beginAttempt(key: k1, at: t + 1) == 1)
        try a.leasesRunOut()
        #expect(try b.dueWork(now: t + 2, limit: 10).map(\.key) == [k1])
        try a.finishAttempt(key: k1, attempt: 1, at: t + 3, outcome: .delivered(detail: "250 late but fine"))
        try b.enqueue([F.item(k2)], at: t + 3)
        #expect(try b.dueWork(now: t + 3, limit: 10).map(\.key) == [k2])
        #expect(try b.recordAttempts(ending: [], beginning: [k1, k2], at: t + 4) == [nil, 1])
        let k1Lines = try b.history(contact: "c1", limit: 10)
        #expect(k1Lines.map(\.outcome) == [.delivered])
        #expect(k1Lines.first?.detail == "250 late but fine")
        #expect(try psql(b, "SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL AND state = 'delivered'") == "0")
        // A heartbeat renews only live claims: B's k2 (sending), not a finished entry.
        #expect(try b.heartbeat(configDigest: "d").renewed == 1)
    }

    @Test func aHeartbeatRenewsTheClaimsThatHoldAndNotThoseThatRanOut() throws {
        let (a, b) = try replicas()
        let keys = ["a/c1/1", "a/c2/1", "a/c3/1"]
        try a.enqueue(keys.map { F.item($0) }, at: t)
        #expect(try a.dueWork(now: t, limit: 10).count == 3)
        try psql(
            a,
            """
            UPDATE outbox SET lease_until = \(databaseNow) + 1 WHERE key = 'a/c1/1';
            UPDATE outbox SET lease_until = \(databaseNow) - 10 WHERE key = 'a/c2/1';
            """)
        #expect(try a.heartbeat(configDigest: "d").renewed == 2)
        #expect(a.claimCounters.renewed.count == 2)
        #expect(
            try psql(a, "SELECT key FROM outbox WHERE lease_until >= \(databaseNow) + 20 ORDER BY key")
                == "a/c1/1\na/c3/1")
        #expect(try psql(a, "SELECT key FROM outbox WHERE lease_until < \(databaseNow)") == "a/c2/1")
        #expect(try b.dueWork(now: t, limit: 10).map(\.key) == ["a/c2/1"])
    }

    // MARK: - Replicas

    @Test func replicasRegisterBeatAndDeregister() throws {
        let (a, b) = try replicas()
        #expect(a.replica != b.replica)
        #expect(try a.replicas().isEmpty)
        try a.register(configDigest: "digest-1", at: 1_800_000_000)
        try b.register(configDigest: "digest-2", at: 1_800_000_005)
        var rows = Dictionary(uniqueKeysWithValues: try b.replicas().map { ($0.id, $0) })
        #expect(rows.count == 2)
        let first = try #require(rows[a.replica])
        #expect(first.host == ProcessInfo.processInfo.hostName)
        #expect(first.pid == Int(getpid()))
        #expect(first.startedAt == 1_800_000_000)
        #expect(first.configDigest == "digest-1")
        #expect(first.stoppedAt == nil)
        #expect(abs(first.heartbeatAt - Int64(Date().timeIntervalSince1970)) < 60)  // the database's clock
        #expect(rows[b.replica]?.startedAt == 1_800_000_005)
        #expect(rows[b.replica]?.configDigest == "digest-2")

        // A heartbeat reports a reloaded configuration; status lists the replicas too.
        try a.heartbeat(configDigest: "digest-3")
        #expect(try b.replicas().first { $0.id == a.replica }?.configDigest == "digest-3")
        #expect(Set(try b.status(now: t).replicas.map(\.id)) == [a.replica, b.replica])

        // Deregistering releases the claims A has not begun, and marks it stopped.
        try a.enqueue([F.item("a/c1/1"), F.item("a/c2/1")], at: t)
        #expect(try a.dueWork(now: t, limit: 10).count == 2)
        #expect(try a.beginAttempt(key: "a/c1/1", at: t) == 1)
        try a.deregister(at: 1_800_000_100)
        #expect(try b.dueWork(now: t, limit: 10).map(\.key) == ["a/c2/1"])
        rows = Dictionary(uniqueKeysWithValues: try b.replicas().map { ($0.id, $0) })
        #expect(rows[a.replica]?.stoppedAt == 1_800_000_100)
        #expect(rows[b.replica]?.stoppedAt == nil)
        // Registering again (the same process started its service again) runs it again.
        try a.register(configDigest: "digest-3", at: 1_800_000_200)
        #expect(try b.replicas().first { $0.id == a.replica }?.stoppedAt == nil)
        #expect(try b.replicas().count == 2)
    }

    /// Running: not stopped, and a heartbeat within three leases by the database's clock; one whose
    /// heartbeats stopped (killed, cut off) is silent, not running, for status and the metrics.
    @Test func aReplicaIsRunningUntilItStopsOrMissesThreeLeasesOfHeartbeats() throws {
        let (a, b) = try replicas(leases: (30, 30))
        try a.register(configDigest: "d", at: 1_800_000_000)
        try b.register(configDigest: "d", at: 1_800_000_000)
        func running() throws -> [String: Bool] {
            Dictionary(uniqueKeysWithValues: try b.replicas().map { ($0.id, $0.isRunning) })
        }
        #expect(try running() == [a.replica: true, b.replica: true])
        try psql(a, "UPDATE replicas SET heartbeat_at = heartbeat_at - 85 WHERE id = '\(a.replica)'")
        #expect(try running()[a.replica] == true)  // within 90 s
        try psql(a, "UPDATE replicas SET heartbeat_at = heartbeat_at - 10 WHERE id = '\(a.replica)'")
        #expect(try running() == [a.replica: false, b.replica: true])
        #expect(try b.status(now: t).replicas.filter(\.isRunning).map(\.id) == [b.replica])
        try a.heartbeat(configDigest: "d")
        #expect(try running()[a.replica] == true)
        try b.deregister(at: 1_800_000_100)
        #expect(try running() == [a.replica: true, b.replica: false])
    }

    // MARK: - Enqueuing

    @Test func enqueuingFromBothReplicasAddsEachKeyOnce() throws {
        let (a, b) = try replicas()
        #expect(try a.enqueue([F.item("a/c1/1"), F.item("a/c2/1")], at: t) == ["a/c1/1", "a/c2/1"])
        #expect(try b.enqueue([F.item("a/c2/1"), F.item("a/c3/1")], at: t + 1) == ["a/c3/1"])

        // From two threads at once, overlapping and in opposite orders, several times.
        for round in 0..<5 {
            let keys = (0..<200).map { "r\(round)/c\($0)/1" }
            let added = Mutex<[String: [String]]>([:])
            let failures = Mutex<[String]>([])
            let done = DispatchGroup()
            for (name, store, mine) in [("a", a, Array(keys[0..<150])), ("b", b, Array(keys[50...].reversed()))] {
                done.enter()
                Thread {
                    do {
                        let new = try store.enqueue(mine.map { F.item($0) }, at: t)
                        added.withLock { $0[name] = new }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                    done.leave()
                }.start()
            }
            done.wait()
            #expect(failures.withLock { $0 }.isEmpty)
            let byA = added.withLock { $0["a"] ?? [] }
            let byB = added.withLock { $0["b"] ?? [] }
            #expect(Set(byA).isDisjoint(with: byB), "round \(round)")
            #expect(Set(byA + byB) == Set(keys))
            #expect(byA.count + byB.count == 200)
        }
        #expect(try psql(a, "SELECT count(*) FROM outbox") == "1003")
    }

    // MARK: - Events

    @Test func eventsRecordedByOneReplicaAreAnnouncedToTheOther() async throws {
        let (a, b) = try replicas()
        let calls = Mutex<[ContinuousClock.Instant]>([])
        b.observeEvents { calls.withLock { $0.append(.now) } }
        try await Poll.until("B to listen", timeout: .seconds(10), interval: .milliseconds(50)) {
            try psql(
                b,
                """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND query = 'LISTEN "tickler_events";'
                """) == "1"
        }
        #expect(calls.withLock { $0 }.isEmpty)
        let recordings: [(String, () throws -> Void)] = [
            ("addEvent", { try a.addEvent(contact: "acme-zhang", type: "call", at: 1) }),
            (
                "recordEvents",
                {
                    _ = try a.recordEvents(
                        [
                            EventBatch(
                                source: "crm", events: [IncomingEvent(contact: "acme-zhang", type: "call", at: 2)])
                        ],
                        recordedAt: 2)
                }
            ),
            ("importEvents", { try a.importEvents([ImportedEvent(contact: "acme-zhang", type: "call", at: 3)]) }),
        ]
        for (index, (what, record)) in recordings.enumerated() {
            let start = ContinuousClock.now
            try record()
            // The moment of the call, not of this test's next turn (which a busy run may delay).
            try await Poll.until("B to be told of \(what)", timeout: .seconds(10), interval: .milliseconds(10)) {
                calls.withLock { $0.count } > index
            }
            let told = try #require(calls.withLock { $0.count > index ? $0[index] : nil })
            #expect(told - start < .seconds(1), "\(what)")
        }
        #expect(calls.withLock { $0.count } == recordings.count)
        #expect(try b.events(afterSequence: 0).events.map(\.at) == [1, 2, 3])
        b.close()
    }

    /// Event numbers follow commit order: a reader that asks for the events after the last number
    /// it saw, while two replicas record, never skips one committed late.
    @Test func readingAfterTheLastNumberNeverSkipsAnEvent() throws {
        let location = try database()
        let writers = [try replica(location), try replica(location)]
        let reader = try replica(location)
        let writing = Atomic<Int>(writers.count)
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for (index, writer) in writers.enumerated() {
            done.enter()
            Thread {
                do {
                    for n in 0..<100 {
                        if n % 10 == 0 {
                            _ = try writer.recordEvents(
                                [
                                    EventBatch(
                                        source: "w\(index)",
                                        events: (0..<3).map {
                                            IncomingEvent(contact: "w\(index)", type: "batch", at: Int64(n * 10 + $0))
                                        })
                                ], recordedAt: 1)
                        } else {
                            try writer.addEvent(contact: "w\(index)", type: "call", at: Int64(n))
                        }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
                writing.subtract(1, ordering: .sequentiallyConsistent)
                done.leave()
            }.start()
        }
        var seen: [String] = []
        var last: Int64 = 0
        var reads = 0
        while writing.load(ordering: .sequentiallyConsistent) > 0 {
            let new = try reader.events(afterSequence: last)
            seen += new.events.map(\.id)
            last = new.last
            reads += 1
        }
        done.wait()
        let rest = try reader.events(afterSequence: last)
        seen += rest.events.map(\.id)
        #expect(failures.withLock { $0 }.isEmpty)
        let total = 2 * (90 + 10 * 3)
        #expect(seen.count == total)
        #expect(seen == (1...total).map(String.init))
        #expect(try reader.unorderedEvents().map(\.id) == seen)
        #expect(reads > 1)
    }

    // MARK: - Opening

    @Test func theSchemaIsMadeOnceWhenFourReplicasStartTogether() throws {
        let location = try database()
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for index in 0..<4 {
            done.enter()
            Thread {
                do {
                    let store = try replica(location)
                    for n in 0..<10 { try store.addEvent(contact: "c\(index)", type: "call", at: Int64(n)) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
                done.leave()
            }.start()
        }
        done.wait()
        #expect(failures.withLock { $0 }.isEmpty)
        let store = try replica(location)
        #expect(
            try psql(store, "SELECT name FROM tickler_migrations ORDER BY name")
                == PostgresStore.migrationNames.sorted().joined(separator: "\n"))
        let events = try store.unorderedEvents()
        #expect(events.count == 40)
        #expect(Set(events.map(\.id)) == Set((1...40).map(String.init)))
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let location = try database()
        try PostgresCluster.shared().psql(location.database, "CREATE TABLE customers (name TEXT)")
        let error = try #require(throws: StoreError.self) { try replica(location) }
        #expect(error.kind == .notATicklerStore)
        #expect(error.message == "the database '\(location)' has tables, but is not Tickler's state store")
        // Nothing was added to it.
        #expect(
            try PostgresCluster.shared().psql(
                location.database,
                "SELECT string_agg(table_name::text, ',') FROM information_schema.tables WHERE table_schema = 'public'")
                == "customers")
    }

    @Test func aStoreFromANewerVersionIsRefused() throws {
        let location = try database()
        _ = try replica(location)
        try PostgresCluster.shared().psql(
            location.database, "INSERT INTO tickler_migrations VALUES ('pg-v9-from-the-future', 0)")
        let error = try #require(throws: StoreError.self) { try replica(location) }
        #expect(error.kind == .newerVersion)
        #expect(error.message == "the state store '\(location)' was written by a newer version of Tickler")
    }
}

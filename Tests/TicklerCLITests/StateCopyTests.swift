import Foundation
import Testing
import TicklerCore
import TicklerDaemon
import TicklerPostgres
import TicklerStore
import TicklerTestSupport

/// `tickler state copy FROM TO` as a user runs it: a SQLite store with every kind of row, copied
/// into PostgreSQL and from there into a new SQLite file, comes back row for row and behaves the same.
@Suite struct StateCopyTests {
    let directory: TemporaryDirectory

    /// 2027-03-14T09:00:00+08:00
    static let due: Int64 = 1_805_000_400

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Runs `tickler` with `password` as PGPASSWORD and no password file to fall back on.
    private func tickler(_ arguments: String..., password: String?) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        var environment = ["PGPASSFILE": directory.path("no-pgpass")]
        environment["PGPASSWORD"] = password ?? ""
        return try TicklerProcess.run(
            arguments: ["state", "copy"] + arguments, environment: environment, currentDirectory: directory.path)
    }

    private func postgres(_ url: String, _ cluster: PostgresCluster) throws -> PostgresStore {
        try PostgresStore.open(
            try PostgresLocation(url: url), password: cluster.password,
            executor: SerialTaskExecutor(label: "test.state-copy"))
    }

    // MARK: - SQLite → PostgreSQL → SQLite

    @Test func aStoreCopiedToPostgresAndBackIsTheSameRowForRow() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.createDatabase()
        let first = directory.path("var/first.sqlite")
        let original = try Self.fill(SQLiteStore.open(path: first))
        // Numbers handed out beyond the last stored event (an event deleted by hand, say) are never
        // handed out again by the copies either.
        _ = try DebianPython.run(
            """
            import sqlite3, sys
            connection = sqlite3.connect(sys.argv[1])
            connection.execute("UPDATE sqlite_sequence SET seq = 900 WHERE name = 'events'")
            connection.commit()
            """, arguments: [first])
        let expected = try original.contents()
        #expect(expected.lastEventNumber == 900)
        #expect(expected.events.count == 7)
        #expect(Set(expected.outbox.map(\.state)) == Set(OutboxState.allCases))

        let location = try PostgresLocation(url: url)
        let toPostgres = try tickler(first, url, password: cluster.password)
        #expect(toPostgres.stderr == "")
        #expect(toPostgres.status == 0)
        let counts = "7 events, 3 first-seen times, 11 outbox entries, 8 delivery attempts"
        #expect(toPostgres.stdout == "copied \(counts) from \(first) to \(location)\n")
        #expect(!toPostgres.stdout.contains(cluster.password))

        let shared = try postgres(url, cluster)
        let inPostgres = try shared.contents()
        #expect(inPostgres == expected)
        #expect(Self.bytes(inPostgres) == Self.bytes(expected))
        // A copy starts unclaimed, its attempts made by no replica; replicas are not copied.
        #expect(
            try cluster.psql(url, "SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL OR lease_until IS NOT NULL")
                == "0")
        #expect(try cluster.psql(url, "SELECT count(*) FROM deliveries WHERE replica IS NOT NULL") == "0")
        #expect(try cluster.psql(url, "SELECT last FROM event_counter") == "900")

        let last = directory.path("var/copies/last.sqlite")
        let back = try tickler(url, last, password: cluster.password)
        #expect(back.stderr == "")
        #expect(back.status == 0)
        #expect(back.stdout == "copied \(counts) from \(location) to \(last)\n")
        let copy = try SQLiteStore.open(path: last)
        let copied = try copy.contents()
        #expect(copied == expected)
        #expect(Self.bytes(copied) == Self.bytes(expected))

        // The same outbox work, the same history, and new events numbered above every copied one.
        let now = Self.due + 3_600
        let work = try original.dueWork(now: now, channel: nil, limit: 100, excluding: []).map(\.key)
        #expect(work.count == 4)
        #expect(try copy.dueWork(now: now, channel: nil, limit: 100, excluding: []).map(\.key) == work)
        #expect(try shared.dueWork(now: now, channel: nil, limit: 100, excluding: []).map(\.key) == work)
        let history = try original.history(contact: nil, limit: 1_000)
        #expect(history.count >= 8)
        #expect(try copy.history(contact: nil, limit: 1_000) == history)
        #expect(try shared.history(contact: nil, limit: 1_000) == history)
        #expect(try copy.unorderedEvents() == original.unorderedEvents())
        #expect(try copy.firstSeen().dictionary == original.firstSeen().dictionary)
        #expect(try copy.scheduledThrough() == original.scheduledThrough())
        for store in [copy, shared] as [any StateStore] {
            let event = try store.addEvent(
                contact: "acme-zhang", type: "call", at: now, note: nil, recordedAt: now, source: "cli")
            #expect(event.id == "901")
        }
        // An HTTP sender's id stays recorded: sent again, it is a duplicate, not a new event.
        let again = try copy.recordEvents(
            [
                EventBatch(
                    source: "crm",
                    events: [IncomingEvent(contact: "globex-li", type: "call", at: 1, senderID: "req-42")])
            ], recordedAt: now)
        #expect(again.first?.first?.duplicate == true)
    }

    // MARK: - Refusals

    @Test func aTargetThatHoldsAnythingIsReplacedOnlyWithForce() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.createDatabase()
        let source = directory.path("source.sqlite")
        let expected = try Self.fill(SQLiteStore.open(path: source)).contents()

        let target = directory.path("target.sqlite")
        let other = try SQLiteStore.open(path: target)
        try other.addEvent(contact: "initech-wang", type: "purchase", at: 5, note: "旧", recordedAt: 5, source: "cli")
        try other.setMetaValue("1", for: "events_planned_through")
        let before = try other.contents()

        let refused = try tickler(source, target, password: nil)
        #expect(refused.status == 1)
        #expect(refused.stdout == "")
        #expect(
            refused.stderr == """
                tickler: error: '\(target)' is not empty: it holds 1 event, 0 first-seen times, 0 outbox entries, \
                0 delivery attempts, 1 daemon mark; nothing was copied
                tickler: note: copy into a new, empty store, or add --force to replace everything '\(target)' holds \
                with the contents of '\(source)'

                """)
        #expect(try other.contents() == before)

        let forced = try tickler(source, target, "--force", password: nil)
        #expect(forced.stderr == "")
        #expect(forced.status == 0)
        #expect(try other.contents() == expected)
        #expect(
            try other.addEvent(contact: "c", type: "t", at: 1, recordedAt: 1, source: "cli").id
                == String(expected.eventSequence + 1))

        // The same for a PostgreSQL target.
        #expect(try tickler(target, url, password: cluster.password).status == 0)
        let small = directory.path("small.sqlite")
        try SQLiteStore.open(path: small).recordFirstSeen(["acme-zhang"], at: 7)
        let shared = try postgres(url, cluster)
        let held = try shared.contents()
        let refusedShared = try tickler(small, url, password: cluster.password)
        #expect(refusedShared.status == 1)
        #expect(refusedShared.stderr.hasPrefix("tickler: error: 'postgres://tickler@127.0.0.1:"))
        #expect(refusedShared.stderr.contains("is not empty: it holds 8 events, 3 first-seen times, 11 outbox entries"))
        #expect(refusedShared.stderr.contains("--force"))
        #expect(try shared.contents() == held)
        let forcedShared = try tickler(small, url, "--force", password: cluster.password)
        #expect(forcedShared.status == 0)
        #expect(
            forcedShared.stdout.hasPrefix("copied 0 events, 1 first-seen time, 0 outbox entries, 0 delivery attempts"))
        // Numbers the replaced events had stay handed out.
        #expect(
            try shared.contents()
                == StoreContents(
                    lastEventNumber: held.lastEventNumber, firstSeen: [.init(contact: "acme-zhang", at: 7)]))
        #expect(held.lastEventNumber == expected.eventSequence + 1)
        #expect(try shared.isEmpty() == false)
    }

    @Test func aWrongPasswordIsAClearErrorWithoutThePassword() async throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.createDatabase()
        let source = directory.path("source.sqlite")
        try SQLiteStore.open(path: source).addEvent(
            contact: "acme-zhang", type: "call", at: 1, recordedAt: 1, source: "cli")
        let wrong = "not-the-password-\(UInt32.random(in: 0...UInt32.max))"
        let back = directory.path("back.sqlite")
        let environment = ["PGPASSWORD": wrong, "PGPASSFILE": directory.path("no-pgpass")]

        // Both ways: the refused login is reported as the server words it.
        async let into = TicklerProcess.run(arguments: ["state", "copy", source, url], environment: environment)
        async let from = TicklerProcess.run(arguments: ["state", "copy", url, back], environment: environment)
        for result in [try await into, try await from] {
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderr.hasPrefix("tickler: error: cannot "))
            #expect(result.stderr.contains("'\(try PostgresLocation(url: url))'"))
            #expect(!result.stderr.contains(wrong))
            #expect(!result.stderr.contains(cluster.password))
            #expect(result.stderr.contains("password authentication failed"))
            #expect(result.stderr.contains("tickler: note: check the password"))
        }
        #expect(!FileManager.default.fileExists(atPath: back))
    }

    @Test func aMissingSourceIsAnErrorThatNamesIt() throws {
        let missing = directory.path("var/missing.sqlite")
        let target = directory.path("target.sqlite")
        let result = try tickler(missing, target, password: nil)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("tickler: error: there is no state store '\(missing)' to copy from\n"))
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func aStoreIsNotCopiedOntoItself() throws {
        let path = directory.path("state.sqlite")
        _ = try SQLiteStore.open(path: path).addEvent(contact: "c", type: "t", at: 1, recordedAt: 1, source: "cli")
        let result = try tickler(path, "./state.sqlite", "--force", password: nil)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("tickler: error: '\(path)' and './state.sqlite' are the same store"))
        #expect(try SQLiteStore.open(path: path).unorderedEvents().count == 1)
    }

    // MARK: - A store with every kind of row

    /// Fills `store` as the daemon, `tickler event` and the HTTP service would: events of every
    /// source (Chinese text; notes with tabs, line breaks and backslashes; imported ids, one a plain
    /// number; HTTP sender ids), first-seen times, the daemon's marks, outbox entries in every state
    /// (a digest with its bundled items among them) and their delivery history. Returns it.
    static func fill(_ store: SQLiteStore) throws -> SQLiteStore {
        let at: Int64 = 1_804_000_000
        try store.addEvent(
            contact: "acme-zhang", type: "purchase", at: at, note: "合同 #2026-118\t续约\n第二行 \\ 反斜杠 \\N",
            recordedAt: at, source: "cli")
        _ = try store.importEvents(
            [
                ImportedEvent(id: "crm-4711", contact: "globex-li", type: "call", at: at + 60, note: "回电\r\n李娜"),
                ImportedEvent(id: "250", contact: "acme-zhang", type: "visit", at: at + 120, note: nil),
                ImportedEvent(id: nil, contact: "张伟", type: "purchase", at: at + 180, note: "tab\there"),
            ], recordedAt: at + 200)
        _ = try store.recordEvents(
            [
                EventBatch(
                    source: "crm",
                    events: [
                        IncomingEvent(contact: "globex-li", type: "callback-request", at: at + 300, senderID: "req-42"),
                        IncomingEvent(contact: "acme-zhang", type: "call", at: at + 301, note: "“引号” '\"'"),
                    ]),
                EventBatch(
                    source: "webhook-token",
                    events: [IncomingEvent(contact: "张伟", type: "call", at: at + 302, senderID: "msg_2f9\\x")]),
            ], recordedAt: at + 310)
        try store.recordFirstSeen(["acme-zhang", "globex-li"], at: at - 86_400)
        try store.recordFirstSeen(["张伟"], at: at - 3_600)
        try store.setScheduledThrough(due + 86_400)
        try store.setMetaValue("c2VjcmV0\n", for: "unsubscribe_secret")
        try store.setMetaValue("7", for: "events_planned_through")

        let digest = "digest/li.na/2027-03-14"
        try store.enqueue(
            [
                item("birthday/acme-zhang/2027-03-14"),
                item("thank-you/acme-zhang/1", channel: "wecom", to: .owner, recipient: "li.na"),
                item("check-in/globex-li/2027-03-14"),
                item("callback/globex-li/crm-4711", channel: "dingtalk"),
                item("thank-you/张伟/4", text: "尊敬的张伟：\n\n\t感谢您！\\"),
                item("interrupted/acme-zhang/2027-03-14"),
                OutboxItem(
                    occurrence("birthday/globex-li/2027-02-01", due: due - 40 * 86_400), message: nil,
                    state: .missed(reason: "due 2027-02-01T09:00:00+08:00, 41 days ago, beyond catch_up 24h")),
                OutboxItem(
                    occurrence("anniversary/globex-li/2027-03-14"), message: nil,
                    state: .failed(reason: "template: no value for 'contact.birthday'")),
                item(digest, to: .owner, recipient: "li.na"),
                OutboxItem(occurrence("check-in/张伟/2027-03-14"), message: nil, state: .bundled(digest: digest)),
                OutboxItem(
                    occurrence("check-in/initech-wang/2027-03-14"), message: nil, state: .bundled(digest: digest)),
            ], at: due)
        let t = due + 10
        // sending: an attempt in flight
        _ = try store.beginAttempt(key: "thank-you/acme-zhang/1", at: t)
        // delivered
        try store.finishAttempt(
            key: "check-in/globex-li/2027-03-14",
            attempt: try store.beginAttempt(key: "check-in/globex-li/2027-03-14", at: t),
            at: t + 1, outcome: .delivered(detail: "250 2.0.0 Ok: queued as 4Xk9"))
        // retry, due again in 10 minutes
        try store.finishAttempt(
            key: "callback/globex-li/crm-4711",
            attempt: try store.beginAttempt(key: "callback/globex-li/crm-4711", at: t),
            at: t + 2, outcome: .retry(at: t + 600, error: "HTTP 503: 服务暂不可用"))
        // failed after a retry
        let key = "thank-you/张伟/4"
        try store.finishAttempt(
            key: key, attempt: try store.beginAttempt(key: key, at: t), at: t + 3,
            outcome: .retry(at: t + 60, error: "421 4.7.0 try again later"))
        try store.finishAttempt(
            key: key, attempt: try store.beginAttempt(key: key, at: t + 60), at: t + 61,
            outcome: .failed(error: "550 5.1.1 <zhang.wei@example.cn>: mailbox unavailable"))
        // an attempt cut off by a crash, then begun again (the first is `interrupted`), then retried
        let cut = "interrupted/acme-zhang/2027-03-14"
        _ = try store.beginAttempt(key: cut, at: t)
        _ = try store.beginAttempt(key: cut, at: t + 30)
        try store.finishAttempt(key: cut, attempt: 2, at: t + 31, outcome: .retry(at: t + 90, error: "timeout"))
        // the digest, delivered with its items
        try store.finishAttempt(
            key: digest, attempt: try store.beginAttempt(key: digest, at: t), at: t + 5,
            outcome: .delivered(detail: nil))
        return store
    }

    static func occurrence(
        _ key: String, channel: String = "email", due: Int64 = due, to: Rule.Recipient = .contact,
        recipient: String? = nil
    ) -> Occurrence {
        let parts = key.split(separator: "/").map(String.init)
        return Occurrence(
            key: key, rule: parts[0], contact: parts[1], to: to, recipient: recipient ?? parts[1], channel: channel,
            due: due, offset: 28_800, day: CivilDate(year: 2027, month: 3, day: 14),
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47))
    }

    /// A pending item with its rendered message.
    static func item(
        _ key: String, channel: String = "email", to: Rule.Recipient = .contact, recipient: String? = nil,
        text: String = "尊敬的张伟：\n\n生日快乐！\n"
    ) -> OutboxItem {
        let occurrence = occurrence(key, channel: channel, to: to, recipient: recipient)
        let message = RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: occurrence.recipient, name: "李娜", email: "li.na@example.cn", language: "zh"),
            contact: .init(id: occurrence.contact, name: "张伟", email: "zhang.wei@example.cn", language: "zh"),
            templatePath: "templates/birthday-greeting.txt", language: "zh", subject: "生日快乐 \"🎂\"", text: text,
            html: "<p>生日快乐</p>\r\n", unsubscribeURL: "https://crm.example.cn/u/AbC_123")
        return OutboxItem(occurrence, message: message)
    }

    /// Every text of `contents` as its UTF-8 bytes, as `==` on `String` does not compare them
    /// (it takes canonically equivalent texts as equal).
    static func bytes(_ contents: StoreContents) -> [UInt8] {
        Array(String(reflecting: contents).utf8)
    }
}

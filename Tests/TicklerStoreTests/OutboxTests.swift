import Testing
import TicklerCore

@testable import TicklerStore

/// The outbox's life cycle, on both stores: enqueue once, attempts committed before and after,
/// retries, crash leftovers.
@Suite struct OutboxTests {
    typealias F = OutboxFixtures
    let t = F.due

    @Test(arguments: StoreKind.allCases) func enqueuingIsIdempotentByKey(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let first = try store.enqueue([F.item("a/c1/2027-03-14"), F.item("b/c1/2027-03-14")], at: t)
        #expect(first == ["a/c1/2027-03-14", "b/c1/2027-03-14"])
        let attempt = try store.beginAttempt(key: "a/c1/2027-03-14", at: t + 1)
        // Offered again (a restarted daemon): only the new key is added, the old entries are untouched.
        let second = try store.enqueue(
            [F.item("b/c1/2027-03-14"), F.item("a/c1/2027-03-14"), F.item("c/c1/2027-03-14")], at: t + 2)
        #expect(second == ["c/c1/2027-03-14"])
        #expect(try store.enqueue([], at: t + 3).isEmpty)
        let work = try store.dueWork(now: t + 3, limit: 10)
        #expect(work.map(\.key) == ["a/c1/2027-03-14", "b/c1/2027-03-14", "c/c1/2027-03-14"])
        #expect(work.map(\.state) == [.sending, .pending, .pending])
        #expect(work[0].attempts == attempt)
    }

    @Test(arguments: StoreKind.allCases) func anAttemptIsCommittedBeforeAndAfter(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let key = "birthday-greeting/acme-zhang/2027-03-14"
        try store.enqueue([F.item(key, to: .contact)], at: t)
        let pending = try #require(try store.dueWork(now: t, limit: 10).first)
        #expect(pending.state == .pending)
        #expect(pending.attempts == 0)
        #expect(pending.firstAttemptAt == nil)
        #expect(pending.to == .contact)
        #expect(pending.recipient == "acme-zhang")

        #expect(try store.beginAttempt(key: key, at: t + 1) == 1)
        let reopened = try store.reopened()  // what another process sees: committed
        #expect(try reopened.history().map(\.outcome) == [.sending])
        // SQLite's other process is handed the entry (it is the one daemon's, or a crash's leftover);
        // PostgreSQL's other replica is not, while the claim of the one that began it holds: there
        // the entry is read back by its owner.
        let owner = kind == .postgres ? store : reopened
        if kind == .postgres { #expect(try reopened.dueWork(now: t + 1, limit: 10).isEmpty) }
        let sending = try #require(try owner.dueWork(now: t + 1, limit: 10).first)
        #expect(sending.state == .sending)
        #expect(sending.attempts == 1)
        #expect(sending.firstAttemptAt == t + 1)
        #expect(try reopened.status(now: t + 1).count(.sending) == 1)

        try store.finishAttempt(
            key: key, attempt: 1, at: t + 2, outcome: .delivered(detail: "250 2.0.0 queued as 7F3A"))
        #expect(try reopened.dueWork(now: t + 10_000, limit: 10).isEmpty)
        #expect(try reopened.deliveredKeys(among: [key]) == [key])
        let line = try #require(try reopened.history().first)
        #expect(line.outcome == .delivered)
        #expect(line.attempt == 1)
        #expect(line.at == t + 1)
        #expect(line.finishedAt == t + 2)
        #expect(line.detail == "250 2.0.0 queued as 7F3A")
        // Delivered: the message is not kept, and never sent again.
        #expect(try store.count("SELECT count(*) FROM outbox WHERE key = '\(key)' AND message IS NULL") == 1)
        let again = try #require(throws: StoreError.self) { try store.beginAttempt(key: key, at: t + 3) }
        #expect(again.kind == .wrongState)
        #expect(again.message == "cannot attempt to deliver '\(key)' again: it is delivered")
    }

    @Test(arguments: StoreKind.allCases) func aTransientFailureWaitsForItsRetryTime(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let key = "thank-you/acme-zhang/9"
        try store.enqueue([F.item(key)], at: t)
        _ = try store.beginAttempt(key: key, at: t)
        try store.finishAttempt(key: key, attempt: 1, at: t + 1, outcome: .retry(at: t + 31, error: "451 try later"))
        #expect(try store.nextRetryAt() == t + 31)
        // Once due, it is no longer a time to wake up for: it waits for a free connection.
        #expect(try store.nextRetryAt(after: t + 30) == t + 31)
        #expect(try store.nextRetryAt(after: t + 31) == nil)
        #expect(try store.dueWork(now: t + 30, limit: 10).isEmpty)
        let retry = try #require(try store.dueWork(now: t + 31, limit: 10).first)
        #expect(retry.state == .retry)
        #expect(retry.nextAttemptAt == t + 31)
        #expect(retry.lastError == "451 try later")
        #expect(retry.firstAttemptAt == t)
        #expect(retry.rendered?.text == F.message(F.occurrence(key)).text)

        #expect(try store.beginAttempt(key: key, at: t + 31) == 2)
        #expect(try store.nextRetryAt() == nil)
        try store.finishAttempt(key: key, attempt: 2, at: t + 32, outcome: .failed(error: "550 no such user"))
        #expect(try store.dueWork(now: t + 100_000, limit: 10).isEmpty)
        #expect(try store.history().map(\.outcome) == [.failed, .retry])
        #expect(try store.history().map(\.detail) == ["550 no such user", "451 try later"])
        // The first attempt time stays the first: retries give up counting from it.
        #expect(try store.status(now: t + 40).failures.map(\.attempts) == [2])
    }

    @Test(arguments: StoreKind.allCases) func anAttemptCutOffByACrashIsSentAgainWithTheSameKey(_ kind: StoreKind) throws
    {
        let store = try kind.makeStore()
        let key = "callback-overdue/acme-zhang/17"
        try store.enqueue([F.item(key, channel: "sales-chat", to: .owner, recipient: "li.na")], at: t)
        #expect(try store.beginAttempt(key: key, at: t + 1) == 1)
        // The process dies here. A new one opens the store (once the dead one's claims ran out):
        try store.leasesRunOut()
        let restarted = try store.reopened()
        let leftover = try #require(try restarted.dueWork(now: t + 500, limit: 10).first)
        #expect(leftover.key == key)
        #expect(leftover.state == .sending)
        #expect(leftover.to == .owner)
        #expect(leftover.recipient == "li.na")
        #expect(leftover.rendered?.occurrence.key == key)
        #expect(try restarted.beginAttempt(key: key, at: t + 500) == 2)
        try restarted.finishAttempt(key: key, attempt: 2, at: t + 501, outcome: .delivered(detail: nil))
        let lines = try restarted.history(contact: "acme-zhang")
        #expect(lines.map(\.attempt) == [2, 1])
        #expect(lines.map(\.outcome) == [.delivered, .interrupted])
        #expect(lines[1].finishedAt == t + 500)
    }

    @Test(arguments: StoreKind.allCases) func theDaemonsOwnAttemptsInFlightAreNotHandedOutAgain(_ kind: StoreKind)
        throws
    {
        let store = try kind.makeStore()
        try store.enqueue([F.item("a/c1/1"), F.item("a/c2/1"), F.item("a/c3/1")], at: t)
        _ = try store.beginAttempt(key: "a/c1/1", at: t)
        #expect(
            try store.dueWork(now: t, channel: nil, limit: 2, excluding: ["a/c1/1"]).map(\.key) == ["a/c2/1", "a/c3/1"])
        #expect(try store.dueWork(now: t, limit: 2).map(\.key) == ["a/c1/1", "a/c2/1"])
    }

    @Test(arguments: StoreKind.allCases) func dueWorkIsOldestDueFirstPerChannelAndLimited(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.enqueue(
            [
                F.item("a/c1/1", channel: "email", due: t + 20), F.item("a/c2/1", channel: "chat", due: t + 10),
                F.item("a/c3/1", channel: "email", due: t), F.item("a/c4/1", channel: "email", due: t + 10),
            ], at: t + 30)
        #expect(try store.dueWork(now: t + 30, limit: 10).map(\.key) == ["a/c3/1", "a/c2/1", "a/c4/1", "a/c1/1"])
        #expect(try store.dueWork(now: t + 30, channel: "email", limit: 2).map(\.key) == ["a/c3/1", "a/c4/1"])
        #expect(try store.dueWork(now: t + 30, channel: "chat", limit: 10).map(\.key) == ["a/c2/1"])
        #expect(try store.dueWork(now: t + 30, channel: "fax", limit: 10).isEmpty)
        #expect(try store.dueWork(now: t + 30, limit: 0).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func missedAndUnrenderableEntriesAreNeverAttempted(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let reason = "due 2027-03-14T09:00:00+08:00, 3 days ago, beyond catch_up 24h"
        let added = try store.enqueue(
            [
                F.item("a/c1/1", state: .missed(reason: reason)),
                F.item("a/c2/1", state: .failed(reason: "unknown value 'contact.nmae'")),
            ], at: t)
        #expect(added == ["a/c1/1", "a/c2/1"])
        #expect(try store.dueWork(now: t + 86_400 * 10, limit: 10).isEmpty)
        for key in added {
            let error = try #require(throws: StoreError.self) { try store.beginAttempt(key: key, at: t) }
            #expect(error.kind == .wrongState)
        }
        let status = try store.status(now: t)
        #expect(status.missed == [.init(key: "a/c1/1", channel: "email", due: t, reason: reason)])
        #expect(
            status.failures == [
                .init(key: "a/c2/1", channel: "email", attempts: 0, error: "unknown value 'contact.nmae'", at: t)
            ])
    }

    @Test(arguments: StoreKind.allCases) func unknownKeysAndStaleEndsAreClearErrors(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let unknown = try #require(throws: StoreError.self) { try store.beginAttempt(key: "x/y/1", at: t) }
        #expect(unknown.kind == .unknownKey)
        #expect(unknown.message == "no outbox entry has the key 'x/y/1'")
        let unknownEnd = try #require(throws: StoreError.self) {
            try store.finishAttempt(key: "x/y/1", attempt: 1, at: t, outcome: .delivered(detail: nil))
        }
        #expect(unknownEnd.kind == .unknownKey)

        try store.enqueue([F.item("a/c1/1")], at: t)
        let notBegun = try #require(throws: StoreError.self) {
            try store.finishAttempt(key: "a/c1/1", attempt: 1, at: t, outcome: .delivered(detail: nil))
        }
        #expect(notBegun.kind == .wrongState)
        #expect(notBegun.message == "cannot record the end of attempt 1 of 'a/c1/1': it is pending")
        _ = try store.beginAttempt(key: "a/c1/1", at: t)
        _ = try store.beginAttempt(key: "a/c1/1", at: t + 1)  // the first was cut off
        let stale = try #require(throws: StoreError.self) {
            try store.finishAttempt(key: "a/c1/1", attempt: 1, at: t + 2, outcome: .delivered(detail: nil))
        }
        #expect(stale.message == "cannot record the end of attempt 1 of 'a/c1/1': attempt 2 is in flight")
        // Nothing changed: attempt 2 can still end.
        try store.finishAttempt(key: "a/c1/1", attempt: 2, at: t + 2, outcome: .delivered(detail: nil))
    }

    @Test(arguments: StoreKind.allCases) func attemptsBegunOrEndedTogetherAreAllOrNothing(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.enqueue([F.item("a/c1/1"), F.item("b/c1/1"), F.item("c/c1/1")], at: t)
        // One unknown key: none of the batch is recorded.
        let unknown = try #require(throws: StoreError.self) {
            try store.beginAttempts(keys: ["a/c1/1", "x/y/1", "b/c1/1"], at: t + 1)
        }
        #expect(unknown.kind == .unknownKey)
        #expect(try store.dueWork(now: t + 1, limit: 10).map(\.state) == [.pending, .pending, .pending])

        #expect(try store.beginAttempts(keys: ["a/c1/1", "b/c1/1", "c/c1/1"], at: t + 1) == [1, 1, 1])
        #expect(try store.dueWork(now: t + 1, limit: 10).map(\.state) == [.sending, .sending, .sending])
        // One stale end: none of the ends is recorded.
        let stale = try #require(throws: StoreError.self) {
            try store.finishAttempts(
                [
                    .init(key: "a/c1/1", attempt: 1, outcome: .delivered(detail: nil)),
                    .init(key: "b/c1/1", attempt: 2, outcome: .delivered(detail: nil)),
                ], at: t + 2)
        }
        #expect(stale.kind == .wrongState)
        #expect(try store.dueWork(now: t + 2, limit: 10).count == 3)

        try store.finishAttempts(
            [
                .init(key: "a/c1/1", attempt: 1, outcome: .delivered(detail: "250 ok")),
                .init(key: "b/c1/1", attempt: 1, outcome: .retry(at: t + 60, error: "451 later")),
                .init(key: "c/c1/1", attempt: 1, outcome: .failed(error: "550 no")),
            ], at: t + 2)
        #expect(try store.dueWork(now: t + 2, limit: 10).isEmpty)
        #expect(try store.dueWork(now: t + 60, limit: 10).map(\.key) == ["b/c1/1"])
        let outcomes = Dictionary(uniqueKeysWithValues: try store.history().map { ($0.key, $0.outcome) })
        #expect(outcomes == ["a/c1/1": .delivered, "b/c1/1": .retry, "c/c1/1": .failed])
    }

    @Test(arguments: StoreKind.allCases) func theStoredMessageIsTheOneSentEvenIfTemplatesChange(_ kind: StoreKind)
        throws
    {
        let store = try kind.makeStore()
        let key = "birthday-greeting/acme-zhang/2027-03-14"
        let occurrence = F.occurrence(key)
        let original = F.message(occurrence, text: "第一版：生日快乐！\r\n\"引号\" \\ \u{1F382}")
        try store.enqueue([OutboxItem(occurrence, message: original)], at: t)
        // A later offer of the same occurrence rendered from an edited template changes nothing.
        try store.enqueue([OutboxItem(occurrence, message: F.message(occurrence, text: "第二版"))], at: t + 5)
        let stored = try #require(try store.reopened().dueWork(now: t + 5, limit: 1).first?.rendered)
        #expect(stored.text == original.text)
        #expect(stored.subject == original.subject)
        #expect(stored.html == original.html)
        #expect(stored.occurrence == original.occurrence)
        #expect(stored.recipient == original.recipient)
        #expect(stored.contact == original.contact)
        #expect(stored.templatePath == original.templatePath)
    }

    @Test(arguments: StoreKind.allCases) func aMessageThatCannotBeReadBackIsReportedNotThrown(_ kind: StoreKind) throws
    {
        let store = try kind.makeStore()
        try store.enqueue(
            [F.item("a/c1/1"), F.item("a/c2/1"), F.item("a/c3/1", state: .missed(reason: "late"))], at: t)
        try store.execute(
            """
            UPDATE outbox SET message = '{"occurrence": 1}' WHERE key = 'a/c1/1';
            UPDATE outbox SET message = 'not json' WHERE key = 'a/c2/1';
            UPDATE outbox SET state = 'pending' WHERE key = 'a/c3/1';
            """)
        let work = try store.dueWork(now: t, limit: 10)
        #expect(work.count == 3)
        guard case .unreadable(let shape) = work[0].message, case .unreadable(let syntax) = work[1].message,
            case .none = work[2].message
        else {
            Issue.record("unexpected messages: \(work.map(\.message))")
            return
        }
        #expect(shape == "the stored message has an unexpected value at 'occurrence'")
        #expect(syntax == "the stored message is not valid JSON")
    }

    @Test(arguments: StoreKind.allCases) func aStoredMessageWithAValueThisVersionDoesNotKnowIsReported(
        _ kind: StoreKind
    ) throws {
        let store = try kind.makeStore()
        try store.enqueue([F.item("a/c1/1"), F.item("a/c2/1")], at: t)
        try store.execute(
            """
            UPDATE outbox SET message = replace(message, '"to":"contact"', '"to":"everyone"') WHERE key = 'a/c1/1';
            UPDATE outbox SET message = replace(message, '"language":', '"lang":') WHERE key = 'a/c2/1';
            """)
        let work = try store.dueWork(now: t, limit: 10)
        guard case .unreadable(let value) = work[0].message, case .unreadable(let key) = work[1].message else {
            Issue.record("unexpected messages: \(work.map(\.message))")
            return
        }
        #expect(value == "the stored message has an unexpected value at 'occurrence.to'")
        #expect(key == "the stored message has no 'recipient.language'")
    }

    @Test(arguments: StoreKind.allCases) func theWatermarkIsKept(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        #expect(try store.scheduledThrough() == nil)
        try store.setScheduledThrough(1_805_000_000)
        try store.setScheduledThrough(1_805_086_400)
        #expect(try store.reopened().scheduledThrough() == 1_805_086_400)
        #expect(try store.status(now: t).scheduledThrough == 1_805_086_400)
        try store.setMetaValue("soon", for: "scheduled_through")
        let error = try #require(throws: StoreError.self) { try store.scheduledThrough() }
        #expect(error.message == "the state store '\(store.place)' holds an unreadable 'scheduled_through' value")
    }

    /// A watermark set lower than the stored one. SQLite's one daemon moves it back: it is the only
    /// writer. PostgreSQL keeps the higher one, by design: several replicas plan the same
    /// occurrences, and one whose clock or start lags must not undo another's progress.
    @Test(arguments: StoreKind.allCases) func aLowerWatermarkMovesItBackOnlyInSQLite(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.setScheduledThrough(1_805_086_400)
        try store.reopened().setScheduledThrough(1_805_000_000)
        switch kind {
        case .sqlite: #expect(try store.scheduledThrough() == 1_805_000_000)
        case .postgres: #expect(try store.scheduledThrough() == 1_805_086_400)
        }
        try store.setScheduledThrough(1_805_172_800)
        #expect(try store.scheduledThrough() == 1_805_172_800)
    }

    @Test(arguments: StoreKind.allCases) func aKeyOfferedTwiceInOneCallEntersOnce(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let added = try store.enqueue(
            [F.item("a/c1/1", due: t), F.item("a/c2/1"), F.item("a/c1/1", due: t + 60)], at: t)
        #expect(added == ["a/c1/1", "a/c2/1"])
        let work = try store.dueWork(now: t + 60, limit: 10)
        #expect(work.map(\.key) == ["a/c1/1", "a/c2/1"])
        #expect(work.map(\.due) == [t, t])
    }

    /// A digest and the items it carries (`bundled`): the items count as delivered for `upcoming`,
    /// are in the outbox for the daemon, and are never attempted themselves.
    @Test(arguments: StoreKind.allCases) func bundledItemsGoWithTheirDigest(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let digest = "digest/li.na/2027-03-14"
        #expect(
            try store.enqueue(
                [
                    F.item(digest), F.item("heads-up/c1/2027-03-14", state: .bundled(digest: digest)),
                    F.item("heads-up/c2/2027-03-14", state: .bundled(digest: digest)),
                ], at: t) == [digest, "heads-up/c1/2027-03-14", "heads-up/c2/2027-03-14"])
        #expect(try store.dueWork(now: t, limit: 10).map(\.key) == [digest])
        let error = try #require(throws: StoreError.self) {
            try store.beginAttempt(key: "heads-up/c1/2027-03-14", at: t)
        }
        #expect(error.kind == .wrongState)
        #expect(error.message == "cannot attempt to deliver 'heads-up/c1/2027-03-14' again: it is bundled")
        let items = ["heads-up/c1/2027-03-14", "heads-up/c2/2027-03-14", "heads-up/c3/2027-03-14"]
        #expect(try store.deliveredKeys(among: items + [digest]) == Set(items.prefix(2)))
        #expect(try store.outboxKeys(among: items + [digest]) == Set(items.prefix(2) + [digest]))
        #expect(try store.outboxKeys(among: []).isEmpty)
        let bundled = try #require(try store.history().first { $0.key == "heads-up/c1/2027-03-14" })
        #expect(bundled.outcome == .bundled)
        #expect(bundled.detail == digest)
        #expect(bundled.attempt == nil)
        #expect(try store.status(now: t).count(.bundled) == 2)
        try store.finishAttempt(
            key: digest, attempt: try store.beginAttempt(key: digest, at: t + 1), at: t + 2,
            outcome: .delivered(detail: "250 ok"))
        #expect(try store.deliveredKeys(among: items + [digest]) == Set(items.prefix(2) + [digest]))
        #expect(try store.status(now: t + 2).digests.map(\.items) == [2])
    }
}

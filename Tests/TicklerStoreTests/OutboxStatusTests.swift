import Testing
import TicklerCore

@testable import TicklerStore

/// What `tickler status` and `tickler history` read, on both stores: counts, retries, failures,
/// missed, attempts.
@Suite struct OutboxStatusTests {
    typealias F = OutboxFixtures
    let t = F.due

    /// Ten entries on two channels in every state, with a known history:
    /// - `d1`, `d2` delivered (email, t+1 and t+2); `d3` delivered on chat after a retry (t+40)
    /// - `r1` retry at t+100, `r2` retry at t+50 (chat)
    /// - `f1` failed at t+5 (permanent), `f2` failed before sending (t)
    /// - `m1` missed (due t−3 days), `m2` missed (due t−1 day)
    /// - `p1` pending, `s1` sending
    private func fill(_ store: any StateStore) throws {
        try store.enqueue(
            [
                F.item("x/d1/1"), F.item("x/d2/1"), F.item("x/d3/1", channel: "chat"), F.item("x/r1/1"),
                F.item("x/r2/1", channel: "chat"), F.item("x/f1/1"), F.item("x/p1/1", due: t + 1),
                F.item("x/s1/1", channel: "chat"),
                F.item("x/f2/1", state: .failed(reason: "unknown value 'contact.nmae'")),
                F.item("x/m1/1", due: t - 3 * 86_400, state: .missed(reason: "three days late")),
                F.item("x/m2/1", channel: "chat", due: t - 86_400, state: .missed(reason: "a day late")),
            ], at: t)
        try attempt(store, "x/d1/1", at: t + 1, .delivered(detail: "250 ok"))
        try attempt(store, "x/d2/1", at: t + 2, .delivered(detail: nil))
        try attempt(store, "x/d3/1", at: t + 3, .retry(at: t + 40, error: "HTTP 503"))
        try attempt(store, "x/d3/1", at: t + 40, .delivered(detail: "HTTP 200"))
        try attempt(store, "x/r1/1", at: t + 4, .retry(at: t + 100, error: "connection refused"))
        try attempt(store, "x/r2/1", at: t + 5, .retry(at: t + 50, error: "HTTP 429"))
        try attempt(store, "x/f1/1", at: t + 5, .failed(error: "550 no such user"))
        _ = try store.beginAttempt(key: "x/s1/1", at: t + 6)
    }

    private func attempt(_ store: any StateStore, _ key: String, at time: Int64, _ outcome: AttemptOutcome) throws {
        let number = try store.beginAttempt(key: key, at: time)
        try store.finishAttempt(key: key, attempt: number, at: time, outcome: outcome)
    }

    @Test(arguments: StoreKind.allCases) func anEmptyOutboxHasNothingToShow(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let status = try store.status(now: t)
        #expect(
            status
                == OutboxStatus(
                    counts: [], dueNow: 0, retries: [], failures: [], missed: [], lastAttempts: [],
                    scheduledThrough: nil))
        #expect(try store.history().isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func statusCountsEntriesByStateAndChannel(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try fill(store)
        let status = try store.status(now: t + 60)
        #expect(
            status.counts.map { "\($0.state.rawValue) \($0.channel) \($0.count)" } == [
                "pending email 1", "sending chat 1", "delivered chat 1", "delivered email 2", "retry chat 1",
                "retry email 1", "failed email 2", "missed chat 1", "missed email 1",
            ])
        #expect(status.count(.delivered) == 3)
        #expect(status.count(.retry) == 2)
        // p1, s1 and r2 (due at t+50); not r1 (t+100)
        #expect(status.dueNow == 3)
        #expect(try store.dueWork(now: t + 60, limit: 100).count == status.dueNow)
    }

    @Test(arguments: StoreKind.allCases) func statusListsRetriesFailuresMissedAndTheLatestAttempts(_ kind: StoreKind)
        throws
    {
        let store = try kind.makeStore()
        try fill(store)
        let status = try store.status(now: t + 60, limit: 3)
        #expect(
            status.retries == [
                .init(key: "x/r2/1", channel: "chat", attempts: 1, nextAttemptAt: t + 50, lastError: "HTTP 429"),
                .init(
                    key: "x/r1/1", channel: "email", attempts: 1, nextAttemptAt: t + 100,
                    lastError: "connection refused"),
            ])
        #expect(
            status.failures == [
                .init(key: "x/f1/1", channel: "email", attempts: 1, error: "550 no such user", at: t + 5),
                .init(key: "x/f2/1", channel: "email", attempts: 0, error: "unknown value 'contact.nmae'", at: t),
            ])
        #expect(
            status.missed == [
                .init(key: "x/m2/1", channel: "chat", due: t - 86_400, reason: "a day late"),
                .init(key: "x/m1/1", channel: "email", due: t - 3 * 86_400, reason: "three days late"),
            ])
        #expect(status.lastAttempts.map(\.key) == ["x/d3/1", "x/s1/1", "x/f1/1"])
        #expect(status.lastAttempts.map(\.outcome) == [.delivered, .sending, .failed])
        #expect(status.lastAttempts.first?.attempt == 2)
        #expect(try store.status(now: t + 60, limit: 1).failures.count == 1)
    }

    @Test(arguments: StoreKind.allCases) func statusListsTheLatestDigestsWithWhatTheyCarry(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        // One digest delivered with its two items, one missed with its item, an ordinary entry.
        let (sent, lost) = ("digest/li.na/2027-03-14", "digest/li.na/2027-03-13")
        try store.enqueue(
            [
                F.item(sent, due: t), F.item("heads-up/c1/2027-03-14", state: .bundled(digest: sent)),
                F.item("heads-up/c2/2027-03-14", state: .bundled(digest: sent)),
                F.item(lost, due: t - 86_400, state: .missed(reason: "two days late")),
                F.item("heads-up/c3/2027-03-13", due: t - 86_400, state: .missed(reason: "in \(lost): two days late")),
                F.item("heads-up/c4/2027-03-13", due: t - 86_400, state: .missed(reason: "two days late")),
                F.item("x/d1/1"),
            ], at: t)
        try attempt(store, sent, at: t + 1, .delivered(detail: "250 ok"))
        #expect(
            try store.status(now: t + 2).digests == [
                OutboxStatus.Digest(key: sent, channel: "email", state: .delivered, due: t, items: 2),
                OutboxStatus.Digest(key: lost, channel: "email", state: .missed, due: t - 86_400, items: 1),
            ])
        #expect(try store.status(now: t + 2, limit: 1).digests.map(\.key) == [sent])
    }

    @Test(arguments: StoreKind.allCases) func historyIsNewestFirstAndIncludesEntriesNeverAttempted(_ kind: StoreKind)
        throws
    {
        let store = try kind.makeStore()
        try fill(store)
        let all = try store.history()
        #expect(all.count == 12)  // 8 attempts, and f2, m1, m2, p1 never attempted
        let lines = all.map { "\($0.key) \($0.attempt.map(String.init) ?? "-") \($0.outcome.rawValue)" }
        #expect(
            lines == [
                "x/d3/1 2 delivered", "x/s1/1 1 sending", "x/f1/1 1 failed", "x/r2/1 1 retry", "x/r1/1 1 retry",
                "x/d3/1 1 retry", "x/d2/1 1 delivered", "x/d1/1 1 delivered", "x/f2/1 - failed", "x/m1/1 - missed",
                "x/m2/1 - missed", "x/p1/1 - pending",
            ])
        let missed = try #require(all.first { $0.key == "x/m1/1" })
        #expect(missed.detail == "three days late")
        #expect(missed.due == t - 3 * 86_400)
        #expect(missed.at == t)
        #expect(try store.history(limit: 2).map(\.key) == ["x/d3/1", "x/s1/1"])
    }

    @Test(arguments: StoreKind.allCases) func historyOfOneContact(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.enqueue(
            [
                F.item("thank-you/acme-zhang/9", due: t), F.item("check-in/acme-zhang/2027-03-20", due: t + 100),
                F.item("thank-you/globex-li/4", due: t),
            ], at: t)
        try attempt(store, "thank-you/acme-zhang/9", at: t + 1, .retry(at: t + 31, error: "timeout"))
        try attempt(store, "thank-you/globex-li/4", at: t + 2, .delivered(detail: nil))
        try attempt(store, "thank-you/acme-zhang/9", at: t + 31, .delivered(detail: "250 ok"))
        let lines = try store.history(contact: "acme-zhang")
        #expect(
            lines.map(\.key) == ["thank-you/acme-zhang/9", "thank-you/acme-zhang/9", "check-in/acme-zhang/2027-03-20"])
        #expect(lines.map(\.attempt) == [2, 1, nil])
        #expect(lines.map(\.outcome) == [.delivered, .retry, .pending])
        #expect(
            lines.allSatisfy { $0.contact == "acme-zhang" && $0.recipient == "acme-zhang" && $0.channel == "email" })
        #expect(lines[0].rule == "thank-you")
        #expect(try store.history(contact: "nobody").isEmpty)
    }
}

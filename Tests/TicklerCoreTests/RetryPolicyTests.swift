import Testing
import TicklerCore

/// Backoff, jitter, `Retry-After` and the give-up time, with the time and the randomness given.
@Suite struct RetryPolicyTests {
    static let start: Int64 = 1_795_000_000
    let policy = RetryPolicy()

    @Test(
        arguments: [
            (1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 960), (7, 1_920), (8, 3_600), (9, 3_600), (60, 3_600),
            (Int.max, 3_600),
        ] as [(Int, Int64)])
    func transientFailuresBackOffFrom30SecondsDoublingTo1Hour(attempt: Int, wait: Int64) {
        #expect(policy.backoff(afterAttempt: attempt) == wait)
        let now = Self.start + 600
        let decision = policy.decide(
            transient: true, retryAfter: nil, attempt: attempt, firstAttemptAt: Self.start, now: now, jitter: 0)
        #expect(decision == .retry(at: now + wait))
    }

    @Test(
        arguments: [
            // attempt, jitter, wait: ±20 % at the extremes, proportionally between, rounded to seconds
            (1, -1.0, 24), (1, 1.0, 36), (1, 0.5, 33), (1, -0.5, 27), (3, -1.0, 96), (3, 1.0, 144),
            (8, -1.0, 2_880), (8, 1.0, 4_320), (8, 7.0, 4_320), (8, -7.0, 2_880), (1, Double.nan, 30),
        ] as [(Int, Double, Int64)])
    func jitterMovesTheWaitByUpTo20Percent(attempt: Int, jitter: Double, wait: Int64) {
        let now = Self.start + 60
        let decision = policy.decide(
            transient: true, retryAfter: nil, attempt: attempt, firstAttemptAt: Self.start, now: now, jitter: jitter)
        #expect(decision == .retry(at: now + wait))
    }

    @Test(arguments: [
        // retryAfter, seconds after the first attempt that it failed, expected retry offset from the first attempt
        (600 as Int64, 100 as Int64, 700 as Int64),  // the server's wait replaces the computed 30 s
        (5, 100, 105),  // also when shorter
        (0, 100, 101),  // at least a second: never a busy loop
        (7_200, 86_000, 86_400),  // never past the give-up time
        (200_000, 10, 86_400),
    ])
    func retryAfterReplacesTheComputedWaitButNotTheGiveUpTime(retryAfter: Int64, failedAt: Int64, retryAt: Int64) {
        let decision = policy.decide(
            transient: true, retryAfter: retryAfter, attempt: 1, firstAttemptAt: Self.start,
            now: Self.start + failedAt, jitter: 1)
        #expect(decision == .retry(at: Self.start + retryAt))
    }

    @Test func theLastRetryFallsOnTheGiveUpTime() {
        let decision = policy.decide(
            transient: true, retryAfter: nil, attempt: 30, firstAttemptAt: Self.start, now: Self.start + 86_000,
            jitter: 0)
        #expect(decision == .retry(at: Self.start + 86_400))
    }

    @Test(arguments: [86_400 as Int64, 86_401, 200_000])
    func transientFailuresAreGivenUp24HoursAfterTheFirstAttempt(failedAt: Int64) {
        let decision = policy.decide(
            transient: true, retryAfter: 60, attempt: 31, firstAttemptAt: Self.start, now: Self.start + failedAt,
            jitter: 0)
        #expect(decision == .fail(reason: "gave up after 31 attempts over 24h"))
    }

    @Test(arguments: [1, 5])
    func permanentFailuresFailAtOnce(attempt: Int) {
        let decision = policy.decide(
            transient: false, retryAfter: 30, attempt: attempt, firstAttemptAt: Self.start, now: Self.start + 10,
            jitter: 0)
        #expect(decision == .fail(reason: nil))
    }

    @Test func everyDurationCanBeShrunkForTests() {
        let quick = RetryPolicy(initialDelay: 1, maximumDelay: 4, giveUpAfter: 10, jitter: 0)
        #expect((1...5).map { quick.backoff(afterAttempt: $0) } == [1, 2, 4, 4, 4])
        var now = Self.start
        var decisions: [RetryPolicy.Decision] = []
        for attempt in 1...6 {
            let decision = quick.decide(
                transient: true, retryAfter: nil, attempt: attempt, firstAttemptAt: Self.start, now: now, jitter: 0)
            decisions.append(decision)
            guard case .retry(let at) = decision else { break }
            now = at
        }
        // 1 s, 2 s, 4 s, then the last retry at the give-up time (10 s), then given up
        #expect(
            decisions == [
                .retry(at: Self.start + 1), .retry(at: Self.start + 3), .retry(at: Self.start + 7),
                .retry(at: Self.start + 10), .fail(reason: "gave up after 5 attempts over 10s"),
            ])
    }

    @Test func oddConfigurationsStillWaitAtLeastASecond() {
        let odd = RetryPolicy(initialDelay: 0, maximumDelay: -5, giveUpAfter: 60, jitter: 3)
        #expect(odd.backoff(afterAttempt: 1) == 1)
        let decision = odd.decide(
            transient: true, retryAfter: nil, attempt: 1, firstAttemptAt: Self.start, now: Self.start, jitter: -1)
        #expect(decision == .retry(at: Self.start + 1))
    }

    @Test func aGeneratorDrawsTheJitterWithinItsBounds() {
        var generator = SplitMix(seed: 42)
        var waits = Set<Int64>()
        for _ in 0..<500 {
            guard
                case .retry(let at) = policy.decide(
                    transient: true, retryAfter: nil, attempt: 8, firstAttemptAt: Self.start, now: Self.start,
                    using: &generator)
            else {
                Issue.record("expected a retry")
                return
            }
            waits.insert(at - Self.start)
        }
        #expect(waits.allSatisfy { (2_880...4_320).contains($0) })
        #expect(waits.count > 100)  // spread out, not bunched
        // the same seed gives the same answers
        var first = SplitMix(seed: 7)
        var second = SplitMix(seed: 7)
        let a = policy.decide(
            transient: true, retryAfter: nil, attempt: 2, firstAttemptAt: 0, now: 0, using: &first)
        let b = policy.decide(
            transient: true, retryAfter: nil, attempt: 2, firstAttemptAt: 0, now: 0, using: &second)
        #expect(a == b)
    }
}

/// When a failed delivery is tried again, and when it is given up (SPEC, "Guarantees"): a transient
/// failure waits 30 s, then twice as long after each further failure up to 1 h, each wait moved by a
/// random ±20 % so that many entries failing together do not retry together; 24 h after the first
/// attempt it is given up. A server's `Retry-After` replaces the computed wait, but never reaches past
/// the give-up time. A permanent failure fails at once.
///
/// Pure: the caller passes the time and the randomness (`jitter`), so tests and the daemon's test
/// mode, which shrinks every duration, get exact answers.
///
///     let policy = RetryPolicy()
///     policy.decide(transient: true, retryAfter: nil, attempt: 1, firstAttemptAt: t, now: t, jitter: 0)
///     // .retry(at: t + 30)
public struct RetryPolicy: Sendable, Hashable {
    /// The wait after the first failure, in seconds.
    public var initialDelay: Int64
    /// The longest computed wait, in seconds (before jitter).
    public var maximumDelay: Int64
    /// How long after the first attempt a transient failure is given up, in seconds.
    public var giveUpAfter: Int64
    /// How far jitter moves a computed wait, as a fraction of it (0.2: ±20 %); 0 for none.
    public var jitter: Double

    public init(
        initialDelay: Int64 = 30, maximumDelay: Int64 = 3_600, giveUpAfter: Int64 = 86_400, jitter: Double = 0.2
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.giveUpAfter = giveUpAfter
        self.jitter = jitter
    }

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Try again at this instant (seconds since the epoch).
        case retry(at: Int64)
        /// No more attempts. `reason` is `nil` for a permanent failure (the failure says why), or says
        /// that retries were given up: `gave up after 14 attempts over 24h`.
        case fail(reason: String?)
    }

    /// What to do after attempt number `attempt` (1 for the first) failed at `now`.
    ///
    /// - Parameters:
    ///   - transient: whether retrying may succeed (connection refused, timeouts, SMTP 4xx, HTTP 408,
    ///     429, 5xx); a permanent failure fails at once.
    ///   - retryAfter: the wait the server asked for, in seconds, if it did.
    ///   - firstAttemptAt: when the entry's first attempt started: the give-up time counts from it.
    ///   - jitter: a number in `-1...1` (clamped) choosing where in `±self.jitter` the wait falls:
    ///     −1 the shortest, 0 exactly the computed wait, 1 the longest.
    public func decide(
        transient: Bool, retryAfter: Int64?, attempt: Int, firstAttemptAt: Int64, now: Int64, jitter: Double
    ) -> Decision {
        guard transient else { return .fail(reason: nil) }
        let deadline = firstAttemptAt.addingReportingOverflow(max(0, giveUpAfter))
        let giveUpAt = deadline.overflow ? Int64.max : deadline.partialValue
        guard now < giveUpAt else {
            let attempts = attempt == 1 ? "1 attempt" : "\(attempt) attempts"
            return .fail(reason: "gave up after \(attempts) over \(DurationText.compact(giveUpAfter))")
        }
        let wait = retryAfter.map { max(1, $0) } ?? jittered(backoff(afterAttempt: attempt), by: jitter)
        let (sum, overflow) = now.addingReportingOverflow(wait)
        return .retry(at: overflow ? giveUpAt : min(sum, giveUpAt))
    }

    /// ``decide(transient:retryAfter:attempt:firstAttemptAt:now:jitter:)`` with the jitter drawn from
    /// `generator`.
    public func decide(
        transient: Bool, retryAfter: Int64?, attempt: Int, firstAttemptAt: Int64, now: Int64,
        using generator: inout some RandomNumberGenerator
    ) -> Decision {
        decide(
            transient: transient, retryAfter: retryAfter, attempt: attempt, firstAttemptAt: firstAttemptAt, now: now,
            jitter: Double.random(in: -1...1, using: &generator))
    }

    /// The computed wait after attempt `attempt` failed, before jitter: `initialDelay` doubled for
    /// each attempt after the first, at most `maximumDelay` (and at least 1 s).
    public func backoff(afterAttempt attempt: Int) -> Int64 {
        let ceiling = max(1, maximumDelay)
        var wait = min(max(1, initialDelay), ceiling)
        var doublings = max(0, attempt - 1)
        while doublings > 0, wait < ceiling {
            wait = wait > ceiling / 2 ? ceiling : wait * 2
            doublings -= 1
        }
        return wait
    }

    /// `wait` moved by `unit × jitter × wait`, rounded to whole seconds, at least 1 s.
    private func jittered(_ wait: Int64, by unit: Double) -> Int64 {
        let unit = unit.isNaN ? 0 : min(1, max(-1, unit))
        let fraction = min(1, max(0, jitter.isNaN ? 0 : jitter))
        let shift = (Double(wait) * fraction * unit).rounded()
        return max(1, wait + Int64(shift))
    }
}

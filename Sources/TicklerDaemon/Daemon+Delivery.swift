import Foundation
import Logging
import TicklerCore
import TicklerDelivery
import TicklerInput
import TicklerMessages
import TicklerStore

/// The outbox loop: take due rows per channel, attempt them within each channel's parallelism, and
/// record every attempt before and after it.
extension Daemon {
    /// Starts as many deliveries as the channels allow, of the rows due at `now`. Each channel takes
    /// its own rows from the store, so a slow or failing channel never holds up another.
    func pump(now: Int64) {
        guard !stopping else { return }
        let starting = takeStartable(now: now)
        guard !starting.isEmpty else { return }
        let numbers: [Int?]
        do throws(StoreError) {
            numbers = try store.beginAttempts(keys: starting.map(\.key), at: now)
        } catch {
            cannotBegin(starting, error: error, now: now)
            return
        }
        start(starting, numbers: numbers)
    }

    /// The rows to start now, as many as each channel has free slots, which they take: rows waiting
    /// from the store, and more from the store for channels that may have more.
    private func takeStartable(now: Int64) -> [OutboxWork] {
        for channel in mayHaveMore.sorted() where waiting[channel, default: []].isEmpty {
            mayHaveMore.remove(channel)
            // On a shared store every row taken is claimed from the other replicas: take what the
            // channel's slots start now and as many again, so they share a burst.
            let limit =
                store is any SharedStore
                ? min(configuration.batch, 2 * loaded.transport.parallelism(of: channel)) : configuration.batch
            do throws(StoreError) {
                let rows = try store.dueWork(now: now, channel: channel, limit: limit, excluding: Set(inFlight.keys))
                waiting[channel] = rows
                if rows.count >= limit / 2 { mayHaveMore.insert(channel) }
            } catch {
                logger.error(
                    "cannot read the outbox", metadata: ["channel": "\(channel)", "error": "\(error.message)"])
                storePausedUntil = now + configuration.storeRetryDelay
            }
        }
        var starting: [OutboxWork] = []
        for channel in waiting.keys.sorted() {
            let limit = loaded.transport.parallelism(of: channel)
            while busy[channel, default: 0] < limit, var rows = waiting[channel], !rows.isEmpty {
                starting.append(rows.removeFirst())
                waiting[channel] = rows
                busy[channel, default: 0] += 1
            }
            if waiting[channel]?.isEmpty == true {
                waiting[channel] = nil
            }
        }
        return starting
    }

    /// The attempts could not be committed as `sending`: they give their slots back and stay in the
    /// store for the next try.
    private func cannotBegin(_ starting: [OutboxWork], error: StoreError, now: Int64) {
        logger.error(
            "cannot record an attempt",
            metadata: ["keys": "\(starting.map(\.key).joined(separator: ","))", "error": "\(error.message)"])
        storePausedUntil = now + configuration.storeRetryDelay
        for work in starting {
            busy[work.channel, default: 1] -= 1
            mayHaveMore.insert(work.channel)
        }
    }

    /// Delivers attempts committed as `sending`, off the daemon's queue. An entry another replica
    /// took over (no number) gives its slot back. With a shared store, an attempt whose lease no
    /// longer holds by this process's clock when its turn comes (the process was frozen) is not sent:
    /// it may be another replica's by now, and stays `sending` for whoever holds it to send again.
    private func start(_ starting: [OutboxWork], numbers: [Int?]) {
        let transport = loaded.transport
        let clock = clock
        let shared = store as? any SharedStore
        for (work, number) in zip(starting, numbers) {
            guard let number else {
                logger.info("taken over by another replica", metadata: ["key": "\(work.key)"])
                busy[work.channel, default: 1] -= 1
                mayHaveMore.insert(work.channel)
                continue
            }
            inFlight[work.key] = work.channel
            let started = Date()
            Task(executorPreference: deliveryExecutor) { [self] in
                if let shared, !shared.leasesHold() {
                    queue.async { [self] in abandon(work) }
                    return
                }
                let result = await Self.deliver(work, transport: transport, clock: clock)
                queue.async { [self] in
                    finish(
                        Attempt(work: work, number: number, result: result, seconds: Date().timeIntervalSince(started)))
                }
            }
        }
    }

    private static func deliver(
        _ work: OutboxWork, transport: any DaemonTransport, clock: any DaemonClock
    ) async -> Result<String, DeliveryFailure> {
        switch work.message {
        case .rendered(let message):
            do throws(DeliveryFailure) {
                return .success(try await transport.deliver(message, now: clock.now()))
            } catch {
                return .failure(error)
            }
        case .none:
            return .failure(
                .configuration(
                    "the outbox entry holds no message to send", channel: work.channel, target: nil,
                    operation: "reading the outbox"))
        case .unreadable(let why):
            return .failure(
                .configuration(
                    "the outbox entry's message cannot be read: \(why)", channel: work.channel, target: nil,
                    operation: "reading the outbox"))
        }
    }

    /// An attempt not sent because this replica's leases ran out: its slot is free again, and the
    /// entry (still `sending`) is sent by whichever replica claims it next, this one included.
    private func abandon(_ work: OutboxWork) {
        logger.warning(
            "lease ran out before sending; left to the replica that claims it", metadata: ["key": "\(work.key)"])
        inFlight[work.key] = nil
        busy[work.channel, default: 1] -= 1
        mayHaveMore.insert(work.channel)
        if stopping {
            if inFlight.isEmpty { stopped() }
        }
    }

    /// An attempt that has ended, waiting for its outcome to be committed.
    struct Attempt {
        var work: OutboxWork
        var number: Int
        var result: Result<String, DeliveryFailure>
        var seconds: Double
    }

    /// Queues an ended attempt; the attempts that end before the daemon's queue gets to them are
    /// committed together.
    private func finish(_ attempt: Attempt) {
        ended.append(attempt)
        if ended.count == 1 { queue.async { [self] in recordEnded() } }
    }

    /// Commits the outcomes of the attempts that ended — delivered, retry at a time, or failed — together
    /// with the start of the attempts that take their slots (one transaction), and then logs them, so
    /// that a log line tells what the store already holds.
    private func recordEnded() {
        let now = clock.now()
        let attempts = ended
        ended = []
        var ends: [AttemptEnd] = []
        var lines: [(Logger.Level, Logger.Message, Logger.Metadata)] = []
        for attempt in attempts {
            let (end, line) = outcome(of: attempt, now: now)
            ends.append(end)
            lines.append(line)
            busy[attempt.work.channel, default: 1] -= 1
            mayHaveMore.insert(attempt.work.channel)
        }
        // The ended attempts stay in `inFlight` until their end is committed: the store still has
        // them `sending`, and they must not be taken again.
        let starting = stopping ? [] : takeStartable(now: now)
        var numbers: [Int?]?
        do throws(StoreError) {
            numbers = try store.recordAttempts(ending: ends, beginning: starting.map(\.key), at: now)
        } catch {
            // Commit the ends alone, so that the failure of one new start cannot keep them unrecorded.
            cannotBegin(starting, error: error, now: now)
            attempt("record the outcome of an attempt") { () throws(StoreError) in
                try store.finishAttempts(ends, at: now)
            }
        }
        for attempt in attempts { inFlight[attempt.work.key] = nil }
        for (level, message, metadata) in lines { logger.log(level: level, message, metadata: metadata) }
        if stopping {
            if inFlight.isEmpty { stopped() }
            return
        }
        if let numbers { start(starting, numbers: numbers) }
        pump(now: now)
        arm(now: now)
    }

    /// What an ended attempt means for the store — delivered, retry at a time, failed — and its log line.
    private func outcome(of attempt: Attempt, now: Int64)
        -> (AttemptEnd, (Logger.Level, Logger.Message, Logger.Metadata))
    {
        let work = attempt.work
        var metadata: Logger.Metadata = [
            "key": "\(work.key)", "channel": "\(work.channel)", "attempt": "\(attempt.number)",
            "ms": "\(Int(attempt.seconds * 1000))",
        ]
        let outcome: AttemptOutcome
        let (level, message): (Logger.Level, Logger.Message)
        switch attempt.result {
        case .success(let receipt):
            state.metrics.record(
                channel: work.channel, seconds: attempt.seconds, delivered: Double(now - work.due),
                failedTransiently: nil)
            outcome = .delivered(detail: receipt)
            (level, message) = (.info, "delivered")
        case .failure(let failure):
            let firstAttempt = work.firstAttemptAt ?? now
            metadata["error"] = "\(failure.description)"
            switch loaded.workspace.config.retry.decide(
                transient: failure.isTransient, retryAfter: failure.retryAfter, attempt: attempt.number,
                firstAttemptAt: firstAttempt, now: now, jitter: Double.random(in: -1...1))
            {
            case .retry(let at):
                state.metrics.record(
                    channel: work.channel, seconds: attempt.seconds, delivered: nil, failedTransiently: true)
                outcome = .retry(at: at, error: failure.description)
                metadata["retry_in_s"] = "\(at - now)"
                (level, message) = (.warning, "delivery failed, will retry")
            case .fail(let why):
                state.metrics.record(
                    channel: work.channel, seconds: attempt.seconds, delivered: nil, failedTransiently: false)
                outcome = .failed(error: failure.description + (why.map { " (\($0))" } ?? ""))
                (level, message) = (.error, "delivery failed")
            }
        }
        return (
            AttemptEnd(key: work.key, attempt: attempt.number, outcome: outcome), (level, message, metadata)
        )
    }
}

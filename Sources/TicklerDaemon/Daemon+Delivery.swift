import Foundation
import Logging
import TicklerCore
import TicklerDelivery
import TicklerStore

/// The outbox loop: take due rows per channel, attempt them within each channel's parallelism, and
/// record every attempt before and after it.
extension Daemon {
    /// Starts as many deliveries as the channels allow, of the rows due at `now`. Each channel takes
    /// its own rows from the store, so a slow or failing channel never holds up another.
    func pump(now: Int64) {
        guard !stopping else { return }
        for channel in mayHaveMore.sorted() where waiting[channel, default: []].isEmpty {
            mayHaveMore.remove(channel)
            do throws(StoreError) {
                let rows = try store.dueWork(
                    now: now, channel: channel, limit: configuration.batch, excluding: Set(inFlight.keys))
                waiting[channel] = rows
                if rows.count >= configuration.batch / 2 { mayHaveMore.insert(channel) }
            } catch {
                logger.error(
                    "cannot read the outbox", metadata: ["channel": "\(channel)", "error": "\(error.message)"])
                storePausedUntil = now + configuration.storeRetryDelay
            }
        }
        for channel in waiting.keys.sorted() {
            let limit = loaded.courier.parallelism(of: channel)
            while busy[channel, default: 0] < limit, var rows = waiting[channel], !rows.isEmpty {
                let work = rows.removeFirst()
                waiting[channel] = rows
                begin(work, now: now)
            }
            if waiting[channel]?.isEmpty == true {
                waiting[channel] = nil
            }
        }
    }

    /// Commits the attempt as `sending`, then delivers off the daemon's queue.
    private func begin(_ work: OutboxWork, now: Int64) {
        let attemptNumber: Int
        do throws(StoreError) {
            attemptNumber = try store.beginAttempt(key: work.key, at: now)
        } catch {
            logger.error("cannot record an attempt", metadata: ["key": "\(work.key)", "error": "\(error.message)"])
            storePausedUntil = now + configuration.storeRetryDelay
            return
        }
        inFlight[work.key] = work.channel
        busy[work.channel, default: 0] += 1
        let courier = loaded.courier
        let started = Date()
        Task { [self] in
            let result: Result<String, DeliveryFailure>
            switch work.message {
            case .rendered(let message):
                do throws(DeliveryFailure) {
                    result = .success(try await courier.deliver(message, now: Self.now()))
                } catch {
                    result = .failure(error)
                }
            case .none:
                result = .failure(
                    .configuration(
                        "the outbox entry holds no message to send", channel: work.channel, target: nil,
                        operation: "reading the outbox"))
            case .unreadable(let why):
                result = .failure(
                    .configuration(
                        "the outbox entry's message cannot be read: \(why)", channel: work.channel, target: nil,
                        operation: "reading the outbox"))
            }
            queue.async { [self] in
                finish(work, attempt: attemptNumber, result: result, seconds: Date().timeIntervalSince(started))
            }
        }
    }

    /// Commits the outcome of an attempt — delivered, retry at a time, or failed — and then logs it,
    /// so that a log line tells what the store already holds.
    private func finish(
        _ work: OutboxWork, attempt number: Int, result: Result<String, DeliveryFailure>, seconds: Double
    ) {
        let now = Self.now()
        inFlight[work.key] = nil
        busy[work.channel, default: 1] -= 1
        var metadata: Logger.Metadata = [
            "key": "\(work.key)", "channel": "\(work.channel)", "attempt": "\(number)",
            "ms": "\(Int(seconds * 1000))",
        ]
        let outcome: AttemptOutcome
        let (level, message): (Logger.Level, Logger.Message)
        switch result {
        case .success(let receipt):
            outcome = .delivered(detail: receipt)
            (level, message) = (.info, "delivered")
        case .failure(let failure):
            let firstAttempt = work.firstAttemptAt ?? now
            metadata["error"] = "\(failure.description)"
            switch loaded.workspace.config.retry.decide(
                transient: failure.isTransient, retryAfter: failure.retryAfter, attempt: number,
                firstAttemptAt: firstAttempt, now: now, jitter: Double.random(in: -1...1))
            {
            case .retry(let at):
                outcome = .retry(at: at, error: failure.description)
                metadata["retry_in_s"] = "\(at - now)"
                (level, message) = (.warning, "delivery failed, will retry")
            case .fail(let why):
                outcome = .failed(error: failure.description + (why.map { " (\($0))" } ?? ""))
                (level, message) = (.error, "delivery failed")
            }
        }
        attempt("record the outcome of an attempt") { () throws(StoreError) in
            try store.finishAttempt(key: work.key, attempt: number, at: now, outcome: outcome)
        }
        logger.log(level: level, message, metadata: metadata)
        if stopping {
            if inFlight.isEmpty { exitNow() }
            return
        }
        mayHaveMore.insert(work.channel)
        pump(now: now)
        arm(now: now)
    }
}

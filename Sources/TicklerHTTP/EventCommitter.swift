import Dispatch
import Foundation
import TicklerStore

/// Group commit of `POST /v1/events`: requests that arrive while a transaction is being committed
/// wait for the next one and share it. Each caller is answered after the transaction holding its
/// events has committed (or failed), on a queue of its own — SQLite blocks, and must not block
/// the server's threads.
final class EventCommitter: @unchecked Sendable {
    typealias Outcome = Result<[RecordedEvent], StoreError>

    private let store: any StateStore
    private let now: @Sendable () -> Int64
    /// Told once per committed transaction that holds new events.
    private let recorded: @Sendable () -> Void
    private let queue = DispatchQueue(label: "tickler.http.events")
    private let lock = NSLock()
    private var pending: [(EventBatch, CheckedContinuation<Outcome, Never>)] = []
    private var draining = false

    init(store: any StateStore, now: @escaping @Sendable () -> Int64, recorded: @escaping @Sendable () -> Void) {
        self.store = store
        self.now = now
        self.recorded = recorded
    }

    func record(_ batch: EventBatch) async -> Outcome {
        await withCheckedContinuation { continuation in
            let start = lock.withLock {
                pending.append((batch, continuation))
                defer { draining = true }
                return !draining
            }
            if start { queue.async { [self] in drain() } }
        }
    }

    private func drain() {
        while true {
            let work = lock.withLock {
                defer { pending = [] }
                if pending.isEmpty { draining = false }
                return pending
            }
            guard !work.isEmpty else { return }
            let outcomes: [Outcome]
            do throws(StoreError) {
                outcomes = try store.recordEvents(work.map(\.0), recordedAt: now()).map { .success($0) }
            } catch {
                outcomes = Array(repeating: .failure(error), count: work.count)
            }
            if outcomes.contains(where: { (try? $0.get())?.contains { !$0.duplicate } == true }) { recorded() }
            for ((_, continuation), outcome) in zip(work, outcomes) { continuation.resume(returning: outcome) }
        }
    }
}

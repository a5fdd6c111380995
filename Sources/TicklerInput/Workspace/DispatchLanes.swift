import Dispatch
import Foundation
import TicklerCore

/// `map` over an array on every core, keeping the order.
///
/// The work runs on one serial queue per core, each taking the next item until none is left, not
/// on `DispatchQueue.concurrentPerform`: on Linux, the first use of libdispatch's concurrent pools
/// starts a timer that watches their threads and wakes the process every second for as long as it
/// runs — which a daemon that loads contacts this way must not do.
public enum ParallelMap {
    public static func run<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
        if items.count < 2 { return items.map(transform) }
        let results = ResultBox<R>(count: items.count)
        let group = DispatchGroup()
        startLanes(items, transform, into: results, group: group)
        group.wait()
        return results.values
    }

    /// `run`, with each result handed to `consume` on the calling thread, in order, as soon as it and
    /// those before it are ready (and not kept after): the caller works through the results while
    /// later ones are computed. At most `ahead` results wait for the caller at once: a caller slower
    /// than the lanes (writing to a slow disk) holds them back rather than everything they make.
    public static func stream<T: Sendable, R: Sendable>(
        _ items: [T], ahead: Int = 16, _ transform: @escaping @Sendable (T) -> R, inOrder consume: (R) -> Void
    ) {
        if items.count < 2 {
            for item in items { consume(transform(item)) }
            return
        }
        let results = ResultBox<R>(count: items.count, ahead: max(1, ahead))
        startLanes(items, transform, into: results)
        for index in items.indices { consume(results.remove(index)) }
    }

    /// One serial queue per core (at most one per item), each transforming the next item no lane has
    /// taken until none is left.
    private static func startLanes<T: Sendable, R: Sendable>(
        _ items: [T], _ transform: @escaping @Sendable (T) -> R, into results: ResultBox<R>,
        group: DispatchGroup? = nil
    ) {
        for lane in 0..<min(items.count, ProcessInfo.processInfo.activeProcessorCount) {
            DispatchQueue(label: "tickler.parallel.\(lane)").async(group: group) {
                while let index = results.take() { results.set(index, transform(items[index])) }
            }
        }
    }

    /// Slots written once each, by whichever lane took their index.
    private final class ResultBox<R>: @unchecked Sendable {
        private var slots: [R?]
        private var next = 0
        /// How many results were removed, and how far past them an index may be taken.
        private var removed = 0
        private let ahead: Int
        private let lock = NSCondition()

        init(count: Int, ahead: Int = .max) {
            slots = Array(repeating: nil, count: count)
            self.ahead = ahead
        }

        /// The next index no lane has taken, or `nil` when all are taken; waits while `ahead`
        /// results are not removed yet.
        func take() -> Int? {
            lock.withLock {
                while next < slots.count, next - removed >= ahead { lock.wait() }
                guard next < slots.count else { return nil }
                next += 1
                return next - 1
            }
        }

        func set(_ index: Int, _ value: R) {
            lock.withLock {
                slots[index] = value
                lock.broadcast()
            }
        }

        /// The result at `index`, once it is set; the slot is emptied.
        func remove(_ index: Int) -> R {
            lock.withLock {
                while slots[index] == nil { lock.wait() }
                defer {
                    slots[index] = nil
                    removed += 1
                    lock.broadcast()
                }
                return slots[index]!
            }
        }

        var values: [R] { lock.withLock { slots.map { $0! } } }
    }
}

/// The core's `Parallelism` as `ParallelMap` runs it: one serial queue per core.
public struct DispatchLanes: Parallelism {
    public init() {}

    public func map<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
        ParallelMap.run(items, transform)
    }
}

import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerInput

/// `ParallelMap`: results in the items' order whichever lane computes them, and `stream` hands each
/// result over in order while later ones are still being computed, a bounded number ahead.
@Suite struct ParallelMapTests {
    /// Work that takes longer for earlier items, so lanes finish out of order.
    private static func slowerFirst(_ item: Int) -> Int {
        usleep(useconds_t(max(0, 20 - item) * 500))
        return item * item
    }

    @Test func runKeepsTheOrder() {
        let items = Array(0..<40)
        #expect(ParallelMap.run(items, Self.slowerFirst) == items.map { $0 * $0 })
        #expect(ParallelMap.run([5], Self.slowerFirst) == [25])
        #expect(ParallelMap.run([Int](), Self.slowerFirst).isEmpty)
    }

    @Test func streamHandsOverEveryResultInOrder() {
        let items = Array(0..<40)
        var received: [Int] = []
        ParallelMap.stream(items, Self.slowerFirst) { received.append($0) }
        #expect(received == items.map { $0 * $0 })
        var single: [Int] = []
        ParallelMap.stream([3], Self.slowerFirst) { single.append($0) }
        #expect(single == [9])
    }

    /// The first result is handed over before the last one is computed.
    @Test func streamDoesNotWaitForTheWholeMap() {
        let finished = Counter()
        var finishedWhenFirstArrived = -1
        ParallelMap.stream(
            Array(0..<8),
            { item -> Int in
                if item > 0 { usleep(50_000) }
                finished.increment()
                return item
            },
            inOrder: { item in
                if item == 0 { finishedWhenFirstArrived = finished.value }
            })
        #expect((1..<8).contains(finishedWhenFirstArrived))
    }

    /// A slow caller holds the lanes back: no more than `ahead` results are ever made and not yet
    /// handed over.
    @Test func streamMakesAtMostAheadResultsBeforeTheCallerTakesThem() {
        let made = Counter()
        var mostWaiting = 0
        var received: [Int] = []
        ParallelMap.stream(
            Array(0..<30), ahead: 3,
            { item -> Int in
                made.increment()
                return item
            },
            inOrder: { item in
                usleep(5_000)
                // Made so far, less those handed over, this one among them.
                mostWaiting = max(mostWaiting, made.value - received.count - 1)
                received.append(item)
            })
        #expect(received == Array(0..<30))
        #expect((1...3).contains(mostWaiting))
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}

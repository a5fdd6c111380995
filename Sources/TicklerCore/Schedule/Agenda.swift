/// The daemon's plan: the occurrences it has worked out but not yet put into the outbox, earliest
/// first, over the span `[watermark, horizon)`.
///
/// A min-heap by (due, key): `next` is O(1), `insert` and `popDue` O(log n) each. The agenda knows no
/// clock and no store — the daemon tells it the time, and leaves out keys the outbox already holds.
///
///     var agenda = Agenda()
///     agenda.insert(schedule.occurrences(in: now..<horizon, history: history, now: now))
///     let due = agenda.popDue(through: now)   // into the outbox, oldest first
///     let wake = agenda.next?.due              // arm the timer here
public struct Agenda: Sendable {
    private var heap: [Occurrence] = []

    public init() {}

    public init(_ occurrences: [Occurrence]) {
        heap = occurrences.sorted(by: Occurrence.precedes)  // a sorted array is a valid heap
    }

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The earliest occurrence, if any.
    public var next: Occurrence? { heap.first }

    public mutating func insert(_ occurrence: Occurrence) {
        heap.append(occurrence)
        siftUp(heap.count - 1)
    }

    public mutating func insert(_ occurrences: some Sequence<Occurrence>) {
        for occurrence in occurrences { insert(occurrence) }
    }

    /// Removes and returns every occurrence due at or before `instant`, oldest first (then by key).
    public mutating func popDue(through instant: Int64) -> [Occurrence] {
        var due: [Occurrence] = []
        while let first = heap.first, first.due <= instant {
            due.append(first)
            removeFirst()
        }
        return due
    }

    /// Drops the occurrences `shouldRemove` picks (a contact's, before planning it again) and
    /// returns how many went.
    @discardableResult
    public mutating func removeAll(where shouldRemove: (Occurrence) -> Bool) -> Int {
        let before = heap.count
        heap.removeAll(where: shouldRemove)
        guard heap.count != before else { return 0 }
        heap.sort(by: Occurrence.precedes)
        return before - heap.count
    }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Occurrence.precedes(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            let right = left + 1
            if right < heap.count, Occurrence.precedes(heap[right], heap[left]) { smallest = right }
            guard Occurrence.precedes(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}

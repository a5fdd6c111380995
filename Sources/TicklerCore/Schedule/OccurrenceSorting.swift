/// Puts the occurrences of a range in `upcoming`'s order — by due instant, then key; equal ones
/// keep their order — fast enough for a hundred thousand of them.
///
/// An `Occurrence` is large (six strings and the trigger's detail), and copying one retains and
/// releases each string: the occurrences are moved, never copied. The order is found on the due
/// instants packed with the positions into single integers, so the sort compares integers, and
/// keys are compared only among occurrences due at the same instant.
enum OccurrenceSorting {
    /// The occurrences of `parts`, in order; `parts` is left empty.
    static func sorted(_ parts: inout [[Occurrence]]) -> [Occurrence] {
        var all = joined(&parts)
        let order = Self.order(all)
        return all.withUnsafeMutableBufferPointer { source in
            let result = [Occurrence](unsafeUninitializedCapacity: order.count) { target, count in
                for (position, index) in order.enumerated() {
                    (target.baseAddress! + position).initialize(to: (source.baseAddress! + index).move())
                }
                count = order.count
            }
            // Every element was moved out: fill the places with values that need no release.
            source.baseAddress?.initialize(repeating: placeholder, count: source.count)
            return result
        }
    }

    /// The parts one after the other, moved into one array.
    static func joined(_ parts: inout [[Occurrence]]) -> [Occurrence] {
        if parts.count == 1 { return parts.removeLast() }
        let total = parts.reduce(0) { $0 + $1.count }
        let result = [Occurrence](unsafeUninitializedCapacity: total) { target, count in
            count = 0
            for index in parts.indices {
                parts[index].withUnsafeMutableBufferPointer { source in
                    guard let base = source.baseAddress else { return }
                    (target.baseAddress! + count).moveInitialize(from: base, count: source.count)
                    base.initialize(repeating: placeholder, count: source.count)
                    count += source.count
                }
            }
        }
        parts = []
        return result
    }

    /// The positions of `occurrences` in sorted order.
    static func order(_ occurrences: [Occurrence]) -> [Int] {
        guard let first = occurrences.first else { return [] }
        var (low, high) = (first.due, first.due)
        for occurrence in occurrences {
            low = min(low, occurrence.due)
            high = max(high, occurrence.due)
        }
        var order: [Int]
        if high - low < 1 << 31, occurrences.count < 1 << 32 {
            // Due instant (from the earliest) in the high half, position in the low half.
            var packed = occurrences.indices.map { UInt64(occurrences[$0].due - low) << 32 | UInt64($0) }
            packed.sort()
            order = packed.map { Int($0 & 0xFFFF_FFFF) }
        } else {
            order = occurrences.indices.sorted { occurrences[$0].due < occurrences[$1].due }
        }
        // Among occurrences due at the same instant, by key (a stable sort keeps equal keys in order).
        // The keys are compared where they are: a copy of each would be retained and released.
        occurrences.withUnsafeBufferPointer { occurrences in
            var start = 0
            while start < order.count {
                var end = start + 1
                let due = occurrences[order[start]].due
                while end < order.count, occurrences[order[end]].due == due { end += 1 }
                if end - start > 1 {
                    order[start..<end].sort { occurrences[$0].key < occurrences[$1].key }
                }
                start = end
            }
        }
        return order
    }

    /// An occurrence that holds no reference, to fill the places of moved ones.
    private static let placeholder = Occurrence(
        key: "", rule: "", contact: "", to: .contact, recipient: "", channel: "", due: 0, offset: 0,
        day: CivilDate(year: 1970, month: 1, day: 1), detail: .every(cycle: 0, start: 0))
}

import Foundation

/// Puts the occurrences of a range in `upcoming`'s order — by due instant, then key; equal ones
/// keep their order — fast enough for a million of them.
///
/// The order is found on the due instants packed with the positions into single integers, so the
/// sort compares integers; keys are compared only among occurrences due at the same instant: by
/// an integer made of their first bytes (`leadingKey`), then by their beginnings (`comparePrefixes`,
/// which reads the rule and contact without writing a key), and written out only where neither
/// tells them apart: as bytes into one buffer per group, compared with `memcmp` when they are ASCII
/// (where byte order is `String`'s order), else as `String`s.
enum OccurrenceSorting {
    /// The positions of `entries` in sorted order. `leadingKey` maps an entry to an integer that
    /// orders the keys where two integers differ; `comparePrefixes` compares two entries' keys by a
    /// beginning that decides their order when it differs (negative, 0 or positive; 0 when it
    /// cannot tell); `keyParts` gives an entry's key in parts.
    static func order(
        _ entries: [ScheduledOccurrences.Entry],
        leadingKey: (ScheduledOccurrences.Entry) -> UInt64 = { _ in 0 },
        comparePrefixes: (ScheduledOccurrences.Entry, ScheduledOccurrences.Entry) -> Int = { _, _ in 0 },
        keyParts: (ScheduledOccurrences.Entry, (UnsafeBufferPointer<UInt8>) -> Void) -> Void
    ) -> [Int] {
        guard let first = entries.first else { return [] }
        let leading = entries.map(leadingKey)
        func samePrefix(_ a: Int, _ b: Int) -> Bool {
            leading[a] == leading[b] && comparePrefixes(entries[a], entries[b]) == 0
        }
        var (low, high) = (first.due, first.due)
        for entry in entries {
            low = min(low, entry.due)
            high = max(high, entry.due)
        }
        var order: [Int]
        if high - low < 1 << 31, entries.count < 1 << 32 {
            // Due instant (from the earliest) in the high half, position in the low half.
            var packed = entries.indices.map { UInt64(entries[$0].due - low) << 32 | UInt64($0) }
            sortByHighHalf(&packed)
            order = packed.map { Int($0 & 0xFFFF_FFFF) }
        } else {
            order = entries.indices.sorted { (entries[$0].due, $0) < (entries[$1].due, $1) }
        }
        var keys = KeyBuffer()
        var start = 0
        while start < order.count {
            var end = start + 1
            let due = entries[order[start]].due
            while end < order.count, entries[order[end]].due == due { end += 1 }
            if end - start > 1 {
                order[start..<end].sort { a, b in
                    if leading[a] != leading[b] { return leading[a] < leading[b] }
                    let compared = comparePrefixes(entries[a], entries[b])
                    return compared != 0 ? compared < 0 : a < b
                }
                // Runs the prefixes cannot tell apart, ordered by their keys written out.
                var run = start
                while run < end {
                    var runEnd = run + 1
                    while runEnd < end, samePrefix(order[run], order[runEnd]) { runEnd += 1 }
                    if runEnd - run > 1 {
                        keys.removeAll()
                        for position in run..<runEnd {
                            keys.beginKey()
                            keyParts(entries[order[position]]) { keys.append($0) }
                        }
                        let group = Array(order[run..<runEnd])
                        for (offset, index) in keys.order().enumerated() { order[run + offset] = group[index] }
                    }
                    run = runEnd
                }
            }
            start = end
        }
        return order
    }

    /// Sorts by the high 32 bits, keeping the order of equal ones: a radix sort, a byte a pass
    /// (passes where every value has the same byte are skipped). Values in ascending order of
    /// their low halves end up in ascending order.
    static func sortByHighHalf(_ values: inout [UInt64]) {
        guard values.count > 1 else { return }
        var buffer = [UInt64](repeating: 0, count: values.count)
        for shift in stride(from: UInt64(32), to: 64, by: 8) {
            var starts = [Int](repeating: 0, count: 257)
            for value in values { starts[Int(truncatingIfNeeded: value >> shift) & 0xFF + 1] += 1 }
            if starts.contains(values.count) { continue }
            for digit in 1...256 { starts[digit] += starts[digit - 1] }
            values.withUnsafeBufferPointer { source in
                buffer.withUnsafeMutableBufferPointer { target in
                    for value in source {
                        let digit = Int(truncatingIfNeeded: value >> shift) & 0xFF
                        target[starts[digit]] = value
                        starts[digit] += 1
                    }
                }
            }
            swap(&values, &buffer)
        }
    }

    /// The keys of one group of occurrences due at the same instant, one after another in one buffer.
    struct KeyBuffer {
        private var bytes: [UInt8] = []
        private var ranges: [Range<Int>] = []
        private var isASCII = true

        mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
            isASCII = true
        }

        /// Starts the next key; its bytes are appended in parts.
        mutating func beginKey() {
            ranges.append(bytes.count..<bytes.count)
        }

        mutating func append(_ part: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: part)
            if isASCII, part.contains(where: { $0 >= 0x80 }) { isASCII = false }
            ranges[ranges.count - 1] = ranges[ranges.count - 1].lowerBound..<bytes.count
        }

        /// The positions of the keys in ascending order (equal ones in the order added).
        func order() -> [Int] {
            guard isASCII else {
                let keys = ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
                return ranges.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            }
            return bytes.withUnsafeBufferPointer { bytes in
                ranges.indices.sorted { a, b in
                    let (x, y) = (ranges[a], ranges[b])
                    let common = min(x.count, y.count)
                    let compared =
                        common == 0
                        ? 0 : memcmp(bytes.baseAddress! + x.lowerBound, bytes.baseAddress! + y.lowerBound, common)
                    if compared != 0 { return compared < 0 }
                    return x.count != y.count ? x.count < y.count : a < b
                }
            }
        }
    }
}

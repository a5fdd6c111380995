import Testing

@testable import TicklerCore

@Suite struct OccurrenceSortingTests {
    typealias Entry = ScheduledOccurrences.Entry

    /// Entries whose keys are given by a table (`keys[entry.number]`), sorted by `order`.
    func sorted(_ entries: [Entry], keys: [String]) -> [Int] {
        OccurrenceSorting.order(entries) { entry, part in
            var key = keys[entry.number]
            key.withUTF8 { bytes in
                // In two parts, as real keys come: the split must not matter.
                let middle = bytes.count / 2
                part(UnsafeBufferPointer(rebasing: bytes[..<middle]))
                part(UnsafeBufferPointer(rebasing: bytes[middle...]))
            }
        }
    }

    func entry(due: Int64, key: Int) -> Entry {
        Entry(due: due, number: key, contact: 0, day: 0, offset: 0, rule: 0)
    }

    @Test(arguments: [
        ["k0", "k1", "k10", "k2", "a", "b", "ab", "a/b", "a-b", "a/", ""],
        ["张/1", "张/10", "李/2", "r/é", "r/e\u{301}", "r/f", "r/e", "Z", "z"],
    ])
    func sortsByDueThenKeyAndKeepsTheOrderOfEqualOnes(keys: [String]) {
        var generator = SplitMix(seed: 3)
        let entries = (0..<1500).map { _ in
            entry(
                due: 1_800_000_000 + Int64(generator.next() % 6) * 3600, key: Int(generator.next() % UInt64(keys.count))
            )
        }
        let expected = entries.indices.sorted { a, b in
            let (x, y) = (entries[a], entries[b])
            if x.due != y.due { return x.due < y.due }
            if keys[x.number] != keys[y.number] { return keys[x.number] < keys[y.number] }
            return a < b
        }
        #expect(sorted(entries, keys: keys) == expected)
    }

    @Test func sortsInstantsFarApart() {
        let entries = [entry(due: Int64(1) << 40, key: 1), entry(due: -5, key: 0), entry(due: -5, key: 2)]
        #expect(sorted(entries, keys: ["a", "c", "b"]) == [1, 2, 0])
        #expect(sorted([], keys: []).isEmpty)
    }
}

extension OccurrenceSortingTests {
    /// The radix sort against the library's, on spreads of high halves that skip and use every pass.
    @Test(arguments: [UInt64(1), 300, 70_000, 1 << 31])
    func sortByHighHalfIsASortOfThePackedValues(spread: UInt64) {
        var generator = SplitMix(seed: spread)
        var values = (0..<5000).map { UInt64($0) | (generator.next() % spread) << 32 }
        let expected = values.sorted()
        OccurrenceSorting.sortByHighHalf(&values)
        #expect(values == expected)
    }
}

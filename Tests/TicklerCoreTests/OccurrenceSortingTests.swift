import Testing

@testable import TicklerCore

@Suite struct OccurrenceSortingTests {
    func occurrence(_ key: String, due: Int64, rule: String = "r") -> Occurrence {
        Occurrence(
            key: key, rule: rule, contact: "c", to: .contact, recipient: "c", channel: "out", due: due, offset: 0,
            day: CivilDate(year: 2027, month: 1, day: 1), detail: .every(cycle: 1, start: 0))
    }

    @Test func sortsByDueThenKeyAndKeepsTheOrderOfEqualOnes() {
        var generator = SplitMix(seed: 3)
        var parts: [[Occurrence]] = []
        for part in 0..<5 {
            parts.append(
                (0..<300).map { number in
                    let due = 1_800_000_000 + Int64(generator.next() % 6) * 3600
                    return occurrence("k\(generator.next() % 40)", due: due, rule: "part \(part) #\(number)")
                })
        }
        let expected = parts.flatMap { $0 }.sorted(by: Occurrence.precedes)
        var moved = parts
        #expect(OccurrenceSorting.sorted(&moved) == expected)
        #expect(moved.isEmpty)
    }

    @Test func sortsInstantsFarApart() {
        var parts = [[occurrence("b", due: Int64(1) << 40), occurrence("a", due: -5), occurrence("c", due: -5)]]
        #expect(OccurrenceSorting.sorted(&parts).map(\.key) == ["a", "c", "b"])
        var none: [[Occurrence]] = []
        #expect(OccurrenceSorting.sorted(&none).isEmpty)
    }

    @Test(arguments: [
        CivilDate(year: 2027, month: 3, day: 14), CivilDate(year: 1000, month: 1, day: 1),
        CivilDate(year: 9999, month: 12, day: 31), CivilDate(year: 999, month: 12, day: 31),
        CivilDate(year: 12_027, month: 3, day: 4),
    ])
    func keysAreWrittenAsTheSPECSays(day: CivilDate) {
        #expect(Schedule.key("birthday-greeting", "acme-zhang", day) == "birthday-greeting/acme-zhang/\(day)")
        #expect(Schedule.key("r", "张", day) == "r/张/\(day)")
    }
}

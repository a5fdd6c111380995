import Testing

@testable import TicklerCore

@Suite struct FirstSeenTimesTests {
    @Test func keepsTheFirstTimeOfEachIdAcrossGrowth() {
        var times = FirstSeenTimes()
        #expect(times.isEmpty && times["c1"] == nil)
        for n in 0..<50_000 { times.insert("c\(n)", at: Int64(n)) }
        for n in stride(from: 0, to: 50_000, by: 7) { times.insert("c\(n)", at: -1) }
        #expect(times.count == 50_000)
        #expect((0..<50_000).allSatisfy { times["c\($0)"] == Int64($0) })
        #expect(times["c50000"] == nil && times["c"] == nil && times[""] == nil)
    }

    @Test func idsAreTheirBytes() {
        let times: FirstSeenTimes = ["张伟": 1, "": 2, "a\"b": 3, "ab": 4]
        #expect(times["张伟"] == 1 && times[""] == 2 && times["a\"b"] == 3 && times["ab"] == 4)
        #expect(times["张"] == nil && times["a"] == nil)
        #expect(times.dictionary == ["张伟": 1, "": 2, "a\"b": 3, "ab": 4])
    }

    @Test func equalWhenTheSameIdsHaveTheSameTimesInAnyOrder() {
        let a: FirstSeenTimes = ["x": 1, "y": 2]
        var b = FirstSeenTimes(minimumCapacity: 1_000)
        b.insert("y", at: 2)
        b.insert("x", at: 1)
        #expect(a == b)
        b.insert("z", at: 3)
        #expect(a != b)
        #expect(FirstSeenTimes(["x": 1, "y": 3]) != a)
    }

    @Test func timeOfAnIdWhateverTheHint() {
        var times = FirstSeenTimes()
        for n in 0..<1_000 { times.insert("c\(n)", at: Int64(n)) }
        func asked(_ ids: [String]) -> [Int64?] {
            var hint = 0
            return ids.map { id in
                var id = id
                return id.withUTF8 { times.time(of: $0, hint: &hint) }
            }
        }
        // In the order added (each one at the hint), out of order, and ids it lacks in between.
        let inOrder = (0..<1_000).map { "c\($0)" }
        #expect(asked(inOrder) == (0..<1_000).map { Int64($0) })
        #expect(asked(inOrder.reversed()) == (0..<1_000).reversed().map { Int64($0) })
        #expect(asked(["c5", "c6", "new", "c7", "c999", "c1000", "c0", ""]) == [5, 6, nil, 7, 999, nil, 0, nil])
    }
}

import Testing

@testable import TicklerCore

@Suite struct PackedTextTests {
    @Test(
        arguments: [
            [nil, nil, nil, nil], ["张伟", nil, nil, nil], [nil, "a@b.example", nil, nil], [nil, nil, nil, "zh"],
            ["", "", "", ""], ["Emily Carter", "emily@example.com", "+1 212 555 0100", "en"],
            [String(repeating: "长", count: 300), nil, String(repeating: "x", count: 127), "zh-Hant"],
        ] as [[String?]])
    func everyStringComesBackAsItWasPacked(strings: [String?]) {
        let packed = PackedText(strings)
        #expect(packed.all == strings)
        #expect((0..<4).map(packed.contains) == strings.map { $0 != nil })
        #expect(PackedText(strings[0], strings[1], strings[2], strings[3]) == packed)
    }

    /// Texts packed into one arena (as the CSV reader packs a chunk's contacts) come back as texts
    /// packed on their own, lengths of one, two and three LEB128 bytes among them.
    @Test func anArenaPacksAsTextsOfTheirOwn() {
        let lists: [[String?]] = [
            [nil, nil, nil, nil], ["张伟", "a@b.example", nil, "zh"], ["", nil, "", nil], [nil, nil, nil, "en"],
            [String(repeating: "长", count: 50), nil, String(repeating: "x", count: 127), nil],
            [String(repeating: "y", count: 20_000), "z", nil, nil],
        ]
        var arena = PackedText.Arena(capacity: 16)
        let packed = lists.map { list in
            let bytes = list.map { $0.map { Array($0.utf8) } }
            var (a, b, c, d) = (bytes[0], bytes[1], bytes[2], bytes[3])
            return a.withUnsafeBufferPointerIfPresent { first in
                b.withUnsafeBufferPointerIfPresent { second in
                    c.withUnsafeBufferPointerIfPresent { third in
                        d.withUnsafeBufferPointerIfPresent { arena.pack(first, second, third, $0) }
                    }
                }
            }
        }
        let storage = arena.storage()
        for (list, var text) in zip(lists, packed) {
            text.adopt(storage)
            #expect(text.all == list)
            #expect(text == PackedText(list))
        }
    }

    @Test func settingOneStringKeepsTheOthers() {
        var packed = PackedText(["张伟", "a@b.example", nil, "zh"])
        packed[2] = "+86 138"
        packed[0] = nil
        #expect(packed.all == [nil, "a@b.example", "+86 138", "zh"])
        packed[3] = nil
        #expect(packed.all == [nil, "a@b.example", "+86 138", nil])
    }

    @Test func contactsWithCanonicallyEquivalentNamesAreEqualAndHashAlike() {
        let location = SourceLocation(path: "c.csv", line: 1, column: 1)
        let composed = Contact(id: "a", name: "Zo\u{EB}", location: location)
        let decomposed = Contact(id: "a", name: "Zoe\u{308}", location: location)
        #expect(composed == decomposed)
        #expect(composed.hashValue == decomposed.hashValue)
        #expect(composed != Contact(id: "a", name: "Zoe", location: location))
        #expect(Contact(id: "a", location: location) != Contact(id: "a", name: "", location: location))
    }

    @Test func compactDatesKeepTheirParts() {
        let date = PartialDate(year: 2200, month: 12, day: 31)
        #expect((date.year, date.month, date.day) == (2200, 12, 31))
        #expect(PartialDate(year: nil, month: 2, day: 29).year == nil)
        #expect(PartialDate(year: nil, month: 2, day: 29) != PartialDate(year: 0, month: 2, day: 29))
        let lunar = LunarDate(month: 4, day: 30, isLeapMonth: true)
        #expect((lunar.month, lunar.day, lunar.isLeapMonth) == (4, 30, true))
        var location = SourceLocation(path: "c.csv", line: 70_000, column: 12)
        location.column += 3
        #expect(location.description == "c.csv:70000:15")
    }
}

extension Optional where Wrapped == [UInt8] {
    /// The bytes' buffer, or `nil`.
    fileprivate mutating func withUnsafeBufferPointerIfPresent<R>(_ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard let bytes = self else { return body(nil) }
        return bytes.withUnsafeBufferPointer { body($0) }
    }
}

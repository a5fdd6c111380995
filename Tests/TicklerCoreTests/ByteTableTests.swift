import Testing

@testable import TicklerCore

/// `ByteTable`, the byte-keyed table the CSV reader and `Schedule` find zones, tiers, owners and
/// tag lists in.
@Suite struct ByteTableTests {
    @Test func findsEveryKeyAndNothingElse() {
        // Keys of every length up to 40, some differing only in one byte past the first word or
        // only in their last byte, some equal in their last eight bytes, and Chinese ones.
        var keys: [String] = [""]
        for length in 1...40 { keys.append(String(repeating: "a", count: length)) }
        for length in [9, 16, 17, 24] {
            for position in Set([0, 7, 8, length - 1]).sorted() {
                var bytes = Array(repeating: UInt8(ascii: "b"), count: length)
                bytes[position] = UInt8(ascii: "c")
                keys.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        keys += ["Asia/Shanghai", "America/New_York", "xAmerica/New_York", "华东;vip", "vip;华东", "李娜"]
        var table = ByteTable<Int>()
        for (index, key) in keys.enumerated() { table.insert(key, index) }
        for (index, key) in keys.enumerated() { #expect(table[key] == index, "\(key)") }
        for absent in ["b", String(repeating: "a", count: 41), "Asia/Shanghaj", "华南", "bbbbbbbbd"] {
            #expect(table[absent] == nil, "\(absent)")
        }
        table.insert("Asia/Shanghai", -1)  // a key already there keeps its value
        #expect(table["Asia/Shanghai"] == keys.firstIndex(of: "Asia/Shanghai"))
    }

    @Test func keepsAtMost4096Keys() {
        var table = ByteTable<Int>()
        for number in 0..<5000 { table.insert("key-\(number)", number) }
        #expect(table["key-4095"] == 4095)
        #expect(table["key-4096"] == nil)
    }
}

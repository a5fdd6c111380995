import Testing

@testable import TicklerCore

/// The word-at-a-time tests against the plain byte-by-byte ones, on every position and alignment.
@Suite struct ByteScanTests {
    @Test func wordTestsFindExactlyTheBytesAsked() {
        var generator = SplitMix(seed: 11)
        let interesting: [UInt8] = [0, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x22, 0x2C, 0x5C, 0x7F, 0x80, 0xE2, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ -> UInt8 in
                generator.next() % 3 == 0
                    ? interesting[Int(generator.next() % UInt64(interesting.count))]
                    : UInt8(0x30 + generator.next() % 64)
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(ByteScan.hasByte(word, below: 0x20) == bytes.contains { $0 < 0x20 })
            #expect(ByteScan.hasByte(word, equalTo: 0x22) == bytes.contains(0x22))
            #expect(ByteScan.hasByte(word, equalTo: 0x7F) == bytes.contains(0x7F))
            #expect(ByteScan.hasByte(word, equalTo: 0) == bytes.contains(0))
            #expect(ByteScan.hasNonASCII(word) == bytes.contains { $0 >= 0x80 })
        }
    }

    @Test func firstIndexIsTheFirstMatchFromAnyStart() {
        var generator = SplitMix(seed: 12)
        for length in 0..<40 {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in generator.next() % 9 == 0 ? UInt8(ascii: ",") : UInt8(ascii: "a") }
                bytes.withUnsafeBufferPointer { buffer in
                    for start in 0...length {
                        let found = ByteScan.firstIndex(
                            in: buffer, from: start, mayHold: { ByteScan.hasByte($0, equalTo: UInt8(ascii: ",")) },
                            matches: { $0 == UInt8(ascii: ",") })
                        #expect(found == (bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? length))
                    }
                }
            }
        }
    }

    @Test(arguments: ["", "plain text", "tab\there", "a\u{7F}b", "end\n", "长一点的中文名字没有控制字符", "\u{1}"])
    func containsControlAsTheByteTestSays(text: String) {
        var text = text
        let expected = text.utf8.contains { $0 < 0x20 || $0 == 0x7F }
        #expect(text.withUTF8 { ByteScan.containsControl($0) } == expected)
    }
}

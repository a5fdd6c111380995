import Testing

@testable import TicklerCore
@testable import TicklerInput

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
            let word = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            // Marked at all exactly when some byte is one asked for, and the lowest mark on the first.
            func first(_ marks: UInt64) -> Int? { marks == 0 ? nil : marks.trailingZeroBitCount >> 3 }
            #expect(first(ByteScan.bytes(of: word, below: 0x20)) == bytes.firstIndex { $0 < 0x20 })
            #expect(first(ByteScan.bytes(of: word, equalTo: 0x22)) == bytes.firstIndex(of: 0x22))
            #expect(first(ByteScan.bytes(of: word, equalTo: 0x7F)) == bytes.firstIndex(of: 0x7F))
            #expect(first(ByteScan.bytes(of: word, equalTo: 0)) == bytes.firstIndex(of: 0))
            let nonASCII = ByteScan.nonASCIIBytes(of: word)
            #expect((0..<8).filter { nonASCII >> (8 * $0 + 7) & 1 == 1 } == bytes.indices.filter { bytes[$0] >= 0x80 })
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
                            in: buffer, from: start, candidates: { ByteScan.bytes(of: $0, equalTo: UInt8(ascii: ",")) },
                            matches: { $0 == UInt8(ascii: ",") })
                        #expect(found == (bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? length))
                    }
                }
            }
        }
    }

    /// Candidates that are not matches (every non-ASCII byte, where only 0xE2 is asked for, as the
    /// JSON escaper does) are passed over, and the first real match is found behind them.
    @Test func firstIndexPassesOverCandidatesThatDoNotMatch() {
        var generator = SplitMix(seed: 13)
        let alphabet: [UInt8] = [UInt8(ascii: "a"), UInt8(ascii: "\""), 0x01, 0xE4, 0xB8, 0xE2, 0x80]
        for length in 0..<40 {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in
                    generator.next() % 4 == 0 ? alphabet[Int(generator.next() % UInt64(alphabet.count))] : 0x61
                }
                let matches = { (byte: UInt8) in byte < 0x20 || byte == UInt8(ascii: "\"") || byte == 0xE2 }
                bytes.withUnsafeBufferPointer { buffer in
                    for start in 0...length {
                        let found = ByteScan.firstIndex(
                            in: buffer, from: start,
                            candidates: {
                                ByteScan.bytes(of: $0, below: 0x20)
                                    | ByteScan.bytes(of: $0, equalTo: UInt8(ascii: "\""))
                                    | ByteScan.nonASCIIBytes(of: $0)
                            }, matches: matches)
                        #expect(found == (bytes[start...].firstIndex(where: matches) ?? length))
                    }
                }
            }
        }
    }

    /// `CSVChunks.tally`, which scans words, against a count one byte at a time, over every start and
    /// end (a CRLF may straddle a word or the end of the range).
    @Test func tallyCountsQuotesAndLineBreaks() {
        var generator = SplitMix(seed: 17)
        let alphabet = Array("a,\"\n\r张".utf8)
        let bytes = (0..<70).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        bytes.withUnsafeBufferPointer { buffer in
            for start in 0...buffer.count {
                for end in start...buffer.count {
                    var (quotes, lineBreaks) = (0, 0)
                    for index in start..<end {
                        if buffer[index] == UInt8(ascii: "\"") { quotes += 1 }
                        if buffer[index] == UInt8(ascii: "\n") { lineBreaks += 1 }
                        if buffer[index] == UInt8(ascii: "\r"),
                            index + 1 == buffer.count || buffer[index + 1] != UInt8(ascii: "\n")
                        {
                            lineBreaks += 1
                        }
                    }
                    let tally = CSVChunks.tally(buffer, start..<end)
                    #expect(tally.quotes == quotes && tally.lineBreaks == lineBreaks, "\(start)..<\(end)")
                }
            }
        }
    }

    @Test(arguments: [
        "", "plain text", "tab\there", "a\u{7F}b", "长一点的中文名字没有控制字符", "\u{1}", "past a word of eight bytes\u{1F}",
    ])
    func aPlainRowMarksTheCellsWithControlCharacters(text: String) {
        var row = "id,x," + text + ",y\n"
        let expected: UInt64 = text.utf8.contains { $0 < 0x20 || $0 == 0x7F } ? 0b100 : 0
        let controlCells = row.withUTF8 { bytes in
            var scanner = CSVReader.Scanner(bytes: bytes, path: "c.csv")
            let cells = scanner.plainRowCells()
            #expect(cells?.0.count == 4)
            return cells?.1
        }
        #expect(controlCells == expected)
    }
}

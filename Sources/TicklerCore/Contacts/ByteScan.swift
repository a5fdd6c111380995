/// Finding the few bytes that matter in long runs of text eight bytes at a time: a 64-bit word is
/// tested for "some byte may be one of these" with a few integer operations (the SWAR tests of
/// Hacker's Delight), and only a word that may hold one is looked at byte by byte.
///
/// The CSV scanner looks for quotes, commas and line breaks, contact fields for control
/// characters, the JSON writer for what it escapes; in a file of a million contacts almost no
/// word holds any of them.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte of `word` is below `limit` (at most 0x80).
    @inline(__always)
    static func hasByte(_ word: UInt64, below limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether some byte of `word` is `byte`.
    @inline(__always)
    static func hasByte(_ word: UInt64, equalTo byte: UInt8) -> Bool {
        hasByte(word ^ (ones &* UInt64(byte)), below: 1)
    }

    /// Whether some byte of `word` is 0x80 or above (not ASCII).
    @inline(__always)
    static func hasNonASCII(_ word: UInt64) -> Bool { word & highBits != 0 }

    /// The index of the first byte at or after `start` for which `matches` holds (`bytes.count`
    /// when none does). `mayHold` tells whether a word of eight bytes may hold such a byte; it may
    /// say yes wrongly, never no wrongly.
    @inline(__always)
    static func firstIndex(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, mayHold: (UInt64) -> Bool, matches: (UInt8) -> Bool
    ) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        while index + 8 <= count {
            if mayHold(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                for position in index..<(index + 8) where matches(base[position]) { return position }
            }
            index += 8
        }
        while index < count, !matches(base[index]) { index += 1 }
        return index
    }

    /// Whether `bytes` hold a control character (below 0x20, or DEL).
    static func containsControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        firstIndex(
            in: bytes, from: 0, mayHold: { hasByte($0, below: 0x20) || hasByte($0, equalTo: 0x7F) },
            matches: { $0 < 0x20 || $0 == 0x7F }) < bytes.count
    }
}

/// Finding the few bytes that matter in long runs of text eight bytes at a time: a 64-bit word is
/// tested for "some byte may be one of these" with a few integer operations (the SWAR tests of
/// Hacker's Delight), and the lowest byte the test marks is found with one bit count.
///
/// The CSV scanner looks for quotes, commas, line breaks and control characters, the JSON writer
/// for what it escapes; in a file of a million contacts most words hold none of them.
///
/// Inlinable: its callers are in other modules (the CSV reader in TicklerInput), and a call per word
/// — with the closures not specialized — made loading a million contacts half as fast again.
public enum ByteScan {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` (little-endian) that is below `limit` (at most 0x80).
    /// Exact up to the lowest marked byte; bytes above it may be marked wrongly.
    @inlinable @inline(__always)
    public static func bytes(of word: UInt64, below limit: UInt8) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highBits
    }

    /// The high bit of each byte of `word` equal to `byte`, exact up to the lowest marked one.
    @inlinable @inline(__always)
    public static func bytes(of word: UInt64, equalTo byte: UInt8) -> UInt64 {
        bytes(of: word ^ (ones &* UInt64(byte)), below: 1)
    }

    /// The high bit of each byte of `word` that is 0x80 or above (not ASCII).
    @inlinable @inline(__always)
    public static func nonASCIIBytes(of word: UInt64) -> UInt64 { word & highBits }

    /// The index of the first byte at or after `start` for which `matches` holds (`bytes.count`
    /// when none does). `candidates` marks (high bit per byte, as the functions above do) the bytes
    /// of a word that may match: it may mark a byte wrongly, never leave out the first one that
    /// matches.
    @inlinable @inline(__always)
    public static func firstIndex(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, candidates: (UInt64) -> UInt64,
        matches: (UInt8) -> Bool
    ) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        while index + 8 <= count {
            var marked = candidates(UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)))
            while marked != 0 {
                let position = index + marked.trailingZeroBitCount >> 3
                if matches(base[position]) { return position }
                marked &= marked &- 1
            }
            index += 8
        }
        while index < count, !matches(base[index]) { index += 1 }
        return index
    }
}

/// JSON string literals with every character that needs it escaped (RFC 8259): quotes, backslash,
/// and all control characters — so nothing a customer writes can break out of a JSON body.
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 2)
        var text = text
        text.withUTF8 { utf8 in escape(utf8) { out.append(contentsOf: $0) } }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// The inside of a JSON string for the UTF-8 `bytes`, handed to `write` piece by piece: runs that
    /// need no escape as they are, and for each character that does its escape — `\"`, `\\`, `\n`,
    /// `\r`, `\t`, `\u00XX` for the other control characters, and `\u2028`/`\u2029` (which break
    /// JavaScript string literals). Eight bytes are tested at a time: most text has nothing to escape.
    public static func escape(_ bytes: UnsafeBufferPointer<UInt8>, write: (UnsafeBufferPointer<UInt8>) -> Void) {
        let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
        var start = 0  // the first byte not yet written
        var index = 0
        while index < bytes.count {
            index = nextCandidate(in: bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            let replacement: [UInt8]
            var width = 1
            switch byte {
            case quote, backslash: replacement = [backslash, byte]
            case 0x0A: replacement = Array(#"\n"#.utf8)
            case 0x0D: replacement = Array(#"\r"#.utf8)
            case 0x09: replacement = Array(#"\t"#.utf8)
            case 0..<0x20: replacement = Array(#"\u00"#.utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default:
                // 0xE2: U+2028 and U+2029 are E2 80 A8 and E2 80 A9; every other character is copied.
                guard index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] & 0xFE == 0xA8 else {
                    index += 1
                    continue
                }
                replacement = Array(#"\u202"#.utf8) + [bytes[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9")]
                width = 3
            }
            write(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            replacement.withUnsafeBufferPointer(write)
            index += width
            start = index
        }
        write(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
    }

    /// Whether `escape` writes `bytes` as they are (nothing in them needs an escape).
    public static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            index = nextCandidate(in: bytes, from: index)
            guard index < bytes.count else { return true }
            // Only an 0xE2 that does not begin U+2028 or U+2029 is written as it is.
            guard bytes[index] == 0xE2,
                !(index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] & 0xFE == 0xA8)
            else { return false }
            index += 1
        }
        return true
    }

    /// The first byte at or after `start` that may need an escape: a control character, a quote, a
    /// backslash, or 0xE2 (which begins U+2028 and U+2029).
    private static func nextCandidate(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
        return ByteScan.firstIndex(
            in: bytes, from: start,
            candidates: {
                ByteScan.bytes(of: $0, below: 0x20) | ByteScan.bytes(of: $0, equalTo: quote)
                    | ByteScan.bytes(of: $0, equalTo: backslash) | ByteScan.nonASCIIBytes(of: $0)
            },
            matches: { $0 < 0x20 || $0 == quote || $0 == backslash || $0 == 0xE2 })
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `{"a": "x", "b": "y"}` with the keys in the order given.
    public static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { quoted($0.0) + ": " + quoted($0.1) }.joined(separator: ", ") + "}"
    }
}

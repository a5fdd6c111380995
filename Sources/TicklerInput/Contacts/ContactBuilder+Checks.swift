import TicklerCore

/// The text checks behind `ContactBuilder`, written over UTF-8 bytes: they run for every value of
/// every contact, and a CSV file may hold 100,000 of them.
extension ContactBuilder {
    /// Calls `body` with the UTF-8 bytes of `text`; a native string lends its storage, no copy.
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    /// The text without spaces and tabs around it, and how many scalars were dropped in front.
    static func trimmed(_ text: String) -> (value: String, leading: Int) {
        let (start, end, count) = withBytes(text) { bytes in
            var start = 0
            var end = bytes.count
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            return (start, end, bytes.count)
        }
        if start == 0, end == count { return (text, 0) }
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: start)
        let to = utf8.index(utf8.startIndex, offsetBy: end)
        return (String(Substring(utf8[from..<to])), start)  // spaces and tabs are one byte and one scalar each
    }

    /// Whether the text holds a line break or another control character.
    static func hasControlCharacter(_ text: String) -> Bool {
        withBytes(text) { bytes in bytes.contains { $0 < 0x20 || $0 == 0x7F } }
    }

    /// Whether the text holds an ASCII digit.
    static func hasDigit(_ text: String) -> Bool {
        withBytes(text) { bytes in bytes.contains { (0x30...0x39).contains($0) } }
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// The first character an id may not have, with its offset in scalars. Ids are part of every
    /// reminder key (`RULE/CONTACT/DATE`), Message-ID and file name, so they stay within ASCII
    /// letters, digits and `. _ - : @ + = ~`.
    static func firstInvalidIDCharacter(in id: String) -> (offset: Int, scalar: Unicode.Scalar)? {
        guard !id.utf8.allSatisfy(isIDByte) else { return nil }
        for (offset, scalar) in id.unicodeScalars.enumerated() where !(scalar.isASCII && isIDByte(UInt8(scalar.value)))
        {
            return (offset, scalar)
        }
        return nil
    }

    static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "@"),
            UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A quick yes for the common address (`li.na@example.com`): ASCII letters, digits and `._%+-`
    /// before `@`, dotted labels of letters, digits and inner hyphens after it, within the lengths
    /// `EmailAddress.validate` allows. Anything else goes through `EmailAddress.validate`, which
    /// also says what is wrong; every address accepted here is accepted there.
    static func isPlainASCIIAddress(_ address: String) -> Bool {
        var address = address
        return address.withUTF8 { isPlainASCIIAddress(utf8: $0) }
    }

    /// `isPlainASCIIAddress(_:)` over the UTF-8 bytes of the address (a byte's class is a bit
    /// test: this runs for every address of a large CSV file).
    static func isPlainASCIIAddress(utf8 address: UnsafeBufferPointer<UInt8>) -> Bool {
        let (dot, hyphen) = (UInt8(ascii: "."), UInt8(ascii: "-"))
        var index = 0
        var previous: UInt8 = 0
        while index < address.count, address[index] != UInt8(ascii: "@") {
            let byte = address[index]
            if byte == dot {
                guard index > 0, previous != dot else { return false }
            } else {
                guard ASCIIClass.isIn(ASCIIClass.localPart, byte) else { return false }
            }
            previous = byte
            index += 1
        }
        guard index < address.count, index > 0, index <= 64, previous != dot else { return false }
        index += 1
        let domainStart = index
        var labelLength = 0
        var labels = 0
        while index < address.count {
            let byte = address[index]
            if byte == dot {
                guard labelLength > 0, previous != hyphen else { return false }
                labels += 1
                labelLength = 0
            } else if byte == hyphen {
                guard labelLength > 0 else { return false }
                labelLength += 1
            } else {
                guard ASCIIClass.isIn(ASCIIClass.alphanumeric, byte) else { return false }
                labelLength += 1
            }
            guard labelLength <= 63 else { return false }
            previous = byte
            index += 1
        }
        return labels >= 1 && labelLength > 0 && previous != hyphen && address.count - domainStart <= 253
    }

    /// Sets of ASCII bytes as two 64-bit masks (bytes 0–63, 64–127).
    enum ASCIIClass {
        /// `0-9`, `A-Z`, `a-z`.
        static var alphanumeric: (UInt64, UInt64) { (0x03FF_0000_0000_0000, 0x07FF_FFFE_07FF_FFFE) }
        /// Those and `%+-` (bits 0x25, 0x2B, 0x2D) and `_` (0x5F), which an address's local part may
        /// hold besides dots.
        static var localPart: (UInt64, UInt64) { (0x03FF_2820_0000_0000, 0x07FF_FFFE_87FF_FFFE) }

        @inline(__always)
        static func isIn(_ set: (UInt64, UInt64), _ byte: UInt8) -> Bool {
            byte < 64 ? set.0 >> UInt64(byte) & 1 != 0 : byte < 128 && set.1 >> UInt64(byte - 64) & 1 != 0
        }
    }

    /// `zh`, `en`, `yue`, `zh-TW`, `es-419`, `zh-Hant`: 2 or 3 lowercase letters, optionally `-` and a
    /// region (2 capital letters or 3 digits) or a script (a capital and 3 lowercase letters).
    static func isLanguageCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        let lower = UInt8(ascii: "a")...UInt8(ascii: "z")
        let upper = UInt8(ascii: "A")...UInt8(ascii: "Z")
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        let dash = bytes.firstIndex(of: UInt8(ascii: "-")) ?? bytes.count
        guard (2...3).contains(dash), bytes[..<dash].allSatisfy(lower.contains) else { return false }
        guard dash < bytes.count else { return true }
        let region = bytes[(dash + 1)...]
        switch region.count {
        case 2: return region.allSatisfy(upper.contains)
        case 3: return region.allSatisfy(digit.contains)
        case 4: return upper.contains(region.first!) && region.dropFirst().allSatisfy(lower.contains)
        default: return false
        }
    }

    /// `ZH_tw` written the usual way (`zh-TW`), when that makes a language code.
    static func normalizedLanguageCode(_ code: String) -> String? {
        let parts = code.split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard (1...2).contains(parts.count) else { return nil }
        var result = parts[0].lowercased()
        if parts.count == 2 {
            let region = parts[1]
            result +=
                "-"
                + (region.count == 4
                    ? region.prefix(1).uppercased() + region.dropFirst().lowercased()
                    : region.uppercased())
        }
        return isLanguageCode(result) ? result : nil
    }
}

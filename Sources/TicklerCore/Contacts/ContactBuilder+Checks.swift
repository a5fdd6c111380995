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
        isPlainASCIIAddress(utf8: address.utf8)
    }

    /// `isPlainASCIIAddress(_:)` over the UTF-8 bytes of the address.
    static func isPlainASCIIAddress(utf8 address: some Sequence<UInt8>) -> Bool {
        var sawAt = false
        var localLength = 0
        var domainLength = 0
        var labelLength = 0
        var labels = 0
        var previous: UInt8 = 0
        for byte in address {
            let isAlphanumeric =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if !sawAt {
                if byte == UInt8(ascii: "@") {
                    guard localLength > 0, localLength <= 64, previous != UInt8(ascii: ".") else { return false }
                    sawAt = true
                } else if byte == UInt8(ascii: ".") {
                    guard localLength > 0, previous != UInt8(ascii: ".") else { return false }
                    localLength += 1
                } else if isAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
                    || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                {
                    localLength += 1
                } else {
                    return false
                }
            } else {
                domainLength += 1
                if byte == UInt8(ascii: ".") {
                    guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                    labels += 1
                    labelLength = 0
                } else if isAlphanumeric {
                    labelLength += 1
                } else if byte == UInt8(ascii: "-") {
                    guard labelLength > 0 else { return false }
                    labelLength += 1
                } else {
                    return false
                }
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return sawAt && labels >= 1 && labelLength > 0 && previous != UInt8(ascii: "-") && domainLength <= 253
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

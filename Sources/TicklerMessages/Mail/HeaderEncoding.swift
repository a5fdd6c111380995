import TicklerCore
import TicklerInput

/// Header values that are safe whatever a customer's name contains: printable ASCII stays as it is,
/// anything else becomes RFC 2047 encoded words (`=?UTF-8?B?…?=`), and a CR or LF is never written
/// into a header (it is replaced by a space before encoding).
public enum HeaderEncoding {
    /// The longest an encoded word may be (RFC 2047 §2).
    static let maximumEncodedWord = 75

    /// `text` as one or more encoded words when it needs encoding, else as it is (with line breaks
    /// and other control characters turned into spaces). Words are separated by CRLF + space, so the
    /// header stays folded within 78 characters; a UTF-8 sequence is never split between words.
    /// `after` is what precedes the value on its first line (`Subject: `), which the first word
    /// leaves room for.
    public static func unstructured(_ text: String, after prefix: String = "") -> String {
        let clean = singleLine(text)
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }),
            prefix.utf8.count + clean.utf8.count <= 78, !clean.contains("=?")
        {
            return clean
        }
        return encodedWords(clean, firstLineUsed: prefix.utf8.count).joined(separator: "\r\n ")
    }

    /// A display name for a mailbox: a quoted string when it is plain ASCII, encoded words otherwise.
    public static func displayName(_ name: String, after prefix: String = "") -> String {
        let clean = singleLine(name)
        let plain = clean.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if plain, !clean.contains("=?"), prefix.utf8.count + clean.utf8.count + 2 <= 78 {
            let escaped = clean.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
            return "\"" + escaped + "\""
        }
        return encodedWords(clean, firstLineUsed: prefix.utf8.count).joined(separator: "\r\n ")
    }

    /// `Name <address>` or `address`, with the name encoded as needed.
    /// An encoded name goes on folded lines of its own, and the address after it on the next line,
    /// so no line passes 78 characters.
    public static func mailbox(_ address: EmailAddress, after prefix: String = "") -> String {
        guard let name = address.displayName, !name.isEmpty else { return "<\(address.address)>" }
        let shown = displayName(name, after: prefix)
        let lastLine = shown.components(separatedByCRLF: ()).last ?? Substring(shown)
        let separator = lastLine.utf8.count + address.address.utf8.count + 3 > 78 ? "\r\n " : " "
        return shown + separator + "<" + address.address + ">"
    }

    /// `List-Unsubscribe` with the link (and, given an address, a `mailto:` that unsubscribes by
    /// mail) per RFC 2369, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` per RFC 8058 when
    /// the link is https (one-click asks for https). Each URI stands in angle brackets with every
    /// byte that could close them or the line percent-encoded; the mailto goes on a folded line of
    /// its own when the link fills the first. No headers when a URI would not fit a line of 998
    /// octets.
    public static func listUnsubscribe(url: String, mailto: String?) -> [String] {
        let link = "<" + percentEncoded(url, keeping: isURIByte) + ">"
        var header = "List-Unsubscribe: " + link
        if let mailto {
            let uri = "<mailto:" + percentEncoded(mailto, keeping: isMailtoAddressByte) + "?subject=unsubscribe>"
            let lastLine = header.components(separatedByCRLF: ()).last ?? Substring(header)
            header += lastLine.utf8.count + uri.utf8.count + 2 > 78 ? ",\r\n " + uri : ", " + uri
        }
        guard header.components(separatedByCRLF: ()).allSatisfy({ $0.utf8.count <= 998 }) else { return [] }
        guard url.lowercased().hasPrefix("https://") else { return [header] }
        return [header, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"]
    }

    /// `text` with every UTF-8 byte that `keeping` refuses written as `%XX`.
    static func percentEncoded(_ text: String, keeping: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keeping(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What a URI in `<…>` keeps as it is: printable ASCII but the space, `<`, `>` and `"`.
    static func isURIByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")
            && byte != UInt8(ascii: "\"")
    }

    /// What the address of a `mailto:` keeps as it is (RFC 6068 `qchar`: unreserved characters and
    /// `! $ ' ( ) * + , ; : @`); `%`, `?`, `&`, `#` and everything else is percent-encoded.
    static func isMailtoAddressByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!$'()*+,;:@".utf8.contains(byte)
        }
    }

    /// Control characters (CR and LF among them) become spaces: nothing can start a new header line.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    /// Base64 encoded words of at most 75 characters, each holding whole UTF-8 sequences.
    /// Each word at most 75 characters, and the first short enough to follow `firstLineUsed`
    /// characters within a 78-character line.
    static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> [String] {
        let prefix = "=?UTF-8?B?"
        let suffix = "?="
        // 75 - 12 = 63 base64 characters → at most 45 bytes (a multiple of 3 keeps words independent).
        func capacity(_ room: Int) -> Int {
            max(3, (min(room, maximumEncodedWord) - prefix.count - suffix.count) / 4 * 3)
        }
        var maximumBytes = capacity(78 - firstLineUsed)
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytes, !chunk.isEmpty {
                maximumBytes = capacity(maximumEncodedWord)
                words.append(prefix + Base64.encode(chunk) + suffix)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(prefix + Base64.encode(chunk) + suffix) }
        return words
    }
}

extension String {
    /// The lines of a header value folded with CRLF.
    func components(separatedByCRLF: Void) -> [Substring] {
        split(separator: "\r\n", omittingEmptySubsequences: false)
    }

    /// Every occurrence of `target` replaced (Foundation-free).
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Base64 (RFC 4648), and MIME bodies in lines of 76 characters.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            output.append(b1 == nil ? UInt8(ascii: "=") : alphabet[Int(((b1 ?? 0) & 0x0F) << 2 | (b2 ?? 0) >> 6)])
            output.append(b2 == nil ? UInt8(ascii: "=") : alphabet[Int((b2 ?? 0) & 0x3F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A MIME body: base64 in lines of 76 characters, each ended by CRLF.
    public static func mimeLines(_ bytes: some Collection<UInt8>) -> String {
        let encoded = Array(encode(bytes).utf8)
        var text = ""
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            text += String(decoding: encoded[start..<end], as: UTF8.self) + "\r\n"
            start = end
        }
        return text
    }
}

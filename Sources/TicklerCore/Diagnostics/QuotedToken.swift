/// A user's text as a message quotes it: in single quotes, with control characters escaped (a line
/// break must not split a diagnostic line) and very long text shortened.
///
///     "unknown contact \(QuotedToken(id))"   // unknown contact 'acme\nzhang'
public struct QuotedToken: CustomStringConvertible, Sendable {
    static let maximumLength = 60

    let text: Substring

    public init(_ text: some StringProtocol) {
        self.text = Substring(text)
    }

    public var description: String {
        var result = "'"
        var count = 0
        for scalar in text.unicodeScalars {
            if count == Self.maximumLength {
                result += "…"
                break
            }
            count += 1
            result += Self.escaped(scalar)
        }
        return result + "'"
    }

    /// `text` safe inside one line of output, without quotes or shortening.
    public static func escaped(_ text: some StringProtocol) -> String {
        // Almost every text needs no escape: then it is copied as it is, not scalar by scalar.
        guard text.unicodeScalars.contains(where: needsEscape) else { return String(text) }
        return text.unicodeScalars.map(escaped).joined()
    }

    /// Whether a scalar is written as an escape (``escaped(_:)-(Unicode.Scalar)``).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
            || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// A scalar as it may appear inside one line of output: control characters, line and paragraph
    /// separators and bidirectional overrides (which could reorder a line on screen) as escapes.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            return needsEscape(scalar)
                ? "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" : String(scalar)
        }
    }
}

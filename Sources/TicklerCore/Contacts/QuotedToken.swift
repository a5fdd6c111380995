/// A user's text as a message quotes it: in single quotes, with control characters escaped (a line
/// break must not split a diagnostic line) and very long text shortened.
struct QuotedToken: CustomStringConvertible {
    static let maximumLength = 60

    let text: Substring

    init(_ text: some StringProtocol) {
        self.text = Substring(text)
    }

    var description: String {
        var result = "'"
        var count = 0
        for scalar in text.unicodeScalars {
            if count == Self.maximumLength {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "'"
    }
}

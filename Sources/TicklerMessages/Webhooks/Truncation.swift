import TicklerCore
import TicklerInput

/// Shortening text to a chat service's documented limit without splitting a Character: an emoji, a
/// flag or a letter with its accents is kept whole or dropped whole, and a shortened text ends in "…".
enum Truncation {
    /// What a service counts.
    enum Unit {
        /// UTF-8 bytes (WeCom, ntfy, Feishu's and Teams' body sizes).
        case utf8
        /// UTF-16 code units: what JavaScript's `length` counts, and never fewer than the Unicode
        /// scalars — the safe reading of a limit stated in "characters" (Slack, Discord, Telegram).
        case utf16

        func count(_ text: some StringProtocol) -> Int {
            switch self {
            case .utf8: text.utf8.count
            case .utf16: text.utf16.count
            }
        }
    }

    static let ellipsis: Character = "…"

    /// `text` itself when it fits in `limit`; otherwise its longest prefix of whole Characters that
    /// fits with "…" appended.
    static func truncated(_ text: String, limit: Int, in unit: Unit) -> String {
        guard unit.count(text) > limit else { return text }
        let budget = limit - unit.count(String(ellipsis))
        guard budget > 0 else { return "" }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = unit.count(String(text[index]))
            guard used + width <= budget else { break }
            used += width
            end = text.index(after: index)
        }
        return String(text[..<end]) + String(ellipsis)
    }

    /// The body `build` makes from `text`, with `text` shortened (at a Character, ending in "…") as
    /// little as needed for the body to be at most `limit` bytes — for limits on the whole request,
    /// where JSON escaping and the envelope count too.
    static func body(fitting limit: Int, text: String, build: (String) -> [UInt8]) -> [UInt8] {
        let whole = build(text)
        guard whole.count > limit else { return whole }
        let characters = Array(text)
        func shortened(_ count: Int) -> [UInt8] {
            build(count == 0 ? "" : String(characters[..<count]) + String(ellipsis))
        }
        // The longest prefix whose body fits: bodies only grow with the prefix.
        var low = 0
        var high = characters.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if shortened(middle).count <= limit { low = middle } else { high = middle - 1 }
        }
        return shortened(low)
    }
}

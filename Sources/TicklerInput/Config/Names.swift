import TicklerCore

/// The spelling rules for names that end up in occurrence keys, file names and headers.
public enum Names {
    /// What a kind of name may contain, for the note that explains a bad one.
    public struct Rule: Sendable {
        public var what: String
        public var explanation: String
        let allows: @Sendable (Unicode.Scalar, _ isFirst: Bool) -> Bool

        /// The scalar offset and the character of the first thing the rule does not allow.
        public func firstProblem(in text: String) -> (offset: Int, character: Unicode.Scalar)? {
            for (offset, scalar) in text.unicodeScalars.enumerated() where !allows(scalar, offset == 0) {
                return (offset, scalar)
            }
            return nil
        }

        /// An error for `text` if it breaks the rule, located at the bad character of `node`.
        func check(_ text: String, at node: YAMLNode, diagnostics: inout Diagnostics) -> Bool {
            if text.isEmpty {
                diagnostics.error("empty \(what)", at: node.location, notes: [.init(explanation)])
                return false
            }
            guard let (offset, character) = firstProblem(in: text) else { return true }
            let shown =
                character.properties.isWhitespace || character.value < 0x20
                ? "U+" + String(character.value, radix: 16, uppercase: true) : String(character)
            diagnostics.error(
                "invalid character '\(shown)' in \(what) '\(text)'", at: node.location(atScalarOffset: offset),
                notes: [.init(explanation)])
            return false
        }
    }

    /// Rule, channel and template names: ASCII letters, digits, `.`, `_`, `-`.
    public static let rule = Rule(
        what: "rule name",
        explanation:
            "rule names appear in occurrence keys: use letters, digits, '.', '_' and '-', starting with a letter or digit",
        allows: { s, first in s.isASCIIAlphanumeric || (!first && "._-".unicodeScalars.contains(s)) })

    public static let channel = Rule(
        what: "channel name",
        explanation: "use letters, digits, '.', '_' and '-', starting with a letter or digit",
        allows: { s, first in s.isASCIIAlphanumeric || (!first && "._-".unicodeScalars.contains(s)) })

    /// Template names have no dots: `NAME.en.txt` is the English variant of `NAME`.
    public static let template = Rule(
        what: "template name",
        explanation: "a template name is a file name without extension: letters, digits, '_' and '-'",
        allows: { s, first in s.isASCIIAlphanumeric || (!first && "_-".unicodeScalars.contains(s)) })

    /// Owner ids (and contact ids): printable ASCII that is safe in keys, headers and file names.
    public static let owner = Rule(
        what: "owner id",
        explanation: "ids appear in occurrence keys: use letters, digits and . _ - : @ + = ~",
        allows: { s, first in s.isASCIIAlphanumeric || (!first && "._-:@+=~".unicodeScalars.contains(s)) })

    /// Event types: lowercase words joined by hyphens (`callback-requested`).
    public static let eventType = Rule(
        what: "event type",
        explanation: "event types are lowercase words joined by hyphens, e.g. 'purchase' or 'callback-requested'",
        allows: { s, first in ("a"..."z").contains(s) || ("0"..."9").contains(s) || (!first && s == "-") })

    /// Whether `text` is a well-formed event type (no leading, trailing or doubled hyphen either).
    public static func isEventType(_ text: String) -> Bool {
        !text.isEmpty && eventType.firstProblem(in: text) == nil && !text.hasSuffix("-") && !text.contains("--")
    }

    /// Language codes: `zh`, `en`, `zh-TW`.
    public static func isLanguage(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (2...3).contains(parts[0].count),
            parts[0].unicodeScalars.allSatisfy({ ("a"..."z").contains($0) })
        else { return false }
        return parts.count == 1
            || ((2...8).contains(parts[1].count) && parts[1].unicodeScalars.allSatisfy(\.isASCIIAlphanumeric))
    }
}

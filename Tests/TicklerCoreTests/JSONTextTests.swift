import Foundation
import Testing

@testable import TicklerCore

/// `JSONText`'s escaper, read back by Foundation's JSON parser: whatever the text, the literal parses
/// to exactly that text and holds no raw control character or line separator.
@Suite struct JSONTextTests {
    /// Characters that need escaping, characters that do not, and the neighbours of each. (Not U+FEFF:
    /// Foundation's parser drops it from strings, though JSON keeps it.)
    static let alphabet: [Unicode.Scalar] =
        [
            "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "\u{80}", "é",
            "\u{2027}", "\u{2028}", "\u{2029}", "\u{202A}", "张", "😀", "\u{FFFD}",
        ]

    @Test func randomTextsRoundTripThroughAJSONParser() throws {
        var generator = SplitMix(seed: 2028)
        for _ in 0..<5000 {
            var text = ""
            // Long runs of plain text too, so the eight-byte scan is crossed at every offset.
            for _ in 0..<Int.random(in: 0..<40, using: &generator) {
                let scalar = Self.alphabet.randomElement(using: &generator)!
                text.unicodeScalars.append(
                    contentsOf: repeatElement(scalar, count: Int.random(in: 1...9, using: &generator)))
            }
            let literal = JSONText.quoted(text)
            let parsed = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
            #expect(parsed as? String == text, "\(literal)")
            #expect(!literal.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
            // A text is plain exactly when escaping leaves it as it is.
            var bytes = text
            #expect(bytes.withUTF8(JSONText.isPlain) == (literal == "\"" + text + "\""), "\(literal)")
        }
    }
}

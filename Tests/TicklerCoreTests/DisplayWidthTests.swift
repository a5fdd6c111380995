import Testing

@testable import TicklerCore
@testable import TicklerReports

@Suite struct DisplayWidthTests {
    @Test(
        arguments: [
            ("a", 1), ("Z", 1), ("~", 1), (" ", 1),
            ("张", 2), ("伟", 2), ("한", 2), ("あ", 2), ("カ", 2), ("\u{3000}", 2),  // ideographic space
            ("𠀀", 2),  // CJK Extension B, outside the BMP
            ("Ａ", 2), ("！", 2), ("￥", 2),  // fullwidth forms
            ("ｶ", 1),  // halfwidth katakana
            ("\u{0301}", 0), ("\u{20DD}", 0),  // combining acute, enclosing circle
            ("\u{200B}", 0), ("\u{200D}", 0), ("\u{2060}", 0), ("\u{FEFF}", 0),  // zero-width and format characters
            ("\u{FE0F}", 0),  // variation selector
            ("\u{1161}", 0),  // Hangul medial vowel: joins the initial consonant before it
            ("👍", 2), ("🚀", 2), ("✅", 2), ("☕", 2), ("🤝", 2), ("🫡", 2),  // emoji shown as emoji
            ("☺", 1), ("♥", 1),  // symbols shown as text
        ] as [(String, Int)])
    func scalarWidths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test(
        arguments: [
            ("张伟 (acme-zhang)", 17),
            ("e\u{0301}te\u{0301}", 3),  // decomposed accents take no column
            ("上海艾克美机械有限公司", 22),
            ("Ｔｉｃｋｌｅｒ", 14),
            ("", 0),
        ] as [(String, Int)])
    func textWidths(text: String, width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test func paddingCountsColumnsNotCharacters() {
        #expect(DisplayWidth.padded("张伟", to: 6) == "张伟  ")
        #expect(DisplayWidth.padded("ab", to: 6) == "ab    ")
        #expect(DisplayWidth.padded("e\u{0301}", to: 3) == "e\u{0301}  ")
        // Wider than asked: unchanged, never cut.
        #expect(DisplayWidth.padded("张伟伟", to: 4) == "张伟伟")
    }
}

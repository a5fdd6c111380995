import TicklerCore
import TicklerInput

/// What a chat message shows of a reminder: a one-line title (the template's subject) and the text.
struct ChatContent {
    /// The subject with every line break folded to a space and no space around it; `nil` when there is
    /// none or it is blank.
    var title: String?
    /// The text without the blank lines and spaces a template leaves at its end.
    var text: String

    init(_ message: RenderedMessage) {
        let subject = Self.trimmed(Self.singleLine(message.subject ?? ""))
        title = subject.isEmpty ? nil : subject
        var text = message.text
        while let last = text.last, last.isWhitespace { text.removeLast() }
        self.text = text
    }

    /// The title, or else the text's first line: for the fields a service requires (DingTalk's
    /// `title`, which its notifications show).
    var headline: String {
        title ?? Self.trimmed(String(text.prefix { !$0.isNewline }))
    }

    /// The title in bold (Markdown `**…**`), a blank line, then the text; just the text without a title.
    var markdown: String {
        guard let title else { return text }
        return "**" + title + "**" + (text.isEmpty ? "" : "\n\n" + text)
    }

    /// The title, a blank line, then the text, for services that show plain text.
    var plain: String {
        guard let title else { return text }
        return title + (text.isEmpty ? "" : "\n\n" + text)
    }

    /// `text` with CR, LF and the other line and paragraph separators turned into spaces (a CRLF
    /// into one space), so it cannot break a one-line field.
    static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    private static func trimmed(_ text: String) -> String {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text[start...].lastIndex { !$0.isWhitespace }.map { text.index(after: $0) } ?? start
        return String(text[start..<end])
    }
}

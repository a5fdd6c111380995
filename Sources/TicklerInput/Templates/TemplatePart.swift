import TicklerCore

/// One part of a template — the subject, the body or the HTML — with the place in its file where it
/// starts, so that every position reported in the part is a position in the file.
struct TemplatePart: Sendable, Hashable {
    enum Role: Sendable, Hashable {
        case subject
        case body
        case html

        /// Text parts are rendered as they are; the HTML part escapes values.
        var isHTML: Bool { self == .html }
    }

    var role: Role
    /// The part's text with LF line ends.
    var text: String
    /// Where the part's first character is in its file.
    var start: SourceLocation

    var isBlank: Bool { text.unicodeScalars.allSatisfy(\.properties.isWhitespace) }

    /// The `.txt` file split into its `Subject:` line, if it has one, and its body.
    ///
    /// The subject is the rest of the first line after `Subject:` (any case), trimmed; the body
    /// starts after the blank line that must follow it. CRLF line ends become LF, which moves no
    /// position (a CR is the last character of its line).
    static func split(_ source: SourceText) -> (subject: TemplatePart?, body: TemplatePart, diagnostics: Diagnostics) {
        let text = withLFLineEnds(source.text)
        let path = source.path
        var diagnostics = Diagnostics()
        let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        let prefix = Array("subject:".unicodeScalars)
        guard let first = lines.first, hasPrefixIgnoringCase(first, prefix) else {
            return (nil, TemplatePart(role: .body, text: text, start: .file(path)), diagnostics)
        }

        let afterPrefix = first.unicodeScalars.dropFirst(prefix.count)
        let leading = afterPrefix.prefix(while: isSpaceOrTab).count
        var subjectScalars = Array(afterPrefix.dropFirst(leading))
        while let last = subjectScalars.last, isSpaceOrTab(last) { subjectScalars.removeLast() }
        let subjectText = String(String.UnicodeScalarView(subjectScalars))
        let subjectStart = SourceLocation(path: path, line: 1, column: prefix.count + 1 + leading)
        let subject = TemplatePart(role: .subject, text: subjectText, start: subjectStart)
        if subjectText.isEmpty {
            diagnostics.error(
                "empty subject", at: subjectStart,
                notes: [.init("write the subject after 'Subject:', or remove the line to send without one")]
            )
        }

        guard lines.count > 1 else {
            let body = TemplatePart(role: .body, text: "", start: SourceLocation(path: path, line: 2, column: 1))
            return (subject, body, diagnostics)
        }
        let second = lines[1]
        let rest = lines.count > 2 ? String(lines[2]) : ""
        if second.unicodeScalars.allSatisfy(isSpaceOrTab) {
            return (
                subject, TemplatePart(role: .body, text: rest, start: SourceLocation(path: path, line: 3, column: 1)),
                diagnostics
            )
        }
        let line2 = SourceLocation(path: path, line: 2, column: 1)
        diagnostics.error(
            "expected a blank line after the subject", at: line2,
            notes: [.init("the body starts after the blank line that follows the 'Subject:' line")]
        )
        let body = TemplatePart(role: .body, text: String(second) + (lines.count > 2 ? "\n" + rest : ""), start: line2)
        return (subject, body, diagnostics)
    }

    /// The `.html` file, whole.
    static func html(_ source: SourceText) -> TemplatePart {
        TemplatePart(role: .html, text: withLFLineEnds(source.text), start: .file(source.path))
    }

    /// `text` with every CRLF replaced by LF.
    static func withLFLineEnds(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        var scalars = String.UnicodeScalarView()
        var pendingCR = false
        for scalar in text.unicodeScalars {
            if pendingCR, scalar != "\n" { scalars.append("\r") }
            pendingCR = scalar == "\r"
            if !pendingCR { scalars.append(scalar) }
        }
        if pendingCR { scalars.append("\r") }
        return String(scalars)
    }

    /// Whether `line` starts with the ASCII `prefix`, in any case (`Subject:`, `SUBJECT:`).
    private static func hasPrefixIgnoringCase(_ line: Substring, _ prefix: [Unicode.Scalar]) -> Bool {
        let head = Array(line.unicodeScalars.prefix(prefix.count))
        guard head.count == prefix.count else { return false }
        return zip(head, prefix).allSatisfy { a, b in
            a == b || (("A"..."Z").contains(a) && Unicode.Scalar(UInt8(a.value) | 0x20) == b)
        }
    }

    private static func isSpaceOrTab(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }
}

import TicklerCore

/// Finds the tags of one part of a template and reports malformed ones at their exact place.
///
/// swift-mustache keeps its token tree to itself and reports only the first problem, so Tickler
/// scans tags itself: every problem in one pass, with messages in the project's words. The scanner
/// follows swift-mustache's grammar: a tag is the opening delimiter, an optional sigil (`#`, `^`,
/// `/`, `&`, `{`, `!`, `=`, `>`, `<`, `$`, `%`), whitespace, a name, whitespace, and the closing
/// delimiter (followed by `}` after a `{`). Whitespace includes line ends.
///
/// Columns count Unicode scalars, as `SourceLocation` does; the text must have LF line ends.
struct TemplateScanner {
    private let scalars: [Unicode.Scalar]
    /// The location of every scalar, plus one for the end of the text.
    private let locations: [SourceLocation]
    private var open: [Unicode.Scalar] = ["{", "{"]
    private var close: [Unicode.Scalar] = ["}", "}"]
    private var index = 0
    private var tags: [TemplateTag] = []
    private var diagnostics = Diagnostics()

    /// The tags of `text`, whose first scalar is at `start` in its file, and the problems found.
    static func scan(_ text: String, from start: SourceLocation) -> (tags: [TemplateTag], diagnostics: Diagnostics) {
        var scanner = TemplateScanner(text, from: start)
        scanner.run()
        return (scanner.tags, scanner.diagnostics)
    }

    private init(_ text: String, from start: SourceLocation) {
        scalars = Array(text.unicodeScalars)
        var locations: [SourceLocation] = []
        locations.reserveCapacity(scalars.count + 1)
        var location = start
        for scalar in scalars {
            locations.append(location)
            if scalar == "\n" {
                location = SourceLocation(path: start.path, line: location.line + 1, column: 1)
            } else {
                location.column += 1
            }
        }
        locations.append(location)
        self.locations = locations
    }

    private mutating func run() {
        while index < scalars.count {
            if matches(open, at: index) {
                scanTag()
            } else {
                index += 1
            }
        }
    }

    // MARK: Tags

    private mutating func scanTag() {
        let start = index
        let afterOpen = start + open.count
        guard afterOpen < scalars.count else {
            unclosedTag(at: start, closer: close)
            index = scalars.count
            return
        }
        switch scalars[afterOpen] {
        case "!":
            scanComment(from: start)
        case "=":
            scanSetDelimiter(from: start)
        case ">", "<", "$", "%":
            scanUnsupported(from: start, sigil: scalars[afterOpen])
        case "#":
            scanNamed(.section, from: start, nameFrom: afterOpen + 1)
        case "^":
            scanNamed(.invertedSection, from: start, nameFrom: afterOpen + 1)
        case "/":
            scanNamed(.close, from: start, nameFrom: afterOpen + 1)
        case "&":
            scanNamed(.unescapedVariable, from: start, nameFrom: afterOpen + 1)
        case "{":
            // As swift-mustache reads it: the closing delimiter, then `}` (`}}}`; `%>}` after `{{=<% %>=}}`).
            scanNamed(.unescapedVariable, from: start, nameFrom: afterOpen + 1, closer: close + ["}"])
        default:
            scanNamed(.variable, from: start, nameFrom: afterOpen)
        }
    }

    /// A tag holding one name: a variable, a section or a close tag.
    private mutating func scanNamed(
        _ kind: TemplateTag.Kind, from start: Int, nameFrom: Int, closer: [Unicode.Scalar]? = nil
    ) {
        let closer = closer ?? close
        let wordStart = skipWhitespace(from: nameFrom)
        var end = wordStart
        while end < scalars.count, !isWhitespace(scalars[end]), !matches(closer, at: end), !matches(open, at: end) {
            end += 1
        }
        let afterWord = skipWhitespace(from: end)
        guard matches(closer, at: afterWord) else {
            reportUnfinished(from: start, word: wordStart..<end, next: afterWord, closer: closer)
            return
        }
        index = afterWord + closer.count
        let name = text(wordStart..<end)
        var tag = TemplateTag(
            kind: kind, name: name, location: locations[start], nameLocation: locations[wordStart],
            open: String(String.UnicodeScalarView(open)), close: String(String.UnicodeScalarView(close))
        )
        if name.isEmpty {
            diagnostics.error(
                "empty tag", at: locations[start],
                notes: [
                    .init(
                        "write the name of a value between '\(tag.open)' and '\(tag.close)', "
                            + "e.g. '\(tag.spelling("", "contact.name"))'"
                    )
                ]
            )
            tag.isNameValid = false
        } else if !isValidName(wordStart..<end, tag: tag) {
            tag.isNameValid = false
        }
        tags.append(tag)
    }

    /// A name tag that does not end where it should: either unclosed, or with a second word in it.
    private mutating func reportUnfinished(from start: Int, word: Range<Int>, next: Int, closer: [Unicode.Scalar]) {
        let lineBreakBefore = scalars[word.upperBound..<next].contains("\n")
        if next < scalars.count, !matches(open, at: next), !lineBreakBefore,
            let found = find(closer, from: next, stoppingAtLineEnd: true)
        {
            var extraEnd = next
            while extraEnd < found, !isWhitespace(scalars[extraEnd]) { extraEnd += 1 }
            let name = text(word)
            diagnostics.error(
                "unexpected '\(text(next..<extraEnd))' in tag" + (name.isEmpty ? "" : " '\(name)'"),
                at: locations[next],
                notes: [.init("a tag holds one name; the parts of a name are joined with '.', e.g. 'contact.name'")]
            )
            index = found + closer.count
            return
        }
        unclosedTag(at: start, closer: closer)
        // Carry on after the opening delimiter, so that later tags are still checked.
        index = start + open.count + (closer.count > close.count ? 1 : 0)
    }

    private mutating func unclosedTag(at start: Int, closer: [Unicode.Scalar]) {
        diagnostics.error(
            "unclosed tag", at: locations[start],
            notes: [.init("close it with '\(String(String.UnicodeScalarView(closer)))'")]
        )
    }

    /// `{{! … }}`: anything up to the closing delimiter, over several lines if need be.
    private mutating func scanComment(from start: Int) {
        guard let found = find(close, from: start + open.count + 1, stoppingAtLineEnd: false) else {
            diagnostics.error(
                "unclosed comment", at: locations[start],
                notes: [.init("close it with '\(String(String.UnicodeScalarView(close)))'")]
            )
            index = scalars.count
            return
        }
        index = found + close.count
    }

    /// `{{=<% %>=}}`: two new delimiters, separated by whitespace, each without whitespace or `=`.
    private mutating func scanSetDelimiter(from start: Int) {
        let contentStart = start + open.count + 1
        guard let found = find(["="] + close, from: contentStart, stoppingAtLineEnd: true) else {
            unclosedTag(at: start, closer: ["="] + close)
            index = contentStart
            return
        }
        index = found + 1 + close.count
        let parts = scalars[contentStart..<found].split(whereSeparator: isWhitespace)
        guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
            let spelling = String(String.UnicodeScalarView(open)) + "=<% %>=" + String(String.UnicodeScalarView(close))
            diagnostics.error(
                "invalid set-delimiter tag '\(text(start..<index))'", at: locations[start],
                notes: [
                    .init("write the new opening and closing delimiters with a space between them, e.g. '\(spelling)'")
                ]
            )
            return
        }
        open = Array(parts[0])
        close = Array(parts[1])
    }

    /// Partials, template inheritance and pragmas, which Tickler does not support.
    private mutating func scanUnsupported(from start: Int, sigil: Unicode.Scalar) {
        let contentStart = start + open.count + 1
        guard let found = find(close, from: contentStart, stoppingAtLineEnd: true) else {
            unclosedTag(at: start, closer: close)
            index = contentStart
            return
        }
        index = found + close.count
        let name = text(contentStart..<found).trimmingWhitespace
        let location = locations[start]
        switch sigil {
        case ">":
            diagnostics.error(
                "partial '\(name)' is not supported", at: location,
                notes: [.init("a template is a single file; write the shared text into each template that needs it")]
            )
        case "%":
            diagnostics.error(
                "pragma '\(name)' is not supported", at: location,
                notes: [.init("text parts are never HTML-escaped and '.html' parts always are")]
            )
        default:
            diagnostics.error(
                "template inheritance ('\(text(start..<index))') is not supported", at: location,
                notes: [.init("a template is a single file; write the shared text into each template that needs it")]
            )
            tags.append(
                TemplateTag(
                    kind: .unsupportedSection, name: name, location: location,
                    nameLocation: locations[skipWhitespace(from: contentStart)],
                    open: String(String.UnicodeScalarView(open)), close: String(String.UnicodeScalarView(close)),
                    isNameValid: false
                )
            )
        }
    }

    // MARK: Names

    /// Checks a name's characters and dots, reporting the first problem.
    private mutating func isValidName(_ range: Range<Int>, tag: TemplateTag) -> Bool {
        let name = tag.name
        if name == "." { return true }
        for position in range where !Self.isNameScalar(scalars[position]) {
            var notes = [
                Diagnostic.Note("a name may hold ASCII letters, digits, '_' and '-', its parts joined with '.'")
            ]
            if position == range.lowerBound, "#^/&{!=>".unicodeScalars.contains(scalars[position]) {
                let sigil = String(scalars[position])
                let example = tag.spelling(sigil, name.dropFirst().trimmingWhitespace)
                notes = [.init("write '\(sigil)' right after '\(tag.open)', e.g. '\(example)'")]
            }
            diagnostics.error(
                "invalid character '\(String(scalars[position]))' in name '\(name)'", at: locations[position],
                notes: notes
            )
            return false
        }
        let parts = (name.hasPrefix(".") ? String(name.dropFirst()) : name).split(
            separator: ".", omittingEmptySubsequences: false)
        if parts.contains(where: \.isEmpty) {
            diagnostics.error(
                "invalid name '\(name)'", at: tag.nameLocation,
                notes: [.init("the parts of a name are joined with single dots, e.g. 'contact.name'")]
            )
            return false
        }
        return true
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".": true
        default: false
        }
    }

    // MARK: Reading

    private func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    private func skipWhitespace(from start: Int) -> Int {
        var position = start
        while position < scalars.count, isWhitespace(scalars[position]) { position += 1 }
        return position
    }

    private func matches(_ delimiter: [Unicode.Scalar], at position: Int) -> Bool {
        guard position + delimiter.count <= scalars.count else { return false }
        return scalars[position..<position + delimiter.count].elementsEqual(delimiter)
    }

    /// The position of the next `delimiter` from `start`. With `stoppingAtLineEnd`, the search
    /// also stops at the end of the line and at the next opening delimiter, so that no stretch of
    /// text is searched twice and scanning stays linear in the size of the text.
    private func find(_ delimiter: [Unicode.Scalar], from start: Int, stoppingAtLineEnd: Bool) -> Int? {
        var position = start
        while position < scalars.count {
            if matches(delimiter, at: position) { return position }
            if stoppingAtLineEnd, scalars[position] == "\n" || matches(open, at: position) { return nil }
            position += 1
        }
        return nil
    }

    private func text(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (spaces, tabs, line ends, ideographic spaces).
    fileprivate var trimmingWhitespace: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

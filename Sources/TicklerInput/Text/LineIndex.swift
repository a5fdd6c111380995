import TicklerCore

/// Random access to the lines of a text by 1-based line number, for diagnostics that need to look
/// at the text around a place (the character there, the next occurrence of a key).
struct LineIndex {
    let lines: [Substring]

    /// Splits on LF scalars (a `Character` split would keep CRLF lines together) and drops a CR before each.
    init(_ text: String) {
        lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let trimmed = line.last == "\r" ? line.dropLast() : line
            return Substring(trimmed)
        }
    }

    func line(_ number: Int) -> Substring? {
        lines.indices.contains(number - 1) ? lines[number - 1] : nil
    }

    /// The scalar at a 1-based line and column, if there is one.
    func character(at location: SourceLocation) -> Unicode.Scalar? {
        guard let line = line(location.line) else { return nil }
        let scalars = line.unicodeScalars
        guard location.column >= 1, location.column <= scalars.count else { return nil }
        return scalars[scalars.index(scalars.startIndex, offsetBy: location.column - 1)]
    }
}

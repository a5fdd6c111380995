import TicklerCore

/// Finds where a duplicated YAML key is written the second time.
///
/// Yams stops at a duplicate key and names only the first occurrence; a person fixing the file
/// wants to be pointed at the repeat, so look for the next line that sets the same key at the same
/// column.
enum DuplicateKeyFinder {
    static func nextOccurrence(of key: String, after first: SourceLocation, in source: SourceText)
        -> SourceLocation?
    {
        let index = LineIndex(source.text)
        let spellings = [key + ":", "\"\(key)\":", "'\(key)':"]
        var number = first.line + 1
        while let line = index.line(number) {
            let scalars = Array(line.unicodeScalars)
            let indent = scalars.prefix { $0 == " " }.count
            let content = String(String.UnicodeScalarView(scalars.dropFirst(indent)))
            if indent + 1 < first.column, !content.isEmpty, !content.hasPrefix("#"), !content.hasPrefix("-") {
                return nil  // left the map that holds the key
            }
            if indent + 1 == first.column, spellings.contains(where: content.hasPrefix) {
                return SourceLocation(path: source.path, line: number, column: first.column)
            }
            number += 1
        }
        return nil
    }
}

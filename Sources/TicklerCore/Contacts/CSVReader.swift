/// Reads comma-separated values as RFC 4180 writes them, over UTF-8 bytes.
///
/// - A field in double quotes may hold commas and line breaks; a quote inside it is written `""`.
///   Spaces before the opening quote and after the closing one are tolerated.
/// - Rows end with CRLF, LF or a lone CR (Excel's "CSV (Macintosh)"); a CRLF inside a quoted field
///   becomes LF. Empty lines, the trailing one included, are skipped. A UTF-8 byte-order mark is
///   already gone (`SourceText` strips it).
/// - Problems are reported at their place: an unterminated quote at the opening quote, a quote inside
///   an unquoted field, text after a closing quote. A row with a problem is not passed on.
///
/// Locations: a cell's column is its first character — for a quoted cell, the first character
/// inside the quote. Columns count Unicode scalars from 1.
public enum CSVReader {
    /// One field of a row.
    public struct Cell: Sendable, Hashable {
        public var value: String
        public var line: Int
        public var column: Int
        public var isQuoted: Bool

        public init(value: String, line: Int, column: Int, isQuoted: Bool = false) {
            self.value = value
            self.line = line
            self.column = column
            self.isQuoted = isQuoted
        }

        public func location(in path: String) -> SourceLocation {
            SourceLocation(path: path, line: line, column: column)
        }
    }

    /// One record: its cells, and the line it starts on.
    public struct Row: Sendable, Hashable {
        public var cells: [Cell]
        public var line: Int

        /// Whether every cell is empty or only spaces (`,,,` from a spreadsheet's blank row).
        public var isBlank: Bool {
            cells.allSatisfy { $0.value.utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } }
        }
    }

    /// Every well-formed row of the text, in order, and the problems found.
    public static func rows(in source: SourceText) -> (rows: [Row], diagnostics: Diagnostics) {
        var rows: [Row] = []
        let diagnostics = forEachRow(in: source) { rows.append($0) }
        return (rows, diagnostics)
    }

    /// Calls `body` with each well-formed row in order, without collecting them; returns the problems.
    public static func forEachRow(in source: SourceText, _ body: (Row) -> Void) -> Diagnostics {
        var text = source.text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes, path: source.path)
            scanner.run {
                body($0)
                return true
            }
            return scanner.diagnostics
        }
    }

    /// The byte-level reader. `bytes` starts at the start of a row, on line `line` (for the chunks
    /// `CSVChunks` splits a large file into); `i` and `line` tell where it stopped.
    struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        let path: String
        var diagnostics = Diagnostics()
        var i = 0
        var line = 1
        var column = 1
        var cells: [Cell] = []
        var scratch: [UInt8] = []
        var rowIsBroken = false

        init(bytes: UnsafeBufferPointer<UInt8>, path: String, line: Int = 1) {
            self.b = bytes
            self.path = path
            self.line = line
        }

        /// Reads rows until the end of the bytes, or until `body` returns `false`.
        ///
        /// With `plain`, a row without quotes goes to `plain` first, as the byte ranges of its cells
        /// and its line; when `plain` returns `false`, the row is read again and goes to `body`.
        mutating func run(plain: ((_ cells: [Range<Int>], _ line: Int) -> Bool)? = nil, _ body: (Row) -> Bool) {
            let n = b.count
            var ranges: [Range<Int>] = []
            while i < n {
                if b[i] == lf || b[i] == cr {
                    consumeLineEnd()
                    continue
                }
                let rowLine = line
                if let plain {
                    let rowStart = i
                    if plainRow(&ranges), plain(ranges, rowLine) { continue }
                    (i, line, column) = (rowStart, rowLine, 1)
                }
                cells.removeAll(keepingCapacity: true)
                rowIsBroken = false
                while true {
                    guard readCell() else { return }  // unterminated quote: the rest of the file is inside it
                    if i < n, b[i] == comma {
                        i += 1
                        column += 1
                        continue
                    }
                    if i < n { consumeLineEnd() }
                    break
                }
                if !rowIsBroken, !body(Row(cells: cells, line: rowLine)) { return }
            }
        }

        /// The cells of the row at `i` as byte ranges when no byte of it is a quote, and `i` past
        /// it; `false` (with `i` anywhere in the row) otherwise.
        mutating func plainRow(_ ranges: inout [Range<Int>]) -> Bool {
            ranges.removeAll(keepingCapacity: true)
            let n = b.count
            var start = i
            while i < n {
                i = ByteScan.firstIndex(
                    in: b, from: i,
                    candidates: {
                        ByteScan.bytes(of: $0, equalTo: quote) | ByteScan.bytes(of: $0, equalTo: comma)
                            | ByteScan.bytes(of: $0, equalTo: lf) | ByteScan.bytes(of: $0, equalTo: cr)
                    }, matches: { $0 == quote || $0 == comma || $0 == lf || $0 == cr })
                guard i < n else { break }
                let c = b[i]
                if c == quote { return false }
                if c == comma {
                    ranges.append(start..<i)
                    i += 1
                    start = i
                    continue
                }
                if c == lf || c == cr { break }
                i += 1
            }
            ranges.append(start..<i)
            if i < n { consumeLineEnd() }
            return true
        }

        /// Steps over CRLF, LF or CR.
        mutating func consumeLineEnd() {
            if b[i] == cr, i + 1 < b.count, b[i + 1] == lf { i += 1 }
            i += 1
            line += 1
            column = 1
        }

        /// Reads one cell, leaving `i` at the `,`, the line end or the end of the text.
        /// Returns `false` at an unterminated quote.
        mutating func readCell() -> Bool {
            let n = b.count
            var j = i
            while j < n, b[j] == space || b[j] == tab { j += 1 }
            guard j < n, b[j] == quote else {
                readUnquotedCell()
                return true
            }
            let opening = SourceLocation(path: path, line: line, column: column + (j - i))
            column += j - i + 1
            i = j + 1
            let (cellLine, cellColumn) = (line, column)
            scratch.removeAll(keepingCapacity: true)
            var segment = i
            while true {
                guard i < n else {
                    diagnostics.error(
                        "unterminated quoted field", at: opening,
                        notes: [.init("add the closing '\"'; a quote inside a quoted field is written '\"\"'")])
                    return false
                }
                let c = b[i]
                if c == quote {
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<i]))
                    if i + 1 < n, b[i + 1] == quote {
                        scratch.append(quote)
                        i += 2
                        column += 2
                        segment = i
                        continue
                    }
                    i += 1
                    column += 1
                    break
                } else if c == cr {
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[segment..<i]))
                    scratch.append(lf)
                    if i + 1 < n, b[i + 1] == lf { i += 1 }
                    i += 1
                    line += 1
                    column = 1
                    segment = i
                } else if c == lf {
                    i += 1
                    line += 1
                    column = 1
                } else {
                    if c & 0xC0 != 0x80 { column += 1 }
                    i += 1
                }
            }
            let value = String(decoding: scratch, as: UTF8.self)
            while i < n, b[i] == space || b[i] == tab {
                i += 1
                column += 1
            }
            if i < n, b[i] != comma, b[i] != lf, b[i] != cr {
                diagnostics.error(
                    "unexpected \(QuotedToken(String(scalar(at: i)))) after a closing quote",
                    at: SourceLocation(path: path, line: line, column: column),
                    notes: [
                        .init("a quoted field ends at the next ',' or line end; a quote inside it is written '\"\"'")
                    ])
                rowIsBroken = true
                skipToCellEnd()
            }
            cells.append(Cell(value: value, line: cellLine, column: cellColumn, isQuoted: true))
            return true
        }

        mutating func readUnquotedCell() {
            let start = i
            let cellColumn = column
            while i < b.count {
                let c = b[i]
                if c == comma || c == lf || c == cr { break }
                if c == quote, !rowIsBroken {
                    diagnostics.error(
                        "unexpected '\"' in an unquoted field",
                        at: SourceLocation(path: path, line: line, column: column),
                        notes: [
                            .init(
                                "put the whole field in double quotes and double each quote inside, e.g. \"Tony \"\"Zhang\"\" Wei\""
                            )
                        ])
                    rowIsBroken = true
                }
                if c & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
            let value = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
            cells.append(Cell(value: value, line: line, column: cellColumn))
        }

        mutating func skipToCellEnd() {
            while i < b.count, b[i] != comma, b[i] != lf, b[i] != cr {
                if b[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }

        /// The Unicode scalar whose first byte is at `index`.
        func scalar(at index: Int) -> Unicode.Scalar {
            var end = index + 1
            while end < b.count, b[end] & 0xC0 == 0x80 { end += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: b[index..<end]), as: UTF8.self).unicodeScalars.first!
        }
    }
}

private let comma = UInt8(ascii: ",")
private let quote = UInt8(ascii: "\"")
private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")

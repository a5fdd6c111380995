import TicklerCore

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
        /// With `plain`, a row without quotes goes to `plain` first, as the byte ranges of its cells,
        /// its line and which cells hold control characters (`plainRow`); when `plain` returns
        /// `false`, the row is read again and goes to `body`.
        mutating func run(
            plain: ((_ cells: UnsafeBufferPointer<Range<Int>>, _ line: Int, _ controlCells: UInt64) -> Bool)? = nil,
            _ body: (Row) -> Bool
        ) {
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: CellRanges.capacity) { room in
                var ranges = CellRanges(room: room)
                run(plain: plain, ranges: &ranges, body)
            }
        }

        private mutating func run(
            plain: ((_ cells: UnsafeBufferPointer<Range<Int>>, _ line: Int, _ controlCells: UInt64) -> Bool)?,
            ranges: inout CellRanges, _ body: (Row) -> Bool
        ) {
            let n = b.count
            var controlCells: UInt64 = 0
            while i < n {
                if b[i] == lf || b[i] == cr {
                    consumeLineEnd()
                    continue
                }
                let rowLine = line
                if let plain {
                    let rowStart = i
                    if plainRow(&ranges, controlCells: &controlCells), plain(ranges.cells, rowLine, controlCells) {
                        continue
                    }
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

        /// The cells of the row at `i` as byte ranges, and `i` past it, when the row is plain: each
        /// cell unquoted, or quoted from its first byte to its last without a quote, line break or
        /// control character inside (`"Jackson, José"`: the range is what is inside the quotes).
        /// `false` (with `i` anywhere in the row) otherwise: the row is then read cell by cell,
        /// which reports what is wrong with it. `controlCells` gets a bit per cell (the first 64)
        /// holding a control character (below 0x20, or DEL); a row with one in a later cell is not
        /// plain.
        ///
        /// One pass over the row's words: every byte the word test marks is looked at, so the
        /// cells of a word are split without reading it again.
        mutating func plainRow(_ ranges: inout CellRanges, controlCells: inout UInt64) -> Bool {
            ranges.count = 0
            controlCells = 0
            guard let base = b.baseAddress else { return true }
            let n = b.count
            var start = i
            var index = i
            enum Step {
                case next, rowEnd, notPlain
                /// Scanning goes on at this index (after a quoted cell).
                case resume(Int)
            }
            // A cell ends at `position` (a comma, a line break or the end).
            func endCell(_ cell: Range<Int>, at position: Int) -> Step {
                guard ranges.append(cell) else { return .notPlain }
                guard position < n, base[position] == comma else {
                    i = position
                    if position < n { consumeLineEnd() }
                    return .rowEnd
                }
                start = position + 1
                return .next
            }
            // What the byte at `position`, which the word test marked, does to the row.
            func step(_ position: Int) -> Step {
                let c = base[position]
                if c == comma || c == lf || c == cr { return endCell(start..<position, at: position) }
                if c == quote {
                    guard position == start else { return .notPlain }
                    let closing = ByteScan.firstIndex(
                        in: b, from: position + 1,
                        candidates: {
                            ByteScan.bytes(of: $0, equalTo: quote) | ByteScan.bytes(of: $0, below: 0x20)
                                | ByteScan.bytes(of: $0, equalTo: 0x7F)
                        }, matches: { $0 == quote || $0 < 0x20 || $0 == 0x7F })
                    let after = closing + 1
                    guard closing < n, base[closing] == quote,
                        after == n || base[after] == comma || base[after] == lf || base[after] == cr
                    else { return .notPlain }
                    let step = endCell(position + 1..<closing, at: after)
                    guard case .next = step else { return step }
                    return .resume(after + 1)
                }
                if c < 0x20 || c == 0x7F {
                    guard ranges.count < 64 else { return .notPlain }
                    controlCells |= 1 << UInt64(ranges.count)
                }
                return .next
            }
            while index < n {
                var marked: UInt64
                var next: Int
                if index + 8 <= n {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                    marked =
                        ByteScan.bytes(of: word, below: 0x20) | ByteScan.bytes(of: word, equalTo: quote)
                        | ByteScan.bytes(of: word, equalTo: comma) | ByteScan.bytes(of: word, equalTo: 0x7F)
                    next = index + 8
                } else {
                    marked = 0x80  // the last bytes, one at a time
                    next = index + 1
                }
                while marked != 0 {
                    switch step(index + marked.trailingZeroBitCount >> 3) {
                    case .next: marked &= marked &- 1
                    case .rowEnd: return true
                    case .notPlain: return false
                    case .resume(let position):
                        next = position
                        marked = 0
                    }
                }
                index = next
            }
            guard ranges.append(start..<n) else { return false }  // the row ends with the text
            i = n
            return true
        }

        /// The column of the cell `range` of the plain row `row` (counting Unicode scalars from 1, as
        /// the scanner counts them for a `Cell`).
        static func column(
            of range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, row: UnsafeBufferPointer<Range<Int>>
        ) -> Int {
            // The row starts at its first cell, or at the quote before it: an unquoted first cell
            // follows a line end or nothing.
            let first = row[0].lowerBound
            let start = first > 0 && bytes[first - 1] == quote ? first - 1 : first
            var column = 1
            for index in start..<range.lowerBound where bytes[index] & 0xC0 != 0x80 { column += 1 }
            return column
        }

        /// The byte ranges of a plain row's cells, in room made once for them all (a row with more
        /// cells than that is not plain).
        struct CellRanges {
            static let capacity = 256
            let room: UnsafeMutableBufferPointer<Range<Int>>
            var count = 0

            var cells: UnsafeBufferPointer<Range<Int>> { UnsafeBufferPointer(rebasing: room[..<count]) }

            /// Adds `cell`; `false` when there is no room for it.
            mutating func append(_ cell: Range<Int>) -> Bool {
                guard count < room.count else { return false }
                room.initializeElement(at: count, to: cell)
                count += 1
                return true
            }
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
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[index..<end]), as: UTF8.self)
            return text.unicodeScalars.first ?? "\u{FFFD}"
        }
    }
}

private let comma = UInt8(ascii: ",")
private let quote = UInt8(ascii: "\"")
private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")

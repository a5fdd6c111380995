import TicklerCore

/// Splits CSV bytes into chunks that start at the start of a row, so that each can be read on its
/// own core, and says which line each starts on.
///
/// A row boundary is a line break outside double quotes. Whether a byte is inside quotes follows
/// from the number of quotes before it — in a file the scanner reads without a syntax error, a
/// quote only opens, closes or doubles inside a quoted field. A file with a syntax error may be
/// split wrongly, but its first error still shows in the chunk that holds it (the chunks before it
/// are split correctly), and the reader then reads the file again in one piece.
///
/// One parallel pass counts the quotes and line breaks of each slice of the bytes; then each chunk
/// boundary is found from a slice start, knowing the quote parity and the line there.
enum CSVChunks {
    /// A part of the bytes: `range` starts at a row start on line `line`; `lineBreaks` is the number of
    /// line breaks in it (so it holds at most `lineBreaks + 1` rows).
    struct Chunk: Sendable, Equatable {
        var range: Range<Int>
        var line: Int
        var lineBreaks: Int
    }

    /// Bytes shared by the tasks of one `split` or parse; they outlive every task.
    struct Bytes: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<UInt8>
    }

    /// `bytes[start...]`, which starts at a row start on line `line`, in about `count` chunks.
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, line: Int, count: Int) -> [Chunk] {
        let end = bytes.count
        let parts = max(1, min(count, (end - start) / 4096))
        let sliceStarts = (0...parts).map { start + (end - start) * $0 / parts }
        let shared = Bytes(buffer: bytes)
        let counts = ParallelMap.run(Array(0..<parts)) { part in
            tally(shared.buffer, sliceStarts[part]..<sliceStarts[part + 1])
        }
        var boundaries = [(offset: start, line: line)]
        var quotes = 0
        var lines = line
        for part in 1..<max(1, parts) {
            quotes += counts[part - 1].quotes
            lines += counts[part - 1].lineBreaks
            guard let boundary = nextRowStart(bytes, from: sliceStarts[part], quotes: quotes, line: lines),
                boundary.offset > boundaries.last!.offset
            else { continue }
            boundaries.append(boundary)
        }
        boundaries.append((end, line + counts.reduce(0) { $0 + $1.lineBreaks }))
        return (0..<boundaries.count - 1).map { index in
            let (first, next) = (boundaries[index], boundaries[index + 1])
            return Chunk(range: first.offset..<next.offset, line: first.line, lineBreaks: next.line - first.line)
        }
    }

    /// The quotes and line breaks in `range` (CRLF counts once, as the scanner counts lines).
    static func tally(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (quotes: Int, lineBreaks: Int) {
        var quotes = 0
        var lineBreaks = 0
        let n = bytes.count
        let slice = UnsafeBufferPointer(rebasing: bytes[..<range.upperBound])
        var index = range.lowerBound
        while true {
            index = nextQuoteOrLineBreak(in: slice, from: index)
            guard index < range.upperBound else { break }
            let byte = bytes[index]
            index += 1
            if byte == quote {
                quotes += 1
            } else if byte == lf {
                lineBreaks += 1
            } else if byte == cr, index == n || bytes[index] != lf {
                lineBreaks += 1
            }
        }
        return (quotes, lineBreaks)
    }

    /// The index of the first double quote, line feed or carriage return at or after `index`, or
    /// `bytes.count` when there is none: the bytes that decide where rows end.
    static func nextQuoteOrLineBreak(in bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        ByteScan.firstIndex(
            in: bytes, from: index,
            candidates: {
                ByteScan.bytes(of: $0, equalTo: quote) | ByteScan.bytes(of: $0, equalTo: lf)
                    | ByteScan.bytes(of: $0, equalTo: cr)
            }, matches: { $0 == quote || $0 == lf || $0 == cr })
    }

    /// The first row start at or after `offset`, given the number of quotes before `offset` and its
    /// line; `nil` when no row starts after it.
    static func nextRowStart(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int, quotes: Int, line: Int) -> (
        offset: Int, line: Int
    )? {
        var inQuotes = quotes % 2 == 1
        var line = line
        var index = offset
        let n = bytes.count
        while index < n {
            let byte = bytes[index]
            index += 1
            if byte == quote {
                inQuotes.toggle()
            } else if byte == lf {
                line += 1
                if !inQuotes { return (index, line) }
            } else if byte == cr, index == n || bytes[index] != lf {
                line += 1
                if !inQuotes { return (index, line) }
            }
        }
        return nil
    }
}

private let quote = UInt8(ascii: "\"")
private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")

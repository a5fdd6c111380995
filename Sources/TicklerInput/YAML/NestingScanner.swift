import TicklerCore

/// Bounds the nesting depth of a YAML text before it is parsed.
///
/// The YAML composer recurses once per level, so `[[[[…` a few million deep would exhaust the stack.
/// This single pass over the bytes computes an upper bound of the depth at every line — block levels
/// from indentation and the `- `, `? ` and `key: ` indicators on each line, flow levels from brackets
/// outside quotes and comments — and reports the first place where the bound passes the limit.
/// The bound may overestimate pathological text, never underestimate it.
enum NestingScanner {
    static func firstLocation(deeperThan limit: Int, in source: SourceText) -> SourceLocation? {
        var scanner = State(limit: limit)
        var found: (line: Int, byteInLine: Int)?
        var text = source.text
        text.withUTF8 { bytes in found = scanner.run(bytes) }
        guard let found else { return nil }
        return location(line: found.line, byte: found.byteInLine, in: source)
    }

    private static func location(line: Int, byte: Int, in source: SourceText) -> SourceLocation {
        let text = LineIndex(source.text).line(line) ?? ""
        let column = text.utf8.prefix(byte).count { $0 & 0xC0 != 0x80 } + 1
        return SourceLocation(path: source.path, line: line, column: column)
    }

    private struct State {
        let limit: Int
        var blocks: [(indent: Int, levels: Int)] = []
        var blockTotal = 0
        var flow = 0
        var quote: UInt8? = nil
        var blockScalarIndent: Int? = nil

        init(limit: Int) { self.limit = limit }

        mutating func run(_ bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, byteInLine: Int)? {
            var lineNumber = 1
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if let column = scanLine(bytes, start, end) { return (lineNumber, column) }
                lineNumber += 1
                start = end + 1
            }
            return nil
        }

        /// Returns the byte offset within the line where the bound first passes the limit.
        mutating func scanLine(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
            var i = start
            while i < end, b[i] == UInt8(ascii: " ") { i += 1 }
            let indent = i - start
            let blank = i == end || b[i] == UInt8(ascii: "#") || b[i] == UInt8(ascii: "\r")
            if let scalarIndent = blockScalarIndent {
                if blank || indent > scalarIndent { return nil }
                blockScalarIndent = nil
            }
            var lineLevels = 0
            if quote == nil, flow == 0 {
                if blank { return nil }
                while let last = blocks.last, last.indent >= indent {
                    blockTotal -= last.levels
                    blocks.removeLast()
                }
                lineLevels = 1
            }
            var previous = UInt8(ascii: " ")
            var lastToken: UInt8 = 0
            while i < end {
                let c = b[i]
                if let open = quote {
                    if c == UInt8(ascii: "\\"), open == UInt8(ascii: "\"") {
                        i += 2
                        continue
                    }
                    if c == open {
                        if open == UInt8(ascii: "'"), i + 1 < end, b[i + 1] == open {
                            i += 2
                            continue
                        }
                        quote = nil
                    }
                    previous = c
                    i += 1
                    continue
                }
                let next = i + 1 < end ? b[i + 1] : UInt8(ascii: " ")
                let atTokenStart = [
                    UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "["), UInt8(ascii: "{"),
                    UInt8(ascii: ","), UInt8(ascii: ":"),
                ].contains(previous)
                switch c {
                case UInt8(ascii: "#") where previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t"):
                    i = end
                    continue
                case UInt8(ascii: "'") where atTokenStart, UInt8(ascii: "\"") where atTokenStart:
                    quote = c
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flow += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flow = max(0, flow - 1)
                case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                    let endsWord = next == UInt8(ascii: " ") || next == UInt8(ascii: "\r") || i + 1 == end
                    if flow == 0, endsWord { lineLevels += 1 }
                default:
                    break
                }
                if c != UInt8(ascii: " "), previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t") {
                    lastToken = c  // the first character of the line's last word
                }
                if blockTotal + lineLevels + flow > limit { return i - start }
                previous = c
                i += 1
            }
            if quote == nil, flow == 0, lineLevels > 0 {
                blocks.append((indent, lineLevels))
                blockTotal += lineLevels
                if lastToken == UInt8(ascii: "|") || lastToken == UInt8(ascii: ">") { blockScalarIndent = indent }
            }
            return nil
        }
    }
}

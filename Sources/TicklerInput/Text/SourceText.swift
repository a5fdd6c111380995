import TicklerCore

/// The text of a file a person wrote, decoded as UTF-8, with a leading byte-order mark removed.
///
/// Decoding fails with a diagnostic at the first byte that is not UTF-8, or at a NUL byte (which
/// only binary files contain), so garbage is reported at its place instead of being misread.
public struct SourceText: Sendable {
    public let path: String
    public let text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    /// Decodes `bytes`, reporting invalid UTF-8 and NUL bytes at their line and column.
    public static func decode(_ bytes: [UInt8], path: String) -> Result<SourceText, Diagnostic> {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let body = bytes[start...]
        // Fast path: the standard library validates UTF-8 with vector instructions; NUL is a memchr.
        if !body.contains(0), let text = String(validating: body, as: UTF8.self) {
            return .success(SourceText(path: path, text: text))
        }
        if let problem = firstProblem(in: body) {
            let location = Self.location(ofByte: problem.offset, in: body, path: path)
            return .failure(.error(problem.message, at: location, notes: [problem.note]))
        }
        return .success(SourceText(path: path, text: String(decoding: body, as: UTF8.self)))
    }

    /// The line and column of the byte at `offset` (relative to the slice's start).
    static func location(ofByte offset: Int, in bytes: ArraySlice<UInt8>, path: String) -> SourceLocation {
        var line = 1
        var column = 1
        var index = bytes.startIndex
        let end = bytes.startIndex + offset
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1  // count scalars: continuation bytes do not start a new column
            }
            index += 1
        }
        return SourceLocation(path: path, line: line, column: column)
    }

    private struct Problem {
        var offset: Int
        var message: String
        var note: Diagnostic.Note
    }

    private static func firstProblem(in bytes: ArraySlice<UInt8>) -> Problem? {
        if let nul = bytes.firstIndex(of: 0) {
            return Problem(
                offset: nul - bytes.startIndex,
                message: "file contains a NUL byte; it looks like a binary file, not text",
                note: .init("configuration, contact and template files must be UTF-8 text")
            )
        }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return Problem(
                    offset: offset,
                    message: "invalid UTF-8 byte sequence",
                    note: .init("save the file as UTF-8 (GBK or GB18030 files must be converted, e.g. with iconv)")
                )
            }
        }
    }
}

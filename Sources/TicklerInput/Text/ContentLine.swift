import TicklerCore

/// One content line of a vCard (RFC 6350) or an iCalendar file (RFC 5545), which share the format, after unfolding: `[group.]NAME[;PARAM=VALUE…]:value`, with the
/// places its pieces came from, so a folded value is still reported where it is written.
struct ContentLine {
    /// The unfolded text.
    var text: String
    /// Where each physical line's text starts: its scalar offset in `text`, and its place in the file.
    var pieces: [(offset: Int, location: SourceLocation)]

    var location: SourceLocation { pieces[0].location }

    /// The file location of the scalar at `offset` in the unfolded text.
    func location(atOffset offset: Int) -> SourceLocation {
        let piece = pieces.last { $0.offset <= offset } ?? pieces[0]
        return piece.location.advanced(by: offset - piece.offset)
    }

    /// The content lines of a vCard text: CRLF or LF line ends, and a line starting with a space or
    /// a tab continues the one before it (RFC 6350 §3.2), without that space. Blank lines are dropped.
    static func unfold(_ text: String, path: String) -> [ContentLine] {
        var lines: [ContentLine] = []
        var number = 0
        var currentCount = 0
        // Split on bytes: as Characters, "\r\n" is one grapheme and would not split at "\n".
        for bytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let raw = Substring(bytes)
            let physical = bytes.last == UInt8(ascii: "\r") ? Substring(bytes.dropLast()) : raw
            if let first = physical.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"),
                !lines.isEmpty
            {
                let rest = physical.dropFirst()
                lines[lines.count - 1].pieces.append(
                    (currentCount, SourceLocation(path: path, line: number, column: 2)))
                lines[lines.count - 1].text += rest
                currentCount += rest.unicodeScalars.count
                continue
            }
            if physical.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append(
                ContentLine(text: String(physical), pieces: [(0, SourceLocation(path: path, line: number, column: 1))]))
            currentCount = physical.unicodeScalars.count
        }
        return lines
    }

    /// The parts of a content line.
    struct Parts {
        /// The property name in capitals, without its group (`EMAIL` for `item1.email`).
        var name: String
        /// The name as written, group and all, for messages.
        var writtenName: String
        /// Parameters by capitalised name; values as written (`TYPE=work,home` → `["TYPE": "work,home"]`).
        /// A bare parameter (`;HOME`, vCard 2.1) is a `TYPE`.
        var parameters: [String: String]
        var value: String
        /// The scalar offset of the value in the line.
        var valueOffset: Int
    }

    /// Splits the line at its first `:` outside a quoted parameter value; `nil` when it has none.
    func parts() -> Parts? {
        var inQuotes = false
        var offset = 0
        var colon: String.Index?
        for index in text.unicodeScalars.indices {
            let scalar = text.unicodeScalars[index]
            if scalar == "\"" { inQuotes.toggle() }
            if scalar == ":", !inQuotes {
                colon = index
                break
            }
            offset += 1
        }
        guard let colon else { return nil }
        let head = Substring(text.unicodeScalars[..<colon])
        let value = String(text.unicodeScalars[text.unicodeScalars.index(after: colon)...])
        var fields = Self.split(head, at: ";")
        let written = fields.isEmpty ? "" : String(fields.removeFirst())
        let name = String(written.split(separator: ".").last ?? "").uppercased()
        var parameters: [String: String] = [:]
        for field in fields {
            if let equals = field.unicodeScalars.firstIndex(of: "=") {
                let key = Substring(field.unicodeScalars[..<equals]).uppercased()
                var paramValue = String(field.unicodeScalars[field.unicodeScalars.index(after: equals)...])
                if paramValue.hasPrefix("\""), paramValue.hasSuffix("\""), paramValue.count >= 2 {
                    paramValue = String(paramValue.dropFirst().dropLast())
                }
                parameters[key] = parameters[key].map { $0 + "," + paramValue } ?? paramValue
            } else {
                parameters["TYPE"] = parameters["TYPE"].map { $0 + "," + field } ?? String(field)
            }
        }
        return Parts(name: name, writtenName: written, parameters: parameters, value: value, valueOffset: offset + 1)
    }

    /// `text` split at `separator`s outside double quotes (by scalars, so a combining mark after
    /// the separator cannot hide it in a grapheme).
    private static func split(_ text: Substring, at separator: Unicode.Scalar) -> [Substring] {
        var result: [Substring] = []
        var inQuotes = false
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        for index in scalars.indices {
            if scalars[index] == "\"" { inQuotes.toggle() }
            if scalars[index] == separator, !inQuotes {
                result.append(Substring(scalars[start..<index]))
                start = scalars.index(after: index)
            }
        }
        result.append(Substring(scalars[start...]))
        return result
    }

    /// A vCard text value with its escapes resolved: `\n` (or `\N`) is a line break, `\,` `\;` `\\`
    /// the character itself.
    static func unescape(_ value: some StringProtocol) -> String {
        guard value.utf8.contains(UInt8(ascii: "\\")) else { return String(value) }
        var result = ""
        var escaped = false
        for scalar in value.unicodeScalars {
            if escaped {
                switch scalar {
                case "n", "N": result += "\n"
                case ",", ";", "\\", ":": result.unicodeScalars.append(scalar)
                default: result += "\\" + String(scalar)
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        if escaped { result += "\\" }
        return result
    }

    /// A list value split at unescaped `separator`s, each item unescaped, with its scalar offset.
    static func splitList(_ value: String, at separator: Unicode.Scalar) -> [(text: String, offset: Int)] {
        var items: [(String, Int)] = []
        var current = ""
        var start = 0
        var offset = 0
        var escaped = false
        for scalar in value.unicodeScalars {
            if escaped {
                current.unicodeScalars.append("\\")
                current.unicodeScalars.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == separator {
                items.append((unescape(current), start))
                current = ""
                start = offset + 1
            } else {
                current.unicodeScalars.append(scalar)
            }
            offset += 1
        }
        if escaped { current.unicodeScalars.append("\\") }
        items.append((unescape(current), start))
        return items
    }
}

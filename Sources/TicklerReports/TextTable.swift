import TicklerCore
import TicklerInput

/// Plain-text columns separated by two spaces, padded by display width (East Asian wide characters
/// take two terminal columns); the last column is not padded and no line ends in spaces.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() where index < columns - 1 {
                widths[index] = max(widths[index], DisplayWidth.of(cell))
            }
        }
        var text = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                if index > 0 { line += "  " }
                line += index < row.count - 1 ? DisplayWidth.padded(cell, to: widths[index]) : cell
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }
}

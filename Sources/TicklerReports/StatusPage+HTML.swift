/// The pieces of the status page's markup: escaping, sections, tables and the stylesheet.
extension StatusPage {
    /// `text` safe in HTML content and in a quoted attribute value: `&`, `<`, `>`, `"` and `'` as
    /// character references, and control characters (other than tab, line feed and carriage return),
    /// which HTML does not allow, as U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A section of the page, found by its `id`; `body` is markup.
    static func section(_ id: String, _ heading: String, _ body: String) -> String {
        "<section id=\"\(id)\">\n<h2>\(escape(heading))</h2>\n\(body)</section>\n"
    }

    /// A column of ``table(_:_:empty:)``.
    struct Column {
        enum Kind {
            /// Short text: keys, ids, times.
            case plain
            /// A count, aligned right.
            case number
            /// Long text that may wrap anywhere: errors, reasons, server replies.
            case text
            /// The row's heading.
            case header
        }

        var heading: String
        var kind: Kind

        init(_ heading: String, kind: Kind = .plain) {
            self.heading = heading
            self.kind = kind
        }

        var cellClass: String {
            switch kind {
            case .plain, .header: ""
            case .number: " class=\"num\""
            case .text: " class=\"text\""
            }
        }
    }

    /// A table of plain-text cells (each escaped here), in a box that scrolls sideways on a narrow
    /// screen; `empty` in its place when there are no rows.
    static func table(_ columns: [Column], _ rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(escape(empty))</p>\n" }
        var html = "<div class=\"scroll\"><table>\n<thead><tr>"
        for column in columns { html += "<th scope=\"col\"\(column.cellClass)>\(escape(column.heading))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                let column = index < columns.count ? columns[index] : Column("")
                html +=
                    column.kind == .header
                    ? "<th scope=\"row\">\(escape(cell))</th>" : "<td\(column.cellClass)>\(escape(cell))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    /// The page's only style: a readable column, tables that scroll rather than squeeze, light and dark.
    static let stylesheet = """

        :root { color-scheme: light dark; --line: #d0d4da; --muted: #5f6670; --head: #f3f4f6; }
        @media (prefers-color-scheme: dark) { :root { --line: #3a3f47; --muted: #a0a7b0; --head: #22262c; } }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 64rem; padding: 1rem; line-height: 1.5;
          font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif; }
        h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
        h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
        .meta, .more, .empty { color: var(--muted); }
        .empty { font-style: italic; }
        .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
          white-space: nowrap; }
        thead th { background: var(--head); }
        td.text { white-space: normal; min-width: 16rem; overflow-wrap: anywhere; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        tbody tr:last-child th, tbody tr:last-child td { border-bottom: none; }
        svg.chart { display: block; width: 100%; overflow: visible; }
        svg.chart text { font-size: 11px; fill: currentColor; }
        svg.chart .axis { stroke: currentColor; stroke-width: 1; }
        svg.chart .grid { stroke: var(--line); stroke-width: 1; stroke-dasharray: 3 3; }
        ul.legend { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
        ul.legend li { display: flex; align-items: center; gap: .4rem; }
        .swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; }

        """
}

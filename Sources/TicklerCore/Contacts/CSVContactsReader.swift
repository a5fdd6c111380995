/// Reads a CSV contacts file: a header row naming the fields, then one contact per row.
///
/// ```
/// id,name,email,timezone,tags,birthday,dates.anniversary,company
/// acme-zhang,张伟,zhang.wei@example.cn,Asia/Shanghai,key;华东,1980-03-14,2015-06-01,上海艾克美贸易有限公司
/// ```
///
/// Column names are field names: unknown ones become custom fields, `dates.NAME` is a named date,
/// `tags` are separated by `;`. An empty cell means "not set"; blank rows are skipped. A row whose
/// field count differs from the header's is reported and left out.
enum CSVContactsReader {
    static func read(_ source: SourceText, context: ContactsContext) -> (contacts: [Contact], diagnostics: Diagnostics)
    {
        var configuration = ContactBuilder.Configuration()
        configuration.checksDuplicates = false  // the header has no duplicate columns
        var builder = ContactBuilder(path: source.path, context: context, configuration: configuration)
        let path = source.path
        var columns: [ContactField?] = []
        var readHeader = false
        var hasIDColumn = false
        var contacts: [Contact] = []

        let syntax = CSVReader.forEachRow(in: source) { row in
            guard readHeader else {
                readHeader = true
                columns = header(row, path: path, builder: &builder)
                hasIDColumn = columns.contains(.id)
                if !hasIDColumn {
                    builder.error(
                        "no 'id' column in the header", at: SourceLocation(path: path, line: row.line, column: 1),
                        notes: [.init("the first row names the fields; add a column named 'id'")])
                }
                return
            }
            guard hasIDColumn, !row.isBlank else { return }
            guard row.cells.count == columns.count else {
                reportFieldCount(row, expected: columns.count, path: path, builder: &builder)
                return
            }
            builder.begin(at: SourceLocation(path: path, line: row.line, column: 1))
            for (cell, field) in zip(row.cells, columns) {
                guard let field, !cell.value.isEmpty else { continue }
                builder.set(field, cell.value, at: cell.location(in: path))
            }
            if let contact = builder.finish() { contacts.append(contact) }
        }
        var diagnostics = syntax
        diagnostics.append(contentsOf: builder.diagnostics)
        return (contacts, diagnostics)
    }

    /// The field of each column; `nil` for a column whose name is wrong (reported here).
    private static func header(_ row: CSVReader.Row, path: String, builder: inout ContactBuilder) -> [ContactField?] {
        var firstColumn: [String: SourceLocation] = [:]
        return row.cells.map { cell in
            let (name, leading) = ContactBuilder.trimmed(cell.value)
            let location = cell.location(in: path).advanced(by: leading)
            guard !name.isEmpty else {
                builder.error(
                    "empty column name", at: location,
                    notes: [.init("every column needs a field name such as 'email' in the first row")])
                return nil
            }
            if let first = firstColumn[name] {
                builder.error(
                    "duplicate column \(QuotedToken(name))", at: location,
                    notes: [.init("\(QuotedToken(name)) is first used here", at: first)])
                return nil
            }
            firstColumn[name] = location
            return builder.field(named: name, at: location, kind: "column")
        }
    }

    private static func reportFieldCount(
        _ row: CSVReader.Row, expected: Int, path: String, builder: inout ContactBuilder
    ) {
        let count = row.cells.count
        let message = "row has \(count) \(count == 1 ? "field" : "fields") but the header has \(expected)"
        if count > expected {
            builder.error(
                message, at: row.cells[expected].location(in: path),
                notes: [.init("a value that contains ',' must be in double quotes, e.g. \"Pudong, Shanghai\"")])
        } else {
            builder.error(
                message, at: SourceLocation(path: path, line: row.line, column: 1),
                notes: [.init("write an empty field as nothing between two commas, e.g. 'acme-zhang,,张伟'")])
        }
    }
}

import TicklerCore

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
    /// Files of at least twice this many bytes are read in chunks of about this size, on every core.
    static let chunkBytes = 1 << 20

    /// - Parameters:
    ///   - chunkBytes: the chunk size (tests make it small to read small files in chunks).
    ///   - usesPlainRows: whether plain rows take the fast way (`PlainRows`); tests compare both ways.
    static func read(
        _ source: SourceText, context: ContactsContext, chunkBytes: Int = chunkBytes, usesPlainRows: Bool = true
    ) -> (contacts: [Contact], diagnostics: Diagnostics) {
        var text = source.text
        return text.withUTF8 {
            read($0, path: source.path, context: context, chunkBytes: chunkBytes, usesPlainRows: usesPlainRows)
        }
    }

    /// Reads the UTF-8 text `bytes` (valid, without a byte-order mark) of the file at `path`.
    static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, path: String, context: ContactsContext, chunkBytes: Int = chunkBytes,
        usesPlainRows: Bool = true
    ) -> (contacts: [Contact], diagnostics: Diagnostics) {
        if bytes.count >= 2 * chunkBytes,
            let result = readInChunks(
                bytes, path: path, context: context, chunkBytes: chunkBytes, usesPlainRows: usesPlainRows)
        {
            return result
        }
        var builder = makeBuilder(path: path, context: context)
        var columns: [ContactField?] = []
        var readHeader = false
        var hasIDColumn = false
        var contacts: [Contact] = []
        var plainRows: PlainRows?
        var scanner = CSVReader.Scanner(bytes: bytes, path: path)
        scanner.run(
            plain: { cells, line, controlCells in
                guard plainRows != nil else { return false }
                return withUnsafeTemporaryAllocation(of: Contact.self, capacity: 1) { slot in
                    guard
                        plainRows!.contact(
                            cells, in: bytes, line: line, controlCells: controlCells, into: slot.baseAddress!)
                    else { return false }
                    contacts.append(slot.baseAddress!.move())
                    return true
                }
            },
            { row in
                defer { readHeader = true }
                guard readHeader else {
                    columns = header(row, path: path, builder: &builder)
                    hasIDColumn = columns.contains(.id)
                    if hasIDColumn {
                        if usesPlainRows {
                            plainRows = PlainRows(
                                columns: columns, path: path, owners: context.owners, zones: context.zones,
                                textBytes: bytes.count)
                        }
                    } else {
                        builder.error(
                            "no 'id' column in the header", at: SourceLocation(path: path, line: row.line, column: 1),
                            notes: [.init("the first row names the fields; add a column named 'id'")])
                    }
                    return true
                }
                if hasIDColumn, let contact = contact(row, columns: columns, path: path, builder: &builder) {
                    contacts.append(contact)
                    plainRows?.learn(row, contact)
                }
                return true
            })
        contacts.withUnsafeMutableBufferPointer { plainRows?.adoptText($0) }
        var diagnostics = scanner.diagnostics
        diagnostics.append(contentsOf: builder.diagnostics)
        return (contacts, diagnostics)
    }

    static func makeBuilder(path: String, context: ContactsContext) -> ContactBuilder {
        var configuration = ContactBuilder.Configuration()
        configuration.checksDuplicates = false  // the header has no duplicate columns
        return ContactBuilder(path: path, context: context, configuration: configuration)
    }

    /// The contact of a data row; `nil` for a blank row or one that has a problem (reported).
    static func contact(
        _ row: CSVReader.Row, columns: [ContactField?], path: String, builder: inout ContactBuilder
    ) -> Contact? {
        guard !row.isBlank else { return nil }
        guard row.cells.count == columns.count else {
            reportFieldCount(row, expected: columns.count, path: path, builder: &builder)
            return nil
        }
        builder.begin(at: SourceLocation(path: path, line: row.line, column: 1))
        for (cell, field) in zip(row.cells, columns) {
            guard let field, !cell.value.isEmpty else { continue }
            builder.set(field, cell.value, at: cell.location(in: path))
        }
        return builder.finish()
    }

    /// The field of each column; `nil` for a column whose name is wrong (reported here).
    static func header(_ row: CSVReader.Row, path: String, builder: inout ContactBuilder) -> [ContactField?] {
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

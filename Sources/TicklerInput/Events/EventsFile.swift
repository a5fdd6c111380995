import TicklerCore

/// An events CSV file, read and checked whole before anything is stored:
///
/// ```
/// contact,type,at,note,id
/// acme-zhang,purchase,2026-11-20T15:30:00+08:00,合同 #2026-118,crm-4711
/// ```
///
/// The header names the columns, in any order: `contact`, `type` and `at` are required, `note` and
/// `id` optional. An empty `note` is no note; an empty `id` lets the store assign one. Every
/// problem of every row is reported at its line and column.
public struct EventsFile: Sendable {
    /// An event that passed every check, and where it was written.
    public struct Row: Sendable {
        public var event: ImportedEvent
        public var line: Int
        /// Where the id was written, or the row's start when it has none.
        public var idLocation: SourceLocation
    }

    public static let columns = ["contact", "type", "at", "note", "id"]
    public static let required = ["contact", "type", "at"]
    public static let headerExample = "contact,type,at,note,id"

    public private(set) var rows: [Row] = []
    public private(set) var diagnostics = Diagnostics()

    public init(_ source: SourceText, checks: EventChecks) {
        self.init(source, checks: checks, usesPlainRows: true)
    }

    /// - Parameter usesPlainRows: whether plain rows take the fast way (`plainRow`); tests compare both ways.
    init(_ source: SourceText, checks: EventChecks, usesPlainRows: Bool) {
        let path = source.path
        // Filled by the reader's closures, one of which may escape: they cannot capture `self`.
        var file = EventsFile()
        var header: Header?
        var sawHeader = false
        var warnedTypes = Set<String>()
        var firstID: [String: Int] = [:]  // the index in `rows` of the row an id is first given in
        var plainTypes = ByteTable<String>()
        var text = source.text
        // Row by row as the reader goes: no array of every row's cells is kept. A plain row that
        // passes every check as written is made into an event straight from its bytes; any other
        // row is read cell by cell and checked by `check`, which reports what is wrong with it.
        let syntax = text.withUTF8 { bytes in
            // Room for a row per line, so that neither the rows nor the ids grow along the way.
            let lines = bytes.count { $0 == UInt8(ascii: "\n") } + 1
            file.rows.reserveCapacity(lines)
            firstID.reserveCapacity(lines)
            var scanner = CSVReader.Scanner(bytes: bytes, path: path)
            scanner.run(
                plain: { cells, line, controlCells in
                    guard usesPlainRows, let header,
                        let checked = Self.plainRow(
                            cells, in: bytes, line: line, controlCells: controlCells, header: header, checks: checks,
                            path: path, types: &plainTypes)
                    else { return false }
                    file.add(checked, firstID: &firstID)
                    return true
                },
                { row in
                    guard sawHeader else {
                        sawHeader = true
                        header = file.header(row, path: path)
                        return true
                    }
                    guard let header, !row.isBlank else { return true }
                    guard row.cells.count == header.count else {
                        file.reportFieldCount(row, expected: header.count, path: path)
                        return true
                    }
                    guard let checked = file.check(row, header: header, checks: checks, path: path) else { return true }
                    let type = checked.event.type
                    if !warnedTypes.contains(type), let warning = checks.typeWarning(type) {
                        warnedTypes.insert(type)
                        let cell = row.cells[header.type]
                        file.diagnostics.warning(
                            warning.message, at: cell.location(in: path), notes: warning.notes.map { .init($0) })
                    }
                    file.add(checked, firstID: &firstID)
                    return true
                })
            return scanner.diagnostics
        }
        // The reader's problems come first, as when every row was read before any was checked.
        rows = file.rows
        diagnostics = syntax
        diagnostics.append(contentsOf: file.diagnostics)
        if !sawHeader, !syntax.hasErrors {
            diagnostics.error(
                "empty events file", at: .file(path),
                notes: [.init("the first row names the columns, e.g. '\(Self.headerExample)'")])
        }
    }

    private init() {}

    /// Keeps a checked row, unless its id was given before: for the same event it is left out, for
    /// another it is an error.
    private mutating func add(_ checked: Row, firstID: inout [String: Int]) {
        if let id = checked.event.id {
            if let index = firstID[id] {
                let first = rows[index]
                guard !sameContent(first.event, checked.event) else { return }
                diagnostics.error(
                    "duplicate event id \(QuotedToken(id))", at: checked.idLocation,
                    notes: [.init("\(QuotedToken(id)) is first used here for another event", at: first.idLocation)])
                return
            }
            firstID[id] = rows.count
        }
        rows.append(checked)
    }

    /// Where each column is in a row.
    private struct Header {
        var count: Int
        var contact: Int
        var type: Int
        var at: Int
        var note: Int?
        var id: Int?
    }

    /// The column names of the header row, or `nil` when a required column is missing or a name
    /// is wrong (then rows are not checked: every one of them would repeat the same error).
    private mutating func header(_ row: CSVReader.Row, path: String) -> Header? {
        var names: [String] = []
        var seen: [String: SourceLocation] = [:]
        var valid = true
        for cell in row.cells {
            let (name, leading) = ContactBuilder.trimmed(cell.value)
            let location = cell.location(in: path).advanced(by: leading)
            if !Self.columns.contains(name) {
                var notes = Suggestion.note(for: name, in: Self.columns)
                notes.append(
                    .init("the columns are 'contact', 'type', 'at' and optionally 'note' and 'id'"))
                diagnostics.error(
                    name.isEmpty ? "empty column name" : "unknown column \(QuotedToken(name))", at: location,
                    notes: notes)
                valid = false
            } else if let first = seen[name] {
                diagnostics.error(
                    "duplicate column \(QuotedToken(name))", at: location,
                    notes: [.init("\(QuotedToken(name)) is first used here", at: first)])
                valid = false
            } else {
                seen[name] = location
            }
            names.append(name)
        }
        for name in Self.required where seen[name] == nil {
            diagnostics.error(
                "no '\(name)' column in the header", at: SourceLocation(path: path, line: row.line, column: 1),
                notes: [.init("the first row names the columns, e.g. '\(Self.headerExample)'")])
            valid = false
        }
        guard valid else { return nil }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        return Header(
            count: names.count, contact: column("contact")!, type: column("type")!, at: column("at")!,
            note: column("note"), id: column("id"))
    }

    /// The row's event, or `nil` after reporting each of its problems.
    private mutating func check(_ row: CSVReader.Row, header: Header, checks: EventChecks, path: String) -> Row? {
        /// A cell's text without spaces around it, and where that text starts.
        func value(_ column: Int) -> (text: String, location: SourceLocation) {
            let cell = row.cells[column]
            let (text, leading) = ContactBuilder.trimmed(cell.value)
            return (text, SourceLocation(path: path, line: cell.line, column: cell.column + leading))
        }
        var valid = true
        func report(_ problem: EventChecks.Problem, at location: SourceLocation) {
            diagnostics.error(problem.message, at: location, notes: problem.notes.map { .init($0) })
            valid = false
        }
        let contact = value(header.contact)
        if let problem = checks.contactProblem(contact.text) { report(problem, at: contact.location) }
        let type = value(header.type)
        if let problem = checks.typeProblem(type.text) { report(problem, at: type.location) }
        let at = value(header.at)
        var instant: Int64 = 0
        switch checks.time(at.text) {
        case .success(let value): instant = value
        case .failure(let problem): report(problem, at: at.location)
        }
        var id: String?
        var idLocation = SourceLocation(path: path, line: row.line, column: 1)
        if let column = header.id {
            let given = value(column)
            if !given.text.isEmpty {
                id = given.text
                idLocation = given.location
                if let (offset, problem) = checks.idProblem(given.text) {
                    report(problem, at: given.location.advanced(by: offset))
                }
            }
        }
        guard valid else { return nil }
        // The note is kept as written, spaces and all.
        let note = header.note.flatMap { row.cells[$0].value.isEmpty ? nil : row.cells[$0].value }
        let event = ImportedEvent(id: id, contact: contact.text, type: type.text, at: instant, note: note)
        return Row(event: event, line: row.line, idLocation: idLocation)
    }

    /// The event of a plain row (its cells as byte ranges, from `CSVReader.Scanner`) whose every
    /// value passes as written — no spaces around it, no control character, no problem and no
    /// warning — made as `check` would make it; `nil` for any other row, which `check` then reads
    /// and reports on. The event types seen are kept in `types`, checked once each.
    private static func plainRow(
        _ cells: UnsafeBufferPointer<Range<Int>>, in bytes: UnsafeBufferPointer<UInt8>, line: Int, controlCells: UInt64,
        header: Header, checks: EventChecks, path: String, types: inout ByteTable<String>
    ) -> Row? {
        guard controlCells == 0, cells.count == header.count else { return nil }
        /// The cell's bytes; `nil` when trimming would change them.
        func value(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
            let value = UnsafeBufferPointer(rebasing: bytes[cells[column]])
            let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            if let first = value.first, let last = value.last, isBlank(first) || isBlank(last) { return nil }
            return value
        }
        func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        guard let contactBytes = value(header.contact), let typeBytes = value(header.type),
            let atBytes = value(header.at), let at = Timestamp.parse(utf8: atBytes)
        else { return nil }
        let contact = text(contactBytes)
        guard checks.contactProblem(contact) == nil else { return nil }
        let type: String
        if let known = types[typeBytes] {
            type = known
        } else {
            type = text(typeBytes)
            guard checks.typeProblem(type) == nil, checks.typeWarning(type) == nil else { return nil }
            types.insert(type, type)
        }
        var id: String?
        var idLocation = SourceLocation(path: path, line: line, column: 1)
        if let column = header.id, !cells[column].isEmpty {
            guard let idBytes = value(column) else { return nil }
            let given = text(idBytes)
            guard checks.idProblem(given) == nil else { return nil }
            id = given
            idLocation = SourceLocation(
                path: path, line: line, column: CSVReader.Scanner.column(of: cells[column], in: bytes, row: cells))
        }
        let note = header.note.flatMap {
            cells[$0].isEmpty ? nil : text(UnsafeBufferPointer(rebasing: bytes[cells[$0]]))
        }
        let event = ImportedEvent(id: id, contact: contact, type: type, at: at, note: note)
        return Row(event: event, line: line, idLocation: idLocation)
    }

    private mutating func reportFieldCount(_ row: CSVReader.Row, expected: Int, path: String) {
        let count = row.cells.count
        let message = "row has \(count) \(count == 1 ? "field" : "fields") but the header has \(expected)"
        if count > expected {
            diagnostics.error(
                message, at: row.cells[expected].location(in: path),
                notes: [.init("a value that contains ',' must be in double quotes, e.g. \"回访, 满意\"")])
        } else {
            diagnostics.error(
                message, at: SourceLocation(path: path, line: row.line, column: 1),
                notes: [.init("write an empty field as nothing between two commas, e.g. 'acme-zhang,call,TIME,,'")])
        }
    }

    private func sameContent(_ a: ImportedEvent, _ b: ImportedEvent) -> Bool {
        a.contact == b.contact && a.type == b.type && a.at == b.at && a.note == b.note
    }
}

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
        let (csvRows, syntax) = CSVReader.rows(in: source)
        diagnostics.append(contentsOf: syntax)
        let path = source.path
        guard let headerRow = csvRows.first else {
            if !syntax.hasErrors {
                diagnostics.error(
                    "empty events file", at: .file(path),
                    notes: [.init("the first row names the columns, e.g. '\(Self.headerExample)'")])
            }
            return
        }
        guard let header = header(headerRow, path: path) else { return }
        var warnedTypes = Set<String>()
        var firstID: [String: (location: SourceLocation, event: ImportedEvent)] = [:]
        for row in csvRows.dropFirst() where !row.isBlank {
            guard row.cells.count == header.count else {
                reportFieldCount(row, expected: header.count, path: path)
                continue
            }
            guard let checked = check(row, header: header, checks: checks, path: path) else { continue }
            let type = checked.event.type
            if !warnedTypes.contains(type), let warning = checks.typeWarning(type) {
                warnedTypes.insert(type)
                let cell = row.cells[header.firstIndex(of: "type")!]
                diagnostics.warning(
                    warning.message, at: cell.location(in: path), notes: warning.notes.map { .init($0) })
            }
            if let id = checked.event.id {
                if let first = firstID[id] {
                    guard !sameContent(first.event, checked.event) else { continue }
                    diagnostics.error(
                        "duplicate event id \(QuotedToken(id))", at: checked.idLocation,
                        notes: [.init("\(QuotedToken(id)) is first used here for another event", at: first.location)])
                    continue
                }
                firstID[id] = (checked.idLocation, checked.event)
            }
            rows.append(checked)
        }
    }

    /// The column names of the header row, or `nil` when a required column is missing or a name
    /// is wrong (then rows are not checked: every one of them would repeat the same error).
    private mutating func header(_ row: CSVReader.Row, path: String) -> [String]? {
        var names: [String] = []
        var seen: [String: SourceLocation] = [:]
        var valid = true
        for cell in row.cells {
            let (name, leading) = trimmed(cell.value)
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
        return valid ? names : nil
    }

    /// The row's event, or `nil` after reporting each of its problems.
    private mutating func check(_ row: CSVReader.Row, header: [String], checks: EventChecks, path: String) -> Row? {
        var values: [String: (text: String, location: SourceLocation)] = [:]
        for (cell, name) in zip(row.cells, header) {
            if name == "note" {
                values[name] = (cell.value, cell.location(in: path))
            } else {
                let (text, leading) = trimmed(cell.value)
                values[name] = (text, cell.location(in: path).advanced(by: leading))
            }
        }
        var valid = true
        func report(_ problem: EventChecks.Problem, at location: SourceLocation) {
            diagnostics.error(problem.message, at: location, notes: problem.notes.map { .init($0) })
            valid = false
        }
        let contact = values["contact"]!
        if let problem = checks.contactProblem(contact.text) { report(problem, at: contact.location) }
        let type = values["type"]!
        if let problem = checks.typeProblem(type.text) { report(problem, at: type.location) }
        let at = values["at"]!
        var instant: Int64 = 0
        switch checks.time(at.text) {
        case .success(let value): instant = value
        case .failure(let problem): report(problem, at: at.location)
        }
        var id: String?
        var idLocation = SourceLocation(path: path, line: row.line, column: 1)
        if let given = values["id"], !given.text.isEmpty {
            id = given.text
            idLocation = given.location
            if let (offset, problem) = checks.idProblem(given.text) {
                report(problem, at: given.location.advanced(by: offset))
            }
        }
        guard valid else { return nil }
        let note = values["note"].flatMap { $0.text.isEmpty ? nil : $0.text }
        let event = ImportedEvent(id: id, contact: contact.text, type: type.text, at: instant, note: note)
        return Row(event: event, line: row.line, idLocation: idLocation)
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

    /// The text without surrounding spaces and tabs, and how many scalars were cut at the start.
    private func trimmed(_ text: String) -> (String, Int) {
        let scalars = text.unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        let leading = scalars.prefix(while: isBlank).count
        let rest = scalars.dropFirst(leading)
        let trailing = rest.reversed().prefix(while: isBlank).count
        return (String(String.UnicodeScalarView(rest.dropLast(trailing))), leading)
    }
}

/// Collects every problem found in one pass, so `tickler check` can report them all at once.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errorCount: Int { all.count { $0.severity == .error } }
    public var warningCount: Int { all.count { $0.severity == .warning } }

    public mutating func append(_ diagnostic: Diagnostic) {
        all.append(diagnostic)
    }

    public mutating func append(contentsOf other: Diagnostics) {
        all.append(contentsOf: other.all)
    }

    public mutating func error(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        all.append(.error(message, at: location, notes: notes))
    }

    public mutating func warning(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        all.append(.warning(message, at: location, notes: notes))
    }

    /// The diagnostics in reading order: by file (in the order files were first reported), then line
    /// and column; a diagnostic reported twice at the same place (through a YAML alias) is shown once.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return ordered.filter { seen.insert($0).inserted }
    }

    private var ordered: [Diagnostic] {
        var fileOrder: [String: Int] = [:]
        for diagnostic in all where fileOrder[diagnostic.location.path] == nil {
            fileOrder[diagnostic.location.path] = fileOrder.count
        }
        return all.enumerated().sorted { a, b in
            let (la, lb) = (a.element.location, b.element.location)
            let (fa, fb) = (fileOrder[la.path]!, fileOrder[lb.path]!)
            if fa != fb { return fa < fb }
            if la.line != lb.line { return la.line < lb.line }
            if la.column != lb.column { return la.column < lb.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}

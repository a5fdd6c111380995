import TicklerCore
import Yams

/// Parses YAML text into a `YAMLNode`, turning every parser failure into a diagnostic at its place.
public enum YAMLDocument {
    /// The deepest nesting a configuration or contact file may have. Real files use fewer than ten
    /// levels; the bound keeps hostile input from exhausting the stack of the recursive composer.
    public static let maximumDepth = 64

    /// The root node, `nil` for an empty document, or the first problem that stops parsing.
    public static func parse(_ source: SourceText) -> Result<YAMLNode?, Diagnostic> {
        if let tooDeep = NestingScanner.firstLocation(deeperThan: maximumDepth, in: source) {
            return .failure(
                .error(
                    "nesting deeper than \(maximumDepth) levels", at: tooDeep,
                    notes: [.init("configuration and contact files need only a few levels of lists and maps")]))
        }
        do {
            let parser = try Parser(yaml: source.text, resolver: .basic)
            guard let root = try parser.singleRoot() else { return .success(nil) }
            return .success(YAMLNode(root, path: source.path))
        } catch let error as YamlError {
            return .failure(diagnostic(for: error, in: source))
        } catch {
            return .failure(.error("cannot read YAML: \(error)", at: .file(source.path)))
        }
    }

    static func diagnostic(for error: YamlError, in source: SourceText) -> Diagnostic {
        let path = source.path
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(path: path, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return syntaxDiagnostic(
                problem: problem, at: at(mark), context: context.map { ($0.text, at($0.mark)) },
                source: source)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let first = at(context.mark)
            let name = duplicates.first ?? ""
            if let second = DuplicateKeyFinder.nextOccurrence(of: name, after: first, in: source) {
                return .error(
                    "duplicate key '\(name)'", at: second,
                    notes: [.init("'\(name)' is already set here; a key may appear once in a map", at: first)])
            }
            return .error("duplicate key '\(name)'", at: first, notes: [.init("a key may appear once in a map")])
        case .reader(let problem, _, _, _):
            return .error("cannot read YAML: \(problem)", at: .file(path))
        default:
            return .error("cannot read YAML: \(error)", at: .file(path))
        }
    }

    private static func syntaxDiagnostic(
        problem: String, at location: SourceLocation, context: (String, SourceLocation)?, source: SourceText
    ) -> Diagnostic {
        var notes: [Diagnostic.Note] = []
        if let (text, contextLocation) = context, !text.isEmpty {
            notes.append(.init(text, at: contextLocation))
        }
        let character = LineIndex(source.text).character(at: location)
        if character == "\t" {
            return .error(
                "tab character where YAML expects spaces", at: location,
                notes: [.init("YAML indents with spaces only; replace the tab with spaces")])
        }
        switch problem {
        case "mapping values are not allowed in this context":
            notes.append(.init("a value containing ': ' must be quoted, e.g. \"a: b\""))
            return .error("unexpected ':' in a value", at: location, notes: notes)
        case "but found another document":
            return .error(
                "more than one YAML document in the file", at: location,
                notes: [.init("remove the '---' line; a file holds one document")])
        default:
            return .error("invalid YAML: \(problem)", at: location, notes: notes)
        }
    }
}

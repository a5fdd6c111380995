import Testing

@testable import TicklerCore
@testable import TicklerInput

/// Compiles template text in memory and returns the diagnostics as printed lines, so tests can
/// assert whole lines (a wrong column fails).
enum TemplateFixture {
    static let textPath = "templates/t.txt"
    static let htmlPath = "templates/t.html"

    /// The vocabulary of a rule kind; `date` rules follow `birthday` unless told otherwise.
    static func vocabulary(
        _ kind: Trigger.Kind, _ field: DateTrigger.Field? = nil, fields: Set<String> = [], dates: Set<String> = []
    ) -> TemplateVocabulary {
        TemplateVocabulary(
            trigger: kind, dateField: field ?? (kind == .date ? .birthday : nil), contactFields: fields,
            contactDates: dates
        )
    }

    static func compile(
        _ text: String, html: String? = nil, vocabulary: TemplateVocabulary = vocabulary(.after)
    ) -> (template: Template?, lines: [String]) {
        let source = TemplateSource(
            name: "t", text: SourceText(path: textPath, text: text),
            html: html.map { SourceText(path: htmlPath, text: $0) }
        )
        let result = TemplateCompiler.compile(source, vocabulary: vocabulary)
        let lines = result.diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
        return (result.template, lines)
    }

    /// The diagnostic lines for `text`, with `t:` standing for the text file's path.
    static func diagnose(_ text: String, html: String? = nil, vocabulary: TemplateVocabulary = vocabulary(.after))
        -> [String]
    {
        compile(text, html: html, vocabulary: vocabulary).lines.map { line in
            line.hasPrefix(textPath + ":") ? "t:" + line.dropFirst(textPath.count + 1) : line
        }
    }
}

/// One table row: a template text and the diagnostic lines it must produce (`t:` is its path).
struct TemplateCase: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: [String]
    var kind: Trigger.Kind = .after

    init(_ text: String, _ expected: [String], kind: Trigger.Kind = .after) {
        self.text = text
        self.expected = expected
        self.kind = kind
    }

    var testDescription: String { text.debugDescription }
}

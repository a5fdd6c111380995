import Mustache
import TicklerCore

/// Compiles a template's files like a compiler: every malformed tag, unknown value and unclosed
/// section is reported at its line and column in the file, all in one pass; only a template with
/// no errors is compiled (with swift-mustache) and returned.
///
///     templates/thank-you.txt:3:12: error: unknown value 'contact.nmae'
///     templates/thank-you.txt:3:12: note: did you mean 'contact.name'?
///
/// A template is checked against the values of one rule kind; a template that several rules use
/// is compiled once per rule.
public enum TemplateCompiler {
    /// The template compiled from `source`, or `nil` when there are errors; and the problems found.
    public static func compile(
        _ source: TemplateSource, vocabulary: TemplateVocabulary
    ) -> (template: Template?, diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        let split = TemplatePart.split(source.text)
        diagnostics.append(contentsOf: split.diagnostics)

        var references: [TemplateReference] = []
        let subject = split.subject.flatMap {
            compile($0, vocabulary: vocabulary, into: &diagnostics, references: &references)
        }
        var body: MustacheTemplate?
        if split.body.isBlank {
            diagnostics.error(
                "the body of template '\(source.name)' is empty", at: split.body.start,
                notes: [
                    .init(
                        split.subject == nil
                            ? "write the message into the file"
                            : "write the message after the 'Subject:' line and a blank line"
                    )
                ]
            )
        } else {
            body = compile(split.body, vocabulary: vocabulary, into: &diagnostics, references: &references)
        }

        var html: MustacheTemplate?
        if let htmlSource = source.html {
            let part = TemplatePart.html(htmlSource)
            if part.isBlank {
                diagnostics.error(
                    "the html part of template '\(source.name)' is empty", at: part.start,
                    notes: [.init("write the HTML message into the file, or remove it to send text only")]
                )
            } else {
                html = compile(part, vocabulary: vocabulary, into: &diagnostics, references: &references)
            }
        }

        guard !diagnostics.hasErrors, let body else { return (nil, diagnostics) }
        var template = Template(
            name: source.name, language: source.language, subject: subject, body: body, html: html,
            textPath: source.text.path, htmlPath: source.html?.path
        )
        template.references = references
        return (template, diagnostics)
    }

    /// Scans and checks one part, then compiles it when it has no errors.
    static func compile(
        _ part: TemplatePart, vocabulary: TemplateVocabulary, into diagnostics: inout Diagnostics,
        references: inout [TemplateReference]
    ) -> MustacheTemplate? {
        let scan = TemplateScanner.scan(part.text, from: part.start)
        var found = scan.diagnostics
        let checked = TemplateChecker.checkAndReference(scan.tags, vocabulary: vocabulary, isHTML: part.role.isHTML)
        found.append(contentsOf: checked.diagnostics)
        references.append(contentsOf: checked.references)
        diagnostics.append(contentsOf: found)
        guard !found.hasErrors else { return nil }
        do {
            return try MustacheTemplate(string: mustacheText(part))
        } catch let error as MustacheTemplate.ParserError {
            diagnostics.append(diagnostic(for: error, in: part))
        } catch {
            diagnostics.error("invalid template: \(error)", at: part.start)
        }
        return nil
    }

    /// The text handed to swift-mustache: the part after a content-type pragma on a line of its
    /// own. The pragma line is standalone, so it renders nothing, and it moves every position in
    /// the part down by exactly one line, which `diagnostic(for:in:)` takes back.
    static func mustacheText(_ part: TemplatePart) -> String {
        "{{% CONTENT_TYPE: \(part.role.isHTML ? "HTML" : "TEXT")}}\n" + part.text
    }

    /// A swift-mustache parse error at its place in the file.
    ///
    /// swift-mustache counts lines from its own text (one more than the part, for the pragma line)
    /// and columns in characters (grapheme clusters); Tickler counts columns in Unicode scalars.
    static func diagnostic(for error: MustacheTemplate.ParserError, in part: TemplatePart) -> Diagnostic {
        let context = error.context
        let lineInPart = max(1, context.lineNumber - 1)
        let characters = context.line.prefix(max(0, context.columnNumber - 1))
        let column = characters.unicodeScalars.count + 1
        let location =
            lineInPart == 1
            ? part.start.advanced(by: column - 1)
            : SourceLocation(path: part.start.path, line: part.start.line + lineInPart - 1, column: column)
        return .error(message(for: error.error), at: location, notes: [.init("reported by the Mustache parser")])
    }

    /// A lookup rather than a `switch`, so a case added in a later swift-mustache still compiles.
    private static let messages: [MustacheTemplate.Error: String] = [
        .sectionCloseNameIncorrect: "closing tag does not match the open section",
        .unfinishedName: "malformed tag",
        .expectedSectionEnd: "unclosed section",
        .invalidSetDelimiter: "invalid set-delimiter tag",
        .transformAppliedToInheritanceSection: "template inheritance is not supported",
        .illegalTokenInsideInheritSection: "template inheritance is not supported",
        .textInsideInheritSection: "template inheritance is not supported",
        .invalidConfigVariableSyntax: "pragma tags are not supported",
        .unrecognisedConfigVariable: "pragma tags are not supported",
    ]

    private static func message(for error: any Error) -> String {
        (error as? MustacheTemplate.Error).flatMap { messages[$0] } ?? "invalid template"
    }
}

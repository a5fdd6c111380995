import TicklerCore

/// One Mustache tag that names a value or opens or closes a section, as `TemplateScanner` found it.
/// Comments and set-delimiter tags are consumed by the scanner and never become tags.
struct TemplateTag: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// `{{name}}`
        case variable
        /// `{{{name}}}` or `{{& name}}`
        case unescapedVariable
        /// `{{#name}}`
        case section
        /// `{{^name}}`
        case invertedSection
        /// `{{/name}}`
        case close
        /// `{{<name}}` or `{{$name}}`: template inheritance, already reported as unsupported; it
        /// still opens a section so that its `{{/name}}` is not reported a second time.
        case unsupportedSection
    }

    var kind: Kind
    /// The name as written, without the surrounding whitespace (`contact.name`, `.`).
    var name: String
    /// Where the tag starts: its opening delimiter.
    var location: SourceLocation
    /// Where the name starts.
    var nameLocation: SourceLocation
    /// The delimiters in force for this tag (`{{` and `}}` unless a set-delimiter tag changed them).
    var open: String
    var close: String
    /// `false` when the name was already reported as malformed, so it is not looked up.
    var isNameValid: Bool = true

    /// How to write a tag of `kind` for `name` with this tag's delimiters, for notes.
    func spelling(_ sigil: String, _ name: String) -> String {
        open + sigil + name + close
    }

    /// How to write a section on `name` holding `{{.}}`, for notes: `{{#name}}{{.}}{{/name}}`.
    func sectionSpelling(_ name: String) -> String {
        spelling("#", name) + spelling("", ".") + spelling("/", name)
    }
}

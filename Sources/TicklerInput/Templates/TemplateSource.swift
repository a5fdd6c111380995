import TicklerCore

/// The files of one template, as the loader found them: `NAME.txt` or `NAME.LANG.txt`, and its
/// optional `.html` twin. The core only reads the text; finding and reading the files is the caller's.
public struct TemplateSource: Sendable {
    /// The template's name as rules refer to it (`birthday-greeting`).
    public var name: String
    /// The language of a translation (`en` for `birthday-greeting.en.txt`); `nil` for the default language.
    public var language: String?
    /// The `.txt` file: an optional `Subject:` line, a blank line, and the body.
    public var text: SourceText
    /// The `.html` file: the HTML part of an email, whose values are HTML-escaped.
    public var html: SourceText?

    public init(name: String, language: String? = nil, text: SourceText, html: SourceText? = nil) {
        self.name = name
        self.language = language
        self.text = text
        self.html = html
    }
}

import Mustache
import TicklerCore

/// A compiled template: every part parsed and every value it names checked against a rule kind.
///
/// Text parts (subject and body) render values as they are; the HTML part escapes them. Line ends
/// are LF whatever the file used, so a transport converts them to what its wire format needs.
public struct Template: Sendable {
    /// The template's name as rules refer to it (`birthday-greeting`).
    public var name: String
    /// The language of a translation (`en`); `nil` for the configuration's default language.
    public var language: String?
    /// The `Subject:` line: the email subject, or the title of a chat message.
    public var subject: MustacheTemplate?
    /// The message text, for a text email part and for chat.
    public var body: MustacheTemplate
    /// The HTML part of an email, when the template has an `.html` twin.
    public var html: MustacheTemplate?
    /// The path of the `.txt` file, for diagnostics.
    public var textPath: String
    /// The path of the `.html` file, when there is one.
    public var htmlPath: String?
    /// The values every part shows unconditionally: rendering for a contact that lacks one is an
    /// error naming it, never a blank in a customer's message.
    public var references: [TemplateReference] = []

    public init(
        name: String, language: String?, subject: MustacheTemplate?, body: MustacheTemplate,
        html: MustacheTemplate?, textPath: String, htmlPath: String?
    ) {
        self.name = name
        self.language = language
        self.subject = subject
        self.body = body
        self.html = html
        self.textPath = textPath
        self.htmlPath = htmlPath
    }
}

/// A value a template shows, with where it is written (`contact.name` at `templates/x.txt:3:7`).
public struct TemplateReference: Sendable, Hashable {
    public var name: String
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

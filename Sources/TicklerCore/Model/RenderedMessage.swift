/// An occurrence rendered from its template: what the recipient will read.
public struct RenderedMessage: Sendable, Codable {
    public var occurrence: Occurrence
    /// The person it goes to.
    public var recipient: Person
    /// The customer it is about (the recipient too when `occurrence.to` is `.contact`).
    public var contact: Person
    /// The template variant used (`NAME.txt` or `NAME.LANG.txt`).
    public var templatePath: String
    public var language: String
    public var subject: String?
    public var text: String
    public var html: String?
    /// Where the contact unsubscribes (`http.public_url/u/TOKEN`): set on messages to the contact
    /// when the public URL is configured, and sent as `List-Unsubscribe`. Absent from messages
    /// stored before unsubscribe links existed, which decode without it.
    public var unsubscribeURL: String?

    public init(
        occurrence: Occurrence, recipient: Person, contact: Person, templatePath: String, language: String,
        subject: String?, text: String, html: String?, unsubscribeURL: String? = nil
    ) {
        self.occurrence = occurrence
        self.recipient = recipient
        self.contact = contact
        self.templatePath = templatePath
        self.language = language
        self.subject = subject
        self.text = text
        self.html = html
        self.unsubscribeURL = unsubscribeURL
    }

    /// A contact, owner or manager as a message addresses them.
    public struct Person: Sendable, Hashable, Codable {
        public var id: String
        public var name: String?
        public var email: String?
        public var language: String

        public init(id: String, name: String?, email: String?, language: String) {
            self.id = id
            self.name = name
            self.email = email
            self.language = language
        }
    }
}

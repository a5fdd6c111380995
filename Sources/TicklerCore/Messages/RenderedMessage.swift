/// An occurrence rendered from its template: what the recipient will read.
public struct RenderedMessage: Sendable {
    public var occurrence: Occurrence
    /// The person it goes to.
    public var recipient: Person
    /// The template variant used (`NAME.txt` or `NAME.LANG.txt`).
    public var templatePath: String
    public var language: String
    public var subject: String?
    public var text: String
    public var html: String?

    /// A contact, owner or manager as a message addresses them.
    public struct Person: Sendable, Hashable {
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

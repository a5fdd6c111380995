import Mustache
import TicklerCore
import TicklerInput

/// Renders an occurrence's message from its rule's template, in the recipient's language.
///
/// Every value the template shows unconditionally must be set for this contact: a missing one is
/// an error naming the contact and the value — never "Dear ," in a customer's inbox.
public struct MessageRenderer: Sendable {
    public let workspace: Workspace
    let schedule: Schedule
    /// The schedule's contacts by id (built in parallel, a fraction of a `[String: Int]`'s time).
    let contactIDs: ContactIDs
    /// The links that messages to contacts carry (`List-Unsubscribe`); `nil` without
    /// `http.public_url`, and then messages carry none.
    public var unsubscribeLinks: UnsubscribeLinks?

    public init(workspace: Workspace, schedule: Schedule, unsubscribeLinks: UnsubscribeLinks? = nil) {
        self.workspace = workspace
        self.schedule = schedule
        self.unsubscribeLinks = unsubscribeLinks
        contactIDs = ContactIDs(schedule.contacts)
    }

    /// The message for `occurrence`, or `nil` and every problem: each value the template shows
    /// unconditionally that is not set for this occurrence is one error, at its first use.
    public func render(_ occurrence: Occurrence) -> (message: RenderedMessage?, diagnostics: Diagnostics) {
        if case .digest(let items) = occurrence.detail { return renderDigest(occurrence, items: items) }
        var diagnostics = Diagnostics()
        let config = workspace.config
        guard let rule = config.rules.first(where: { $0.name == occurrence.rule }),
            let index = contactIDs.index(of: occurrence.contact)
        else {
            diagnostics.error(
                "no rule '\(occurrence.rule)' or contact '\(occurrence.contact)'", at: .file(config.path))
            return (nil, diagnostics)
        }
        let contact = schedule.contacts[index]
        let recipient = person(occurrence, contact: contact)
        guard let variants = workspace.templates[rule.template], !variants.isEmpty else {
            diagnostics.error("template '\(rule.template)' is not loaded", at: rule.templateLocation)
            return (nil, diagnostics)
        }
        guard let (language, template) = Self.variant(of: variants, for: recipient.language, default: config.language)
        else {
            diagnostics.error("template '\(rule.template)' has no default file", at: rule.templateLocation)
            return (nil, diagnostics)
        }
        let values = MessageValues(
            workspace: workspace, schedule: schedule, rule: rule, contactIndex: index, occurrence: occurrence,
            language: language
        ).dictionary
        var reported = Set<String>()
        for reference in template.references where MessageValues.lookup(reference.name, in: values) == nil {
            guard reported.insert(reference.name).inserted else { continue }
            diagnostics.append(missing(reference, contact: contact, rule: rule))
        }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        let message = RenderedMessage(
            occurrence: occurrence, recipient: recipient,
            contact: .init(
                id: contact.id, name: contact.name, email: contact.email, language: contact.language ?? config.language),
            templatePath: template.textPath, language: language,
            subject: template.subject.map { $0.render(values) }, text: template.body.render(values),
            html: template.html?.render(values),
            unsubscribeURL: occurrence.to == .contact ? unsubscribeLinks?.url(for: contact.id) : nil)
        return (message, diagnostics)
    }

    /// The variant for a recipient's language (`en-GB`, then `en`), else the default file in the
    /// configuration's language; with the language it is written in.
    static func variant(of variants: [String?: Template], for language: String, default defaultLanguage: String)
        -> (language: String, template: Template)?
    {
        var wanted = [language]
        if let dash = language.firstIndex(of: "-") { wanted.append(String(language[..<dash])) }
        for candidate in wanted {
            if let template = variants[candidate] { return (candidate, template) }
        }
        return variants[nil].map { (defaultLanguage, $0) }
    }

    private func person(_ occurrence: Occurrence, contact: Contact) -> RenderedMessage.Person {
        let config = workspace.config
        switch occurrence.to {
        case .contact:
            return .init(
                id: contact.id, name: contact.name, email: contact.email, language: contact.language ?? config.language)
        case .owner, .manager:
            let owner = config.owners[occurrence.recipient]
            return .init(
                id: occurrence.recipient, name: owner?.name, email: owner?.email,
                language: owner?.language ?? config.language)
        }
    }

    private func missing(_ reference: TemplateReference, contact: Contact, rule: Rule) -> Diagnostic {
        let parts = reference.name.split(separator: ".").map(String.init)
        var notes: [Diagnostic.Note] = []
        switch parts.first {
        case "contact":
            let field = parts.dropFirst().joined(separator: ".")
            notes.append(
                .init(
                    "contact '\(contact.id)' has no '\(field)'; set it, or show it only when set: '{{#\(reference.name)}}…{{/\(reference.name)}}'",
                    at: contact.location))
        case "owner", "manager":
            notes.append(
                .init(
                    "contact '\(contact.id)' has no \(parts[0]) with '\(parts.dropFirst().joined(separator: "."))'",
                    at: contact.location))
        default:
            notes.append(.init("rule '\(rule.name)' does not provide it for this occurrence"))
        }
        return .error(
            "no value for '\(reference.name)' in the message to contact '\(contact.id)'", at: reference.location,
            notes: notes)
    }
}

import TicklerCore

/// The checks an event's fields pass before anything is stored, shared by `event add` and
/// `event import`: the contact exists, the type is well formed, the time is RFC 3339.
public struct EventChecks: Sendable {
    /// What is wrong, and the notes that say why and how to fix it.
    public struct Problem: Error, Equatable, Sendable {
        public var message: String
        public var notes: [String] = []
    }

    let contactIDs: ContactIDs
    /// The event types the rules react to (`after`, `unless`, `since`) and those every contact's
    /// rules do (`unsubscribed`, `resubscribed`), for a did-you-mean on a typo.
    let ruleEventTypes: Set<String>
    let configPath: String

    public init(_ workspace: Workspace) {
        self.init(config: workspace.config, contactIDs: ContactIDs(workspace.contacts))
    }

    /// The checks against the contacts `contactIDs` and the rules of `config`.
    public init(config: Config, contactIDs: ContactIDs) {
        self.contactIDs = contactIDs
        var types: Set<String> = [Event.unsubscribedType, Event.resubscribedType]
        for rule in config.rules {
            switch rule.trigger {
            case .after(let after):
                types.insert(after.eventType)
                if let unless = after.unless { types.insert(unless) }
            case .every(let every):
                types.formUnion(every.since ?? [])
            case .date:
                break
            }
        }
        ruleEventTypes = types
        configPath = config.path
    }

    public static let timeExample = "2026-11-22T09:00:00+08:00"

    public func contactProblem(_ contact: String) -> Problem? {
        if contact.isEmpty {
            return Problem(message: "missing contact", notes: ["name the contact by its id, e.g. 'acme-zhang'"])
        }
        guard !contactIDs.contains(contact) else { return nil }
        if let match = Suggestion.nearest(to: contact, in: contactIDs.sorted()) {
            return Problem(message: "unknown contact \(QuotedToken(contact))", notes: ["did you mean '\(match)'?"])
        }
        return Problem(
            message: "unknown contact \(QuotedToken(contact))",
            notes: ["contacts come from the files listed under 'contacts:' in '\(configPath)'"])
    }

    public func typeProblem(_ type: String) -> Problem? {
        if type.isEmpty {
            return Problem(message: "missing event type", notes: [Names.eventType.explanation])
        }
        guard !Names.isEventType(type) else { return nil }
        return Problem(message: "invalid event type \(QuotedToken(type))", notes: [Names.eventType.explanation])
    }

    /// A warning for a well-formed type that no rule uses but one close to it does (`purchse`).
    public func typeWarning(_ type: String) -> Problem? {
        guard !ruleEventTypes.contains(type), let match = Suggestion.nearest(to: type, in: ruleEventTypes.sorted())
        else { return nil }
        return Problem(
            message: "no rule reacts to event type \(QuotedToken(type))", notes: ["did you mean '\(match)'?"])
    }

    public func time(_ text: String) -> Result<Int64, Problem> {
        if text.isEmpty {
            return .failure(
                Problem(message: "missing time", notes: ["write an RFC 3339 time, e.g. '\(Self.timeExample)'"]))
        }
        if let instant = Timestamp.parse(text) { return .success(instant) }
        return .failure(
            Problem(
                message: "invalid time \(QuotedToken(text))",
                notes: ["write an RFC 3339 time with its UTC offset, e.g. '\(Self.timeExample)'"]))
    }

    /// An imported id's first character that keys cannot hold, with its offset in scalars.
    public func idProblem(_ id: String) -> (offset: Int, problem: Problem)? {
        guard let (offset, character) = Names.owner.firstProblem(in: id) else { return nil }
        let shown = QuotedToken(String(character)).description.dropFirst().dropLast()
        return (
            offset,
            Problem(
                message: "invalid character '\(shown)' in event id \(QuotedToken(id))",
                notes: [
                    "event ids appear in occurrence keys: use letters, digits and . _ - : @ + = ~, starting with a letter or digit"
                ])
        )
    }
}

import TicklerCore
import TicklerInput

/// A digest's message (SPEC "Digests"): the owner's `digest:` template, in the owner's language,
/// with the values of ``TemplateVocabulary/digest(contactFields:contactDates:)``.
extension MessageRenderer {
    func renderDigest(_ occurrence: Occurrence, items: [Occurrence]) -> (
        message: RenderedMessage?, diagnostics: Diagnostics
    ) {
        var diagnostics = Diagnostics()
        let config = workspace.config
        guard let owner = config.owners[occurrence.recipient], let settings = owner.digest else {
            diagnostics.error("owner '\(occurrence.recipient)' has no 'digest:'", at: .file(config.path))
            return (nil, diagnostics)
        }
        guard let variants = workspace.templates[settings.template], !variants.isEmpty,
            let (language, template) = Self.variant(
                of: variants, for: owner.language ?? config.language, default: config.language)
        else {
            diagnostics.error("template '\(settings.template)' is not loaded", at: settings.templateLocation)
            return (nil, diagnostics)
        }
        let values = digestValues(occurrence, items: items, owner: owner, language: language)
        var reported = Set<String>()
        for reference in template.references {
            let parts = reference.name.split(separator: ".").map(String.init)
            guard let missing = Self.firstMissing(parts[...], in: values), reported.insert(reference.name).inserted
            else { continue }
            diagnostics.error(
                "no value for '\(reference.name)' in the digest '\(occurrence.key)'", at: reference.location,
                notes: [
                    .init(
                        missing.isEmpty
                            ? "the digest does not provide it"
                            : "item '\(missing)' has no value for it; show it only when set, inside a section on it")
                ])
        }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        let person = RenderedMessage.Person(
            id: owner.id, name: owner.name, email: owner.email, language: owner.language ?? config.language)
        let message = RenderedMessage(
            occurrence: occurrence, recipient: person, contact: person, templatePath: template.textPath,
            language: language, subject: template.subject.map { $0.render(values) },
            text: template.body.render(values), html: template.html?.render(values))
        return (message, diagnostics)
    }

    /// The digest's values: `owner`, `date`, `count`, `items` and `groups` (by rule, in the order
    /// of the rules).
    func digestValues(_ occurrence: Occurrence, items: [Occurrence], owner: Owner, language: String)
        -> [String: Any]
    {
        let zone = schedule.owners[owner.id]?.zone ?? schedule.defaultZone
        let rules = workspace.config.rules
        let ruleIndex = Dictionary(rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var groups: [Int: [Any]] = [:]
        var listed: [Any] = []
        listed.reserveCapacity(items.count)
        for item in items {
            guard let number = ruleIndex[item.rule], let index = contactIDs.index(of: item.contact) else { continue }
            var values = MessageValues(
                workspace: workspace, schedule: schedule, rule: rules[number], contactIndex: index, occurrence: item,
                language: language
            ).dictionary
            // The digest's own person is its `owner`; an item's would shadow it.
            values["owner"] = nil
            values["manager"] = nil
            values["key"] = item.key
            let minute = zone.localMinuteOfDay(at: item.due)
            values["due"] = TimeOfDay(hour: minute / 60, minute: minute % 60).description
            listed.append(values)
            groups[number, default: []].append(values)
        }
        let grouped: [Any] = groups.keys.sorted().map { number in
            let members = groups[number]!
            return ["rule": ["name": rules[number].name], "count": String(members.count), "items": members]
                as [String: Any]
        }
        return [
            "owner": MessageValues.personValues(owner),
            "date": occurrence.day.description,
            "count": String(listed.count),
            "items": listed,
            "groups": grouped,
        ]
    }

    /// Where the value at `path` is missing: `nil` when it is set (in every item, for a path through
    /// a list), else the key of the item that lacks it, or "" outside the lists.
    static func firstMissing(_ path: ArraySlice<String>, in value: Any) -> String? {
        guard let first = path.first else { return nil }
        if let list = value as? [Any] {
            for element in list {
                guard let missing = firstMissing(path, in: element) else { continue }
                return missing.isEmpty ? ((element as? [String: Any])?["key"] as? String ?? "") : missing
            }
            return nil
        }
        guard let map = value as? [String: Any], let next = map[first] else { return "" }
        return firstMissing(path.dropFirst(), in: next)
    }
}

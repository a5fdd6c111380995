import TicklerCore

/// `digest:` of an owner and `digest: true` of a rule (SPEC "Digests").
extension ConfigParser.Builder {
    /// `digest: { at: "08:30", channel: email, template: digest }` of owner `id`; its channel is
    /// checked once the channels are read (``checkDigests(_:channels:rules:)``).
    mutating func parseDigest(_ owner: MappingReader, id: String) -> Owner.Digest? {
        guard let node = owner.value("digest", diagnostics: &diagnostics),
            let digest = MappingReader(
                node, context: "'digest' of owner '\(id)'", allowed: ConfigKeys.ownerDigest, diagnostics: &diagnostics)
        else { return nil }
        var at: TimeOfDay?
        if let (text, node) = digest.required(
            "at", diagnostics: &diagnostics,
            note: "the time of day it goes out in the owner's zone, e.g. 'at: \"08:30\"'")
        {
            at = TimeOfDay.parse(text)
            if at == nil {
                diagnostics.error(
                    "invalid time '\(text)' for 'at' in \(digest.context)", at: node.location(atScalarOffset: 0),
                    notes: [.init("write a 24-hour time as HH:MM, e.g. '08:30'")])
            }
        }
        let channel = digest.required(
            "channel", diagnostics: &diagnostics, note: "name one of the channels under 'channels:'")
        var template: (text: String, node: YAMLNode)?
        if let (text, node) = digest.required(
            "template", diagnostics: &diagnostics,
            note: "name a template file in the templates directory, without '.txt', e.g. 'template: digest'")
        {
            if Names.template.check(text, at: node, diagnostics: &diagnostics) { template = (text, node) }
        }
        guard let at, let channel, let template else { return nil }
        return Owner.Digest(
            at: at, channel: channel.text, template: template.text,
            location: owner.key("digest")?.location ?? node.location,
            templateLocation: template.node.location(atScalarOffset: 0),
            channelLocation: channel.node.location(atScalarOffset: 0))
    }

    /// Digest channels name channels; no rule is named `digest` (digests' keys start so); a rule
    /// with `digest: true` goes to an owner or a manager, and some owner has a digest.
    mutating func checkDigests(_ owners: inout [String: Owner], channels: [String: Channel], rules: [Rule]) {
        // Counted before a digest with errors is dropped: those errors say enough.
        let anyDigest = owners.values.contains { $0.digest != nil }
        for id in owners.keys.sorted() {
            guard let digest = owners[id]?.digest, channels[digest.channel] == nil else { continue }
            let known = channels.keys.sorted()
            diagnostics.error(
                "unknown channel '\(digest.channel)' in 'digest' of owner '\(id)'", at: digest.channelLocation,
                notes: Suggestion.note(for: digest.channel, in: known) + [
                    .init(known.isEmpty ? "no channels are configured" : "channels: \(known.joined(separator: ", "))")
                ])
            owners[id]?.digest = nil
        }
        for rule in rules {
            if rule.name == Schedule.digestRule {
                diagnostics.error(
                    "rule name '\(rule.name)' is reserved", at: rule.location,
                    notes: [.init("owners' digests have the keys 'digest/OWNER/YYYY-MM-DD'; name the rule otherwise")])
            }
            guard rule.digest else { continue }
            if rule.recipient == .contact {
                diagnostics.error(
                    "'digest: true' in rule '\(rule.name)' cannot apply: the rule goes 'to: contact'",
                    at: rule.location,
                    notes: [
                        .init(
                            "a digest bundles what goes to an owner or a manager who has 'digest:'; remove 'digest: true' or use 'to: owner'"
                        )
                    ])
            } else if !anyDigest {
                diagnostics.warning(
                    "rule '\(rule.name)' has 'digest: true' but no owner has a 'digest:'", at: rule.location,
                    notes: [
                        .init(
                            "its reminders go out one by one; give an owner e.g. 'digest: { at: \"08:30\", channel: email, template: digest }'"
                        )
                    ])
            }
        }
    }
}

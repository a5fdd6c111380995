import TicklerCore

/// The values of a digest's template (SPEC "Digests"):
///
/// - `owner.*` (the person it goes to), `date` (their day, `YYYY-MM-DD`), `count`;
/// - `items`, a list whose entries carry what the item's own template would see — `rule.name`,
///   `contact.*`, `date`, `days_until` (`date` rules), `event.*` (`after` rules) — and `due`
///   (its local time in the owner's zone, `09:00`) and `key`;
/// - `groups`, the items by rule, in the order of the rules: `rule.name`, `count` and `items`.
///   Mustache cannot group by itself; a template that lists by rule walks `groups`.
///
/// `days_until` and `event.*` are set only for the items of some rules: a template shows them
/// inside a section on them (`{{#days_until}}…{{/days_until}}`, `{{#event}}…{{/event}}`).
extension TemplateVocabulary {
    public static func digest(contactFields: Set<String>, contactDates: Set<String>) -> TemplateVocabulary {
        let item: [String: TemplateValue] = [
            "rule": .map(texts: ["name"]),
            "contact": contactValue(contactFields: contactFields, contactDates: contactDates),
            "date": .text,
            "due": .text,
            "key": .text,
            "days_until": .text,
            "event": .map(texts: ["type", "at", "note"]),
        ]
        let root: [String: TemplateValue] = [
            "owner": .map(texts: personFields),
            "date": .text,
            "count": .text,
            "items": .records(item),
            "groups": .records(["rule": .map(texts: ["name"]), "count": .text, "items": .records(item)]),
        ]
        return TemplateVocabulary(trigger: .every, root: .map(root), isDigest: true)
    }

    static let digestConditionalValues: [String: (empty: String, reason: String)] = {
        var values: [String: (empty: String, reason: String)] = [:]
        for list in ["items", "groups.items"] {
            values[list + ".days_until"] = (
                "in the items of other rules", "'days_until' has a value only in the items of 'date' rules"
            )
            for field in ["type", "at", "note"] {
                values[list + ".event." + field] = (
                    "in the items of other rules", "'event.\(field)' has a value only in the items of 'after' rules"
                )
            }
        }
        return values
    }()
}

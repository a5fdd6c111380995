import TicklerCore

/// The shape of a value a template can name: a piece of text, a list of texts, or a map of named values.
///
/// Sections push a value onto the name-resolution stack as Mustache does: a map's fields become
/// names, a list's items (texts) become `.`, and a text becomes `.`.
struct TemplateValue: Sendable, Hashable {
    enum Shape: Sendable, Hashable {
        case text
        case list
        case map
        /// A list of maps, all with `fields` (a digest's `items`): a section on it renders once per
        /// item, with the item's fields as names.
        case records
        /// A value whose shape is not known because its name was already reported as unknown; any
        /// name resolves against it, so one typo yields one error.
        case unknown
    }

    var shape: Shape
    var fields: [String: TemplateValue]

    static let text = TemplateValue(shape: .text, fields: [:])
    static let list = TemplateValue(shape: .list, fields: [:])
    static let unknown = TemplateValue(shape: .unknown, fields: [:])

    static func map(_ fields: [String: TemplateValue]) -> TemplateValue {
        TemplateValue(shape: .map, fields: fields)
    }

    static func records(_ fields: [String: TemplateValue]) -> TemplateValue {
        TemplateValue(shape: .records, fields: fields)
    }

    /// A map whose fields are all texts.
    static func map(texts names: some Sequence<String>) -> TemplateValue {
        .map(Dictionary(names.map { ($0, TemplateValue.text) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The value at a dotted path below this one (`["dates", "anniversary"]`), if there is one.
    func value(at path: some Collection<String>) -> TemplateValue? {
        var value = self
        for segment in path {
            if value.shape == .unknown { return value }
            guard let next = value.fields[segment] else { return nil }
            value = next
        }
        return value
    }

    /// Every dotted name below this value (maps, lists and texts alike), for suggestions.
    var allNames: [String] {
        var names: [String] = []
        for (name, value) in fields {
            names.append(name)
            names.append(contentsOf: value.allNames.map { name + "." + $0 })
        }
        return names
    }
}

import TicklerCore

/// Reads a YAML contacts file: a list of maps, one per contact.
///
/// ```yaml
/// - id: acme-zhang
///   name: 张伟
///   birthday: 1980-03-14        # dates may be unquoted; the scalar is read as written
///   tags: [key, 华东]           # a list, or "key; 华东"
///   dates: { anniversary: 2015-06-01 }
/// ```
///
/// An empty file or an empty list holds no contacts. Values are located at their first character
/// (inside the quotes for a quoted scalar).
enum YAMLContactsReader {
    static func read(_ source: SourceText, context: ContactsContext) -> (contacts: [Contact], diagnostics: Diagnostics)
    {
        var builder = ContactBuilder(path: source.path, context: context)
        let root: YAMLNode?
        switch YAMLDocument.parse(source) {
        case .success(let node):
            root = node
        case .failure(let diagnostic):
            var diagnostics = Diagnostics()
            diagnostics.append(diagnostic)
            return ([], diagnostics)
        }
        guard let root, !root.isNull else { return ([], builder.diagnostics) }
        guard let items = root.items else {
            builder.error(
                "expected a list of contacts, found \(root.kindDescription)", at: root.location,
                notes: [.init("start each contact with '- ', e.g. '- id: acme-zhang'")])
            return ([], builder.diagnostics)
        }
        var contacts: [Contact] = []
        for item in items {
            guard let pairs = item.pairs else {
                builder.error(
                    "expected a map for a contact, found \(item.kindDescription)", at: item.location,
                    notes: [.init("write a contact as fields under '- ', e.g. '- id: acme-zhang'")])
                continue
            }
            builder.begin(at: item.location)
            for (key, value) in pairs {
                readField(key: key, value: value, into: &builder)
            }
            if let contact = builder.finish() { contacts.append(contact) }
        }
        return (contacts, builder.diagnostics)
    }

    private static func readField(key: YAMLNode, value: YAMLNode, into builder: inout ContactBuilder) {
        guard let name = key.scalar else {
            builder.error("expected a field name, found \(key.kindDescription)", at: key.location)
            return
        }
        if name == "dates" {
            readDates(value, into: &builder)
            return
        }
        guard let field = builder.field(named: name, at: key.location) else { return }
        if value.isNull { return }
        if field == .tags, let tags = value.items {
            guard builder.markSet(.tags, at: value.location) else { return }
            for tag in tags {
                if let text = tag.scalar {
                    builder.addTag(text, at: tag.location(atScalarOffset: 0))
                } else if !tag.isNull {
                    builder.wrongKind("tags", expected: "text", found: tag.kindDescription, at: tag.location)
                }
            }
            return
        }
        guard let text = value.scalar else {
            let expected = field == .tags ? "a list or text" : "text"
            builder.wrongKind(name, expected: expected, found: value.kindDescription, at: value.location)
            return
        }
        builder.set(field, text, at: value.location(atScalarOffset: 0))
    }

    /// `dates:` — a map from date names to dates.
    private static func readDates(_ value: YAMLNode, into builder: inout ContactBuilder) {
        if value.isNull { return }
        guard let pairs = value.pairs else {
            builder.error(
                "expected a map of names to dates for 'dates', found \(value.kindDescription)", at: value.location,
                notes: [.init("write e.g. 'dates: {anniversary: 2015-06-01}'")])
            return
        }
        for (key, date) in pairs {
            guard let name = key.scalar else {
                builder.error("expected a date name, found \(key.kindDescription)", at: key.location)
                continue
            }
            guard let field = builder.field(named: "dates." + name, at: key.location), !date.isNull else { continue }
            guard let text = date.scalar else {
                builder.wrongKind(field.name, expected: "a date", found: date.kindDescription, at: date.location)
                continue
            }
            builder.set(field, text, at: date.location(atScalarOffset: 0))
        }
    }
}

import TicklerCore

/// Checks the tags of one template part: sections open and close in order, and every name is a
/// value of the rule kind, resolved as Mustache resolves it.
///
/// Inside a section on a map (`{{#contact}}`) a name is looked up in that map first, then outward;
/// the first map that has the name's first part wins, as in Mustache, with no going back. Inside a
/// section on a list (`{{#contact.tags}}`) or on a text, `{{.}}` is the item. Inverted sections
/// (`{{^x}}`) render only when `x` is empty, so they change nothing about names.
struct TemplateChecker {
    /// A value names are resolved against, with its name from the root (`["contact"]`).
    private struct Scope {
        var path: [String]
        var value: TemplateValue
    }

    private struct OpenSection {
        var tag: TemplateTag
        /// The value the section is on, from the root, when it pushed one.
        var path: [String]?
        /// Whether the section pushed a scope, which closing it pops.
        var pushesScope: Bool
        /// Whether it is on one value that may be missing (not on a list, which is there, maybe
        /// empty): in a digest, what it holds renders only when that value is set.
        var guardsValue = false
    }

    /// How deeply sections may nest.
    static let maximumDepth = 100

    private let vocabulary: TemplateVocabulary
    private let isHTML: Bool
    private var scopes: [Scope]
    private var sections: [OpenSection] = []
    private var diagnostics = Diagnostics()
    private var references: [TemplateReference] = []

    /// The problems with the names and sections of `tags`, in reading order. In an HTML part
    /// (`isHTML`), values must be escaped: `{{{name}}}` and `{{& name}}` are errors there.
    static func check(_ tags: [TemplateTag], vocabulary: TemplateVocabulary, isHTML: Bool = false) -> Diagnostics {
        checkAndReference(tags, vocabulary: vocabulary, isHTML: isHTML).diagnostics
    }

    /// The problems, and the values the part shows unconditionally (outside a section on the same
    /// value), which rendering must find set.
    static func checkAndReference(
        _ tags: [TemplateTag], vocabulary: TemplateVocabulary, isHTML: Bool = false
    ) -> (diagnostics: Diagnostics, references: [TemplateReference]) {
        var checker = TemplateChecker(vocabulary: vocabulary, isHTML: isHTML)
        for tag in tags {
            checker.check(tag)
        }
        checker.finish()
        return (checker.diagnostics, checker.references)
    }

    private init(vocabulary: TemplateVocabulary, isHTML: Bool) {
        self.vocabulary = vocabulary
        self.isHTML = isHTML
        scopes = [Scope(path: [], value: vocabulary.root)]
    }

    private mutating func check(_ tag: TemplateTag) {
        if tag.kind != .close, tag.kind != .variable, tag.kind != .unescapedVariable,
            sections.count >= Self.maximumDepth
        {
            // swift-mustache parses and renders sections recursively: bound the depth so that no
            // template can exhaust the stack.
            if sections.count == Self.maximumDepth {
                diagnostics.error(
                    "section '\(tag.name)' is nested too deeply", at: tag.location,
                    notes: [.init("sections may be nested at most \(Self.maximumDepth) deep")]
                )
            }
            sections.append(OpenSection(tag: tag, path: nil, pushesScope: true))
            scopes.append(Scope(path: [], value: .unknown))
            return
        }
        switch tag.kind {
        case .variable, .unescapedVariable:
            if tag.kind == .unescapedVariable, isHTML {
                // A customer's name must never become markup in an email.
                diagnostics.error(
                    "unescaped value '\(tag.name)' in an html part", at: tag.location,
                    notes: [
                        .init("values in '.html' files are always HTML-escaped; write '\(tag.spelling("", tag.name))'")
                    ]
                )
            }
            guard tag.isNameValid, let (path, value) = resolve(tag) else { return }
            checkSingleValue(tag, path: path, value: value)
            let guarded = sections.contains { $0.tag.kind == .section && $0.path == path } || guardedInDigest(path)
            if value.shape == .text, tag.name != ".", !guarded {
                references.append(TemplateReference(name: path.joined(separator: "."), location: tag.nameLocation))
            }
        case .section, .invertedSection:
            let resolved = tag.isNameValid ? resolve(tag) : nil
            guard tag.kind == .section else {
                sections.append(OpenSection(tag: tag, path: nil, pushesScope: false))
                return
            }
            let path = resolved?.path ?? []
            let value = resolved?.value ?? .unknown
            // A section on a list renders once per item, with the item (a text) as `.`.
            let pushed =
                switch value.shape {
                case .list: TemplateValue.text
                case .records: TemplateValue.map(value.fields)
                default: value
                }
            scopes.append(Scope(path: path, value: pushed))
            sections.append(
                OpenSection(
                    tag: tag, path: resolved == nil ? nil : path, pushesScope: true,
                    guardsValue: value.shape != .list && value.shape != .records))
        case .unsupportedSection:
            sections.append(OpenSection(tag: tag, path: nil, pushesScope: false))
        case .close:
            close(tag)
        }
    }

    // MARK: Sections

    private mutating func close(_ tag: TemplateTag) {
        guard let top = sections.last else {
            diagnostics.error(
                "closing tag '\(tag.name)' has no open section", at: tag.nameLocation,
                notes: [.init("open the section with '\(tag.spelling("#", tag.name))', or remove this tag")]
            )
            return
        }
        if top.tag.name == tag.name {
            pop()
            return
        }
        diagnostics.error(
            "closing tag '\(tag.name)' does not match section '\(top.tag.name)'", at: tag.nameLocation,
            notes: [.init("section '\(top.tag.name)' opened here", at: top.tag.location)]
        )
        // A section left open further out: close everything up to it. Otherwise, a misspelt name.
        if let match = sections.lastIndex(where: { $0.tag.name == tag.name }) {
            while sections.count > match { pop() }
        } else {
            pop()
        }
    }

    private mutating func pop() {
        let section = sections.removeLast()
        if section.pushesScope { scopes.removeLast() }
    }

    private mutating func finish() {
        for section in sections {
            let tag = section.tag
            diagnostics.error(
                "unclosed section '\(tag.name)'", at: tag.location,
                notes: [.init("close it with '\(tag.spelling("/", tag.name))'")]
            )
        }
    }

    // MARK: Names

    /// The value `tag` names, from the root, or `nil` after reporting that it names none.
    private mutating func resolve(_ tag: TemplateTag) -> (path: [String], value: TemplateValue)? {
        let name = tag.name
        let top = scopes[scopes.count - 1]
        if name == "." {
            guard scopes.count > 1 else {
                diagnostics.error(
                    "'.' is used outside a section", at: tag.nameLocation,
                    notes: [
                        .init("'.' is the current item of a section, e.g. '\(tag.sectionSpelling("contact.tags"))'")
                    ]
                )
                return nil
            }
            return (top.path, top.value)
        }
        // `.name` looks only at the innermost value; `name` looks outward until a value has it.
        let relative = name.hasPrefix(".")
        let parts = (relative ? String(name.dropFirst()) : name).split(separator: ".").map(String.init)
        let candidates = relative ? [top] : Array(scopes.reversed())
        for scope in candidates {
            if scope.value.shape == .unknown { return (scope.path + parts, .unknown) }
            guard scope.value.fields[parts[0]] != nil else { continue }
            if let value = scope.value.value(at: parts) {
                return (scope.path + parts, value)
            }
            reportUnknown(tag, parts: parts, shadowedBy: scope)
            return nil
        }
        reportUnknown(tag, parts: parts, shadowedBy: nil)
        return nil
    }

    private mutating func reportUnknown(_ tag: TemplateTag, parts: [String], shadowedBy shadow: Scope?) {
        let written = parts.joined(separator: ".")
        var notes: [Diagnostic.Note] = []
        let kinds = vocabulary.otherKinds(having: written)
        if !kinds.isEmpty {
            notes.append(.init("'\(written)' is available only in \(kinds.map(\.rawValue).quotedList) rules"))
        } else if let shadow, !shadow.path.isEmpty, vocabulary.root.value(at: parts) != nil {
            let inner = (shadow.path + [parts[0]]).joined(separator: ".")
            notes.append(
                .init("inside section '\(shadow.path.joined(separator: "."))', '\(parts[0])' means '\(inner)'"))
        } else {
            var names: Set<String> = []
            for scope in tag.name.hasPrefix(".") ? [scopes[scopes.count - 1]] : scopes {
                names.formUnion(scope.value.allNames.map { tag.name.hasPrefix(".") ? "." + $0 : $0 })
            }
            notes = Suggestion.note(for: tag.name, in: names.sorted())
            if notes.isEmpty, parts.count == 2, parts[0] == "contact", scopes.count == 1 {
                notes.append(.init("no contact has a field '\(parts[1])'"))
            } else if notes.isEmpty, parts.count == 3, parts[0] == "contact", parts[1] == "dates", scopes.count == 1 {
                notes.append(.init("no contact has a date '\(parts[2])' under 'dates:'"))
            }
        }
        diagnostics.error("unknown value '\(tag.name)'", at: tag.nameLocation, notes: notes)
    }

    /// In a digest, whether a section on a value that may be missing encloses `path` (within a
    /// list's item: `{{#items}}{{#event}}{{type}}{{/event}}{{/items}}`), so that it renders only when set.
    private func guardedInDigest(_ path: [String]) -> Bool {
        vocabulary.isDigest
            && sections.contains { section in
                guard section.tag.kind == .section, section.guardsValue, let on = section.path else { return false }
                return on.count > 1 && on.count < path.count && path.starts(with: on)
            }
    }

    /// A variable must name one text: not a map, not a list, and not a value that may be missing.
    private mutating func checkSingleValue(_ tag: TemplateTag, path: [String], value: TemplateValue) {
        let fullName = path.joined(separator: ".")
        switch value.shape {
        case .map:
            let field = value.fields["name"] != nil ? "name" : value.fields.keys.sorted().first ?? "name"
            let example = tag.name == "." ? field : tag.name + "." + field
            diagnostics.error(
                "'\(tag.name)' is a group of values, not a single value", at: tag.nameLocation,
                notes: [.init("name one of its values, e.g. '\(example)'")]
            )
        case .list, .records:
            diagnostics.error(
                "'\(tag.name)' is a list", at: tag.nameLocation,
                notes: [.init("show its items with '\(tag.sectionSpelling(tag.name))'")]
            )
        case .text:
            guard let (empty, reason) = vocabulary.conditionalValues[fullName],
                !sections.contains(where: { $0.tag.kind == .section && $0.path == path }), !guardedInDigest(path)
            else { return }
            let shown = vocabulary.isDigest ? tag.name : fullName
            diagnostics.error(
                "'\(fullName)' is empty \(empty)", at: tag.nameLocation,
                notes: [
                    .init(reason + "; use it inside '\(tag.spelling("#", shown))…\(tag.spelling("/", shown))'")
                ]
            )
        case .unknown:
            return
        }
    }
}

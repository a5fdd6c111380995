import TicklerCore

extension WorkspaceLoader {
    /// Finds and compiles every template the rules name (`NAME.txt`, `NAME.LANG.txt` and their
    /// `.html` twins), once per distinct rule kind that uses it, so a value that only some kinds
    /// provide is caught.
    /// - Parameter names: the names of the custom fields and of the dates that contacts have
    ///   (`WorkspaceChecks.namesInUse`): the values templates may use.
    static func loadTemplates(
        _ config: Config, names: (fields: Set<String>, dates: Set<String>), reader: SourceReader,
        diagnostics: inout Diagnostics
    ) -> [String: [String?: Template]] {
        guard let firstRule = config.rules.first else { return [:] }
        let directory = config.templatesDirectory
        let listing: [String]
        do {
            guard let names = try reader.list(directory) else {
                let location = firstRule.templateLocation
                diagnostics.error(
                    "templates directory '\(directory)' does not exist", at: location,
                    notes: [.init("set 'templates:' in the configuration to the directory holding NAME.txt files")])
                return [:]
            }
            listing = names
        } catch {
            diagnostics.error("cannot read templates directory '\(directory)': \(error.reason)", at: .file(config.path))
            return [:]
        }
        let files = Set(listing)
        let standardFields = Set(Contact.standardFields)
        let contactFields = names.fields.subtracting(standardFields)
        let contactDates = names.dates

        var templates: [String: [String?: Template]] = [:]
        var seen = Set<Diagnostic>()
        let byTemplate = Dictionary(grouping: config.rules, by: \.template)
        // Owners' digests use templates too, with the digest's values.
        let digests = Dictionary(
            grouping: config.owners.values.filter { $0.digest != nil }.sorted { $0.id < $1.id },
            by: { $0.digest!.template })
        for name in Set(byTemplate.keys).union(digests.keys).sorted() {
            let rules = byTemplate[name] ?? []
            guard files.contains(name + ".txt") else {
                let near = Suggestion.nearest(
                    to: name, in: listing.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) })
                for rule in rules {
                    diagnostics.error(
                        "no template '\(name)' for rule '\(rule.name)'", at: rule.templateLocation,
                        notes: (near.map { [.init("did you mean '\($0)'?")] } ?? [])
                            + [.init("expected the file '\(Paths.resolve(name + ".txt", against: directory))'")])
                }
                for owner in digests[name] ?? [] {
                    diagnostics.error(
                        "no template '\(name)' for the digest of owner '\(owner.id)'",
                        at: owner.digest!.templateLocation,
                        notes: (near.map { [.init("did you mean '\($0)'?")] } ?? [])
                            + [.init("expected the file '\(Paths.resolve(name + ".txt", against: directory))'")])
                }
                continue
            }
            let languages: [String?] = [nil] + listing.compactMap { languageSuffix(of: $0, template: name) }.sorted()
            // One vocabulary per (kind, date field): what differs between the rules using the template.
            var vocabularies: [String: TemplateVocabulary] = [:]
            for rule in rules {
                let dateField: DateTrigger.Field? =
                    if case .date(let trigger) = rule.trigger { trigger.field } else { nil }
                let key = "\(rule.trigger.kind)/\(dateField.map(String.init(describing:)) ?? "")"
                vocabularies[key] =
                    vocabularies[key]
                    ?? TemplateVocabulary(
                        trigger: rule.trigger.kind, dateField: dateField, contactFields: contactFields,
                        contactDates: contactDates)
            }
            if digests[name] != nil {
                vocabularies["digest"] = .digest(contactFields: contactFields, contactDates: contactDates)
            }
            for language in languages {
                let stem = language.map { "\(name).\($0)" } ?? name
                var fileDiagnostics = Diagnostics()
                guard
                    let text = SourceText.read(
                        Paths.resolve(stem + ".txt", against: directory), from: reader,
                        missing: { .error("template file disappeared", at: .file($0)) },
                        diagnostics: &fileDiagnostics)
                else {
                    diagnostics.append(contentsOf: fileDiagnostics)
                    continue
                }
                var html: SourceText?
                if files.contains(stem + ".html") {
                    html = SourceText.read(
                        Paths.resolve(stem + ".html", against: directory), from: reader,
                        missing: { .error("template file disappeared", at: .file($0)) },
                        diagnostics: &fileDiagnostics)
                }
                let source = TemplateSource(name: name, language: language, text: text, html: html)
                for key in vocabularies.keys.sorted() {
                    let (template, compileDiagnostics) = TemplateCompiler.compile(
                        source, vocabulary: vocabularies[key]!)
                    for diagnostic in compileDiagnostics.all where seen.insert(diagnostic).inserted {
                        fileDiagnostics.append(diagnostic)
                    }
                    if let template { templates[name, default: [:]][language] = template }
                }
                diagnostics.append(contentsOf: fileDiagnostics)
            }
        }
        return templates
    }

    /// `en` for `birthday-greeting.en.txt` when the template is `birthday-greeting`.
    static func languageSuffix(of file: String, template: String) -> String? {
        guard file.hasPrefix(template + "."), file.hasSuffix(".txt") else { return nil }
        let middle = file.dropFirst(template.count + 1).dropLast(4)
        return Names.isLanguage(String(middle)) ? String(middle) : nil
    }
}

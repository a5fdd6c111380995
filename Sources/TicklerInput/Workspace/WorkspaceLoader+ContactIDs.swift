import TicklerCore

extension WorkspaceLoader {
    /// The configuration and the contacts' ids of a workspace that `load` would find no error in,
    /// without making a `Contact` of anyone: what recording events needs, for a fraction of the time
    /// and memory of `load` with a million contacts. CSV contact files are read for their ids alone,
    /// a piece at a time (`CSVContactsReader.IDReader`); YAML and vCard files are parsed as `load`
    /// parses them. The templates are checked as `load` checks them.
    ///
    /// `nil` when anything is wrong, or might be, without a word: the caller then loads the workspace
    /// with `load`, which reports every problem as `tickler check` does. So a command that uses this
    /// refuses to run exactly when one that uses `load` would.
    public static func loadContactIDs(
        configPath: String, reader: SourceReader, zones: any ZoneDatabase, phaseEnded: (String) -> Void = { _ in }
    ) -> (config: Config, contactIDs: ContactIDs)? {
        var diagnostics = Diagnostics()
        guard let config = loadConfig(configPath, reader: reader, zones: zones, diagnostics: &diagnostics),
            !diagnostics.hasErrors
        else { return nil }
        phaseEnded("config")
        let context = ContactsContext(owners: Set(config.owners.keys), zones: zones)
        var parts: [ContactIDs.Part] = []
        var names = (fields: Set<String>(), dates: Set<String>())
        for file in config.contactFiles {
            guard let contents = contactIDs(in: file.path, reader: reader, context: context) else { return nil }
            parts += contents.ids
            names.fields.formUnion(contents.fields)
            names.dates.formUnion(contents.dates)
        }
        let contactIDs = ContactIDs(parts: parts)
        guard !contactIDs.hasDuplicates else { return nil }
        phaseEnded("contacts")
        _ = loadTemplates(config, names: names, reader: reader, diagnostics: &diagnostics)
        phaseEnded("templates")
        return diagnostics.hasErrors ? nil : (config, contactIDs)
    }

    /// The ids, custom fields and dates of one contacts file without a problem.
    private static func contactIDs(in path: String, reader: SourceReader, context: ContactsContext)
        -> CSVContactsReader.IDReader.Contents?
    {
        if ContactsParser.isCSV(path) {
            var ids = CSVContactsReader.IDReader(path: path, context: context)
            guard (try? reader.read(path, pieceSize: 1 << 20, { ids.feed($0) })) == true else {
                _ = ids.finish()
                return nil
            }
            return ids.finish()
        }
        guard case .some(.some(let bytes)) = try? reader.read(path),
            case .success(let source) = SourceText.decode(bytes, path: path)
        else { return nil }
        let (contacts, parseDiagnostics) = ContactsParser.parse(source, context: context)
        guard !parseDiagnostics.hasErrors else { return nil }
        var part = ContactIDs.Part()
        for contact in contacts { part.append(contact.id) }
        let names = WorkspaceChecks.namesInUse(contacts)
        return .init(ids: [part], fields: names.fields, dates: names.dates)
    }
}

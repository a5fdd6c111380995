import Foundation
import TicklerCore

/// Loads the configuration, its contact files and its templates through a `SourceReader`, and
/// checks them together (references between them, values templates use). Every problem in every
/// file is reported in one pass.
public enum WorkspaceLoader {
    /// - Parameters:
    ///   - configPath: the configuration file, as the user named it (diagnostics use paths built from it).
    ///   - reader: where files come from.
    ///   - zones: where zone rules come from (the workspace keeps it, for the schedule).
    ///   - environment: the process environment, to warn about `${VAR}` references and secrets that are unset.
    ///   - warningsOnlyWithErrors: skip the checks that can only warn (rules that reach nobody, unset
    ///     variables…) when nothing is wrong, for commands that show warnings only next to errors;
    ///     with a million contacts they take a noticeable part of the time.
    ///   - configLoaded: called with the configuration once it is parsed without errors, before the
    ///     contacts are read (`tickler run` opens the store then and reads it meanwhile).
    ///   - phaseEnded: called with `config`, `contacts`, `templates` and `checks` as each part of the
    ///     work ends, for callers that time them (`TICKLER_TIMINGS`); the core itself reads no clock.
    public static func load(
        configPath: String, reader: SourceReader, zones: any ZoneDatabase, environment: [String: String] = [:],
        warningsOnlyWithErrors: Bool = false, configLoaded: (Config) -> Void = { _ in },
        phaseEnded: (String) -> Void = { _ in }
    ) -> (workspace: Workspace?, diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        guard var config = loadConfig(configPath, reader: reader, zones: zones, diagnostics: &diagnostics) else {
            return (nil, diagnostics)
        }
        config.calendars = loadCalendars(config, reader: reader, diagnostics: &diagnostics)
        if !diagnostics.hasErrors { configLoaded(config) }
        phaseEnded("config")

        let contacts = loadContacts(config, reader: reader, zones: zones, diagnostics: &diagnostics)
        phaseEnded("contacts")
        let templates = loadTemplates(
            config, names: WorkspaceChecks.namesInUse(contacts), reader: reader, diagnostics: &diagnostics)
        phaseEnded("templates")
        let workspace = Workspace(config: config, contacts: contacts, templates: templates, zones: zones)
        if !warningsOnlyWithErrors || diagnostics.hasErrors {
            WorkspaceChecks.run(workspace, environment: environment, diagnostics: &diagnostics)
        }
        phaseEnded("checks")
        return (workspace, diagnostics)
    }

    /// Reads and parses the configuration file; `nil` when it is missing or cannot be read as one
    /// (a configuration may also come with errors, in `diagnostics`).
    static func loadConfig(
        _ configPath: String, reader: SourceReader, zones: any ZoneDatabase, diagnostics: inout Diagnostics
    ) -> Config? {
        guard
            let source = SourceText.read(
                configPath, from: reader,
                missing: { path in
                    .error(
                        "no configuration file '\(path)'", at: .file(path),
                        notes: [
                            .init(
                                "pass --config PATH or set TICKLER_CONFIG to the file; etc/tickler.yaml is an example")
                        ])
                }, diagnostics: &diagnostics)
        else { return nil }
        let (parsed, configDiagnostics) = ConfigParser.parse(source, zones: zones)
        diagnostics.append(contentsOf: configDiagnostics)
        return parsed
    }

    /// Parses every contact file (in parallel: a file's parse is independent of the others).
    static func loadContacts(
        _ config: Config, reader: SourceReader, zones: any ZoneDatabase, diagnostics: inout Diagnostics
    ) -> [Contact] {
        let files = config.contactFiles
        let context = ContactsContext(owners: Set(config.owners.keys), zones: zones)
        let results = ParallelMap.run(files) { file -> ([Contact], Diagnostics) in
            // A CSV file, the format of large address books, is parsed from its bytes in place.
            if ContactsParser.isCSV(file.path), case .some(.some(let bytes)) = try? reader.read(file.path),
                let parsed = ContactsParser.parseCSV(bytes, path: file.path, context: context)
            {
                return parsed
            }
            var fileDiagnostics = Diagnostics()
            guard
                let source = SourceText.read(
                    listed: file, "contacts file", from: reader, diagnostics: &fileDiagnostics)
            else { return ([], fileDiagnostics) }
            let (contacts, parseDiagnostics) = ContactsParser.parse(source, context: context)
            fileDiagnostics.append(contentsOf: parseDiagnostics)
            return (contacts, fileDiagnostics)
        }
        for (_, fileDiagnostics) in results { diagnostics.append(contentsOf: fileDiagnostics) }
        // Each file's ids are unique already (`parse` merges within the file).
        if results.count == 1 { return results[0].0 }
        let (contacts, mergeDiagnostics) = ContactsParser.merge(results.map(\.0))
        diagnostics.append(contentsOf: mergeDiagnostics)
        return contacts
    }
}

import TicklerCore

extension SourceText {
    /// Reads and decodes a text file through `reader`; a missing or unreadable file, or one that
    /// is not UTF-8 text, becomes a diagnostic and `nil`.
    public static func read(
        _ path: String, from reader: SourceReader, missing: (String) -> Diagnostic, diagnostics: inout Diagnostics
    ) -> SourceText? {
        do {
            guard let bytes = try reader.read(path) else {
                diagnostics.append(missing(path))
                return nil
            }
            switch decode(bytes, path: path) {
            case .success(let text): return text
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                return nil
            }
        } catch {
            diagnostics.error(
                "cannot read '\(path)': \(error.reason)", at: .file(path), notes: error.note.map { [.init($0)] } ?? [])
            return nil
        }
    }

    /// ``read(_:from:missing:diagnostics:)`` for a file the configuration names (a contacts or a
    /// calendar file, `what`): a missing one is reported where the configuration names it.
    public static func read(
        listed file: SourcePath, _ what: String, from reader: SourceReader, diagnostics: inout Diagnostics
    ) -> SourceText? {
        read(
            file.path, from: reader,
            missing: { path in
                .error(
                    "\(what) '\(path)' does not exist", at: file.location,
                    notes: [.init("paths in the configuration are relative to the configuration file's directory")])
            }, diagnostics: &diagnostics)
    }
}

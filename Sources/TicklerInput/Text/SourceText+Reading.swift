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
}

/// What contact files are checked against: the rest of the configuration.
public struct ContactsContext: Sendable {
    /// The ids of the configured owners; a contact's `owner` must be one of them.
    public var owners: Set<String>

    public init(owners: Set<String>) {
        self.owners = owners
    }
}

/// Reads contacts from YAML, CSV and vCard text, reporting every problem with its place.
///
/// Pure functions of text: the caller reads the files (and decodes them with `SourceText.decode`).
/// An invalid contact is reported and left out; the valid contacts of the same file are still
/// returned, so one pass reports everything wrong in every file.
public enum ContactsParser {
    /// The file extensions read, by format. The format is chosen by the extension alone.
    public static let extensions = ["yaml", "yml", "csv", "vcf"]

    /// The contacts of one file, its format chosen by the path's extension (`.yaml`/`.yml`, `.csv`,
    /// `.vcf`, in any case). Another extension is an error at `path:1:1`. An id defined twice in the
    /// file is an error at the second place.
    public static func parse(_ source: SourceText, context: ContactsContext) -> (
        contacts: [Contact], diagnostics: Diagnostics
    ) {
        var result: (contacts: [Contact], diagnostics: Diagnostics)
        switch fileExtension(of: source.path)?.lowercased() {
        case "yaml", "yml": result = YAMLContactsReader.read(source, context: context)
        case "csv": result = CSVContactsReader.read(source, context: context)
        case "vcf": result = VCardReader.read(source, context: context)
        case let other:
            var diagnostics = Diagnostics()
            let name = source.path.split(separator: "/").last.map(String.init) ?? source.path
            let message =
                other.map { "unsupported contacts file extension \(QuotedToken("." + $0))" }
                ?? "contacts file \(QuotedToken(name)) has no extension"
            diagnostics.error(
                message, at: .file(source.path),
                notes: [.init("contacts are read from '.yaml', '.yml', '.csv' or '.vcf' files")])
            return ([], diagnostics)
        }
        let (unique, duplicates) = merge([result.contacts])
        result.diagnostics.append(contentsOf: duplicates)
        return (unique, result.diagnostics)
    }

    /// Joins the contacts of several files in order. An id defined twice is an error at the second
    /// place, with a note pointing at the first; the second definition is left out.
    public static func merge(_ files: [[Contact]]) -> (contacts: [Contact], diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        let total = files.reduce(0) { $0 + $1.count }
        var firstDefinition: [String: SourceLocation] = .init(minimumCapacity: total)
        var contacts: [Contact] = []
        contacts.reserveCapacity(total)
        for file in files {
            for contact in file {
                if let first = firstDefinition[contact.id] {
                    diagnostics.error(
                        "duplicate contact id \(QuotedToken(contact.id))", at: contact.location,
                        notes: [.init("\(QuotedToken(contact.id)) is first defined here", at: first)])
                } else {
                    firstDefinition[contact.id] = contact.location
                    contacts.append(contact)
                }
            }
        }
        return (contacts, diagnostics)
    }

    /// `csv` for `etc/contacts.csv`; `nil` when the file name has no extension.
    private static func fileExtension(of path: String) -> String? {
        let name = path.split(separator: "/").last ?? Substring(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...])
    }
}

import TicklerCore

/// What contact files are checked against: the rest of the configuration.
public struct ContactsContext: Sendable {
    /// The ids of the configured owners; a contact's `owner` must be one of them.
    public var owners: Set<String>
    /// The zone database a contact's `timezone` must name a zone of.
    public var zones: any ZoneDatabase

    public init(owners: Set<String>, zones: any ZoneDatabase) {
        self.owners = owners
        self.zones = zones
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
        let total = files.reduce(0) { $0 + $1.count }
        // Usually every id is unique: then the contacts are joined as they are (one file's array is
        // not even copied), and no location is kept per id.
        if !hasDuplicateID(files, total: total) {
            return (Array(concatenating: files), Diagnostics())
        }
        var diagnostics = Diagnostics()
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

    /// Whether two contacts have the same id. Ids are ASCII (the readers allow nothing else), so
    /// for them equal bytes are equal strings: their FNV-1a hashes are computed on every core, then
    /// each core puts the ids of its share of the hashes into an open-addressing table of indices
    /// and compares ids only when hashes are equal — several times faster than one `Set<String>`
    /// for a million ids. Ids that are not all ASCII take the `Set`.
    static func hasDuplicateID(_ files: [[Contact]], total: Int) -> Bool {
        let contacts = Array(concatenating: files)
        let slices = stride(from: 0, to: contacts.count, by: 65_536).map { $0..<min($0 + 65_536, contacts.count) }
        let hashed = ParallelMap.run(slices) { slice -> (hashes: [UInt64], isASCII: Bool) in
            var hashes: [UInt64] = []
            hashes.reserveCapacity(slice.count)
            var bits: UInt8 = 0
            for index in slice {
                var id = contacts[index].id
                hashes.append(
                    id.withUTF8 { bytes in
                        for byte in bytes { bits |= byte }
                        // Mixed into the top bits too, which pick the share: FNV-1a put 199 of
                        // `c000001`…`c000200` in one share.
                        return ContactIDs.hash(bytes)
                    })
            }
            return (hashes, bits < 0x80)
        }
        guard hashed.allSatisfy(\.isASCII) else {
            var seen = Set<String>(minimumCapacity: total)
            return !contacts.allSatisfy { seen.insert($0.id).inserted }
        }
        let hashes = Array(concatenating: hashed.map(\.hashes))
        let shares = 4
        // Each share's table is sized for the ids that fall in it: similar ids (`c000001`, …) need
        // not spread evenly over the top bits, and a full table would never end its probe.
        var perShare = [Int](repeating: 0, count: shares)
        for hash in hashes { perShare[Int(hash >> 62)] += 1 }
        let counts = perShare
        return ParallelMap.run(Array(0..<shares)) { share -> Bool in
            var slots = 16
            while slots < 2 * counts[share] + 16 { slots <<= 1 }
            let mask = UInt64(slots - 1)
            var table = [Int32](repeating: -1, count: slots)
            for index in hashes.indices where Int(hashes[index] >> 62) == share {
                var slot = Int(hashes[index] & mask)
                while table[slot] >= 0 {
                    let other = Int(table[slot])
                    if hashes[other] == hashes[index], contacts[other].id == contacts[index].id { return true }
                    slot = (slot + 1) & Int(mask)
                }
                table[slot] = Int32(index)
            }
            return false
        }.contains(true)
    }

    /// `csv` for `etc/contacts.csv`; `nil` when the file name has no extension.
    static func fileExtension(of path: String) -> String? {
        let name = path.split(separator: "/").last ?? Substring(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...])
    }
}

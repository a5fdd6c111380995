import TicklerCore

/// Reads vCard 3.0 and 4.0 files (`.vcf`), as address books and phones export them.
///
/// | vCard | contact field |
/// |---|---|
/// | `UID` | `id` (a `urn:uuid:` prefix is kept as written) |
/// | `FN` | `name` |
/// | `EMAIL`, `TEL` | `email`, `phone` (the first of each) |
/// | `BDAY` | `birthday`: `19800314`, `1980-03-14`, `--0314`, `--03-14` |
/// | `ANNIVERSARY` | `dates.anniversary` (same forms) |
/// | `CATEGORIES` | `tags` (comma-separated) |
/// | `TZ` | `timezone`: an IANA name; a UTC offset (`+08:00`) is an error |
/// | `X-TICKLER-<FIELD>` | that field: `X-TICKLER-TIER`, `X-TICKLER-LUNAR-BIRTHDAY` (dashes become `_`), `X-TICKLER-DATES-<NAME>` |
///
/// Other properties (`N`, `ADR`, `ORG`, `PHOTO`, …) are ignored. Lines are unfolded first; values
/// are located where they are written, counting escapes (`\,`) as written.
enum VCardReader {
    static func read(_ source: SourceText, context: ContactsContext) -> (contacts: [Contact], diagnostics: Diagnostics)
    {
        var configuration = ContactBuilder.Configuration()
        configuration.recordNoun = "vCard"
        configuration.idLabel = "UID"
        configuration.missingIDNote = "Tickler uses 'UID' as the contact's id; add a line such as 'UID:acme-zhang'"
        configuration.acceptsVCardDates = true
        var reader = Card(builder: ContactBuilder(path: source.path, context: context, configuration: configuration))
        for line in ContentLine.unfold(source.text, path: source.path) {
            reader.read(line)
        }
        reader.endOfFile()
        return (reader.contacts, reader.builder.diagnostics)
    }

    /// The state of reading: inside a card or between cards.
    private struct Card {
        var builder: ContactBuilder
        var contacts: [Contact] = []
        /// Where the open card's `BEGIN:VCARD` is; `nil` between cards.
        var begin: SourceLocation?
        /// Properties of which only the first counts (`EMAIL`, `TEL`, `FN`), seen in the open card.
        var seen: Set<String> = []
        /// Whether "outside a vCard" was reported since the last card, so stray text is reported once.
        var reportedStray = false

        mutating func read(_ line: ContentLine) {
            guard let parts = line.parts() else {
                builder.error(
                    "missing ':' in vCard line \(QuotedToken(line.text))", at: line.location,
                    notes: [
                        .init(
                            "a vCard line is 'NAME:value', e.g. 'FN:张伟'; a line that continues the one before starts with a space"
                        )
                    ])
                return
            }
            let value = parts.value
            switch parts.name {
            case "BEGIN" where value.uppercased() == "VCARD":
                if let begin {
                    builder.error(
                        "'BEGIN:VCARD' without a matching 'END:VCARD'", at: begin,
                        notes: [.init("the next vCard starts here", at: line.location)])
                    builder.discard()
                }
                begin = line.location
                seen = []
                reportedStray = false
                builder.begin(at: line.location)
            case "END" where value.uppercased() == "VCARD":
                guard begin != nil else {
                    builder.error("'END:VCARD' without a 'BEGIN:VCARD'", at: line.location)
                    return
                }
                begin = nil
                if let contact = builder.finish() { contacts.append(contact) }
            default:
                guard begin != nil else {
                    if !reportedStray {
                        builder.error(
                            "\(QuotedToken(parts.writtenName)) outside a vCard", at: line.location,
                            notes: [.init("properties go between 'BEGIN:VCARD' and 'END:VCARD'")])
                        reportedStray = true
                    }
                    return
                }
                property(parts, line: line)
            }
        }

        mutating func endOfFile() {
            guard let begin else { return }
            builder.error(
                "'BEGIN:VCARD' without a matching 'END:VCARD'", at: begin,
                notes: [.init("the file ends before 'END:VCARD'")])
            builder.discard()
        }

        private mutating func property(_ parts: ContentLine.Parts, line: ContentLine) {
            let at = line.location(atOffset: parts.valueOffset)
            let name = parts.name
            let label = parts.writtenName
            let isUsed =
                ["UID", "FN", "EMAIL", "TEL", "BDAY", "ANNIVERSARY", "CATEGORIES", "TZ"].contains(name)
                || name.hasPrefix("X-TICKLER-")
            guard isUsed else { return }
            if let encoding = parts.parameters["ENCODING"] {
                builder.error(
                    "unsupported encoding \(QuotedToken(encoding)) in \(QuotedToken(label))", at: line.location,
                    notes: [.init("export the contacts as vCard 3.0 or 4.0, which write values as plain UTF-8")])
                return
            }
            let value = parts.value
            switch name {
            case "UID": builder.set(.id, ContentLine.unescape(value), at: at, label: label)
            case "FN": if isFirst(name, value) { builder.set(.name, ContentLine.unescape(value), at: at, label: label) }
            case "EMAIL":
                let address = ContentLine.unescape(value.hasPrefix("mailto:") ? value.dropFirst(7) : Substring(value))
                if isFirst(name, address) { builder.set(.email, address, at: at, label: label) }
            case "TEL":
                let number = ContentLine.unescape(value.hasPrefix("tel:") ? value.dropFirst(4) : Substring(value))
                if isFirst(name, number) { builder.set(.phone, number, at: at, label: label) }
            case "BDAY": date(.birthday, parts, at: at)
            case "ANNIVERSARY": date(.date("anniversary"), parts, at: at)
            case "CATEGORIES":
                for item in ContentLine.splitList(value, at: ",") {
                    builder.addTag(item.text, at: at.advanced(by: item.offset), label: label)
                }
            case "TZ": zone(parts, at: at)
            default:
                let written = name.dropFirst("X-TICKLER-".count)
                let fieldName =
                    written.hasPrefix("DATES-")
                    ? "dates." + fieldSpelling(written.dropFirst("DATES-".count)) : fieldSpelling(written)
                guard let field = builder.field(named: fieldName, at: line.location, kind: "field") else { return }
                builder.set(field, ContentLine.unescape(value), at: at, label: label)
            }
        }

        /// Whether this is the card's first non-empty `name` property (later ones are ignored).
        private mutating func isFirst(_ name: String, _ value: String) -> Bool {
            !value.isEmpty && seen.insert(name).inserted
        }

        private mutating func date(_ field: ContactField, _ parts: ContentLine.Parts, at: SourceLocation) {
            if parts.parameters["VALUE"]?.lowercased() == "text" {
                builder.error(
                    "\(QuotedToken(parts.writtenName)) is text (VALUE=text), not a date", at: at,
                    notes: [.init("write the date as 'YYYYMMDD', or '--MMDD' when the year is not known")])
                return
            }
            builder.set(field, parts.value, at: at, label: parts.writtenName)
        }

        /// `TZ`: an IANA zone name. vCard 3 writes offsets (`TZ:+08:00`), which cannot follow
        /// daylight-saving time, so they are refused with a note asking for a name.
        private mutating func zone(_ parts: ContentLine.Parts, at: SourceLocation) {
            let value = ContentLine.unescape(parts.value).trimmingSpaces
            let isOffset =
                parts.parameters["VALUE"]?.lowercased() == "utc-offset"
                || (value.first == "+" || value.first == "-" || value == "Z")
                    && value.utf8.allSatisfy {
                        (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x3A || $0 == 0x5A
                    }
            if isOffset {
                builder.error(
                    "time zone offset \(QuotedToken(value)) in \(QuotedToken(parts.writtenName))", at: at,
                    notes: [
                        .init(
                            "write an IANA zone name such as 'Asia/Shanghai' (in vCard 3: 'TZ;VALUE=text:Asia/Shanghai'); an offset cannot follow daylight-saving time"
                        )
                    ])
                return
            }
            builder.set(.timezone, ContentLine.unescape(parts.value), at: at, label: parts.writtenName)
        }

        /// `LUNAR-BIRTHDAY` as a field name: `lunar_birthday`.
        private func fieldSpelling(_ name: Substring) -> String {
            String(name.lowercased().map { $0 == "-" ? "_" : $0 })
        }
    }
}

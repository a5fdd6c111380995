import TicklerCore

/// A field of a contact, as a YAML key, a CSV column or a vCard property names it.
///
/// Readers resolve a name once (per CSV column, per YAML key) and then feed values by field, so the
/// per-value work in a 100,000-row CSV file is a switch, not a string comparison.
enum ContactField: Hashable, Sendable {
    case id, name, email, phone, timezone, tier, tags, owner, language, birthday, lunarBirthday
    /// A named date under `dates:` (`dates.anniversary` in CSV).
    case date(String)
    /// Any other field, kept as text in `Contact.fields`.
    case custom(String)

    /// The name the user writes: `lunar_birthday`, `dates.anniversary`, `company`.
    var name: String {
        switch self {
        case .id: "id"
        case .name: "name"
        case .email: "email"
        case .phone: "phone"
        case .timezone: "timezone"
        case .tier: "tier"
        case .tags: "tags"
        case .owner: "owner"
        case .language: "language"
        case .birthday: "birthday"
        case .lunarBirthday: "lunar_birthday"
        case .date(let name): "dates." + name
        case .custom(let name): name
        }
    }

    /// Whether the field holds text that must fit on one line (a name in a mail header, an id in a key).
    var isSingleLine: Bool {
        if case .custom = self { return false }
        return true
    }

    private static let standard: [String: ContactField] = [
        "id": .id, "name": .name, "email": .email, "phone": .phone, "timezone": .timezone, "tier": .tier,
        "tags": .tags, "owner": .owner, "language": .language, "birthday": .birthday,
        "lunar_birthday": .lunarBirthday,
    ]

    /// Why a name cannot name a field: the error line and the notes under it.
    struct NameError: Error {
        var message: String
        var notes: [String]
    }

    /// The field `name` refers to. `dates.NAME` is a named date; `dates` alone is an error here
    /// (YAML readers handle a `dates:` map themselves).
    static func named(_ name: String) -> Result<ContactField, NameError> {
        if let field = standard[name] { return .success(field) }
        if name == "dates" {
            return .failure(
                NameError(
                    message: "'dates' needs a date name",
                    notes: ["name one date per field, e.g. 'dates.anniversary'"]))
        }
        if name.hasPrefix("dates.") {
            let dateName = String(name.dropFirst("dates.".count))
            if let problem = problem(inName: dateName, what: "date name") { return .failure(problem) }
            if dateName == "birthday" || dateName == "lunar_birthday" {
                return .failure(
                    NameError(
                        message: "date name '\(dateName)' is reserved",
                        notes: ["set the contact's '\(dateName)' field instead of 'dates.\(dateName)'"]))
            }
            return .success(.date(dateName))
        }
        if let problem = problem(inName: name, what: "field name") { return .failure(problem) }
        return .success(.custom(name))
    }

    /// Checks a custom field or date name: lowercase letters, digits, `_` and `-`.
    static func problem(inName name: String, what: String) -> NameError? {
        if name.isEmpty { return NameError(message: "empty \(what)", notes: []) }
        if name.utf8.allSatisfy(isNameByte) { return nil }
        var notes = ["a \(what) uses lowercase letters, digits, '_' and '-'"]
        let folded = String(
            String.UnicodeScalarView(
                name.trimmingSpaces.lowercased().unicodeScalars.map { $0 == " " || $0 == "." ? "_" : $0 }))
        if let standardMatch = Suggestion.nearest(to: name, in: standard.keys.sorted()) {
            notes.append("did you mean '\(standardMatch)'?")
        } else if !folded.isEmpty, folded.utf8.allSatisfy(isNameByte) {
            notes.append("did you mean '\(folded)'?")
        }
        return NameError(message: "invalid \(what) \(QuotedToken(name))", notes: notes)
    }

    /// A standard field that a custom field name looks like a misspelling of (`birtday`), if any.
    /// Names that extend a standard one (`phone2`, `email_work`) are deliberate and not flagged.
    static func misspelledStandardName(_ name: String) -> String? {
        let candidates = standard.keys.sorted() + ["dates"]
        for candidate in candidates where name.hasPrefix(candidate) {
            let rest = name.utf8.dropFirst(candidate.utf8.count)
            if let first = rest.first,
                first == UInt8(ascii: "_") || first == UInt8(ascii: "-")
                    || (0x30...0x39).contains(first)
            {
                return nil
            }
        }
        return Suggestion.nearest(to: name, in: candidates)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}

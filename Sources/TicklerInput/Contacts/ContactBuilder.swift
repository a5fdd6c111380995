import TicklerCore

/// Builds contacts from the fields the three readers find — a field, its text and where the text
/// starts — so that every field is checked in one place, whatever the file format.
///
/// One builder reads one file: `begin(at:)` opens a record, `set` feeds its fields, `finish()`
/// returns the contact, or `nil` when any of its fields was wrong. Problems go to `diagnostics`;
/// every one is reported, and an invalid contact never stops the next one from being read.
///
/// Locations: `at` is where the value's text starts — for a quoted YAML or CSV value, its first
/// character inside the quote. A problem at a character inside the value (a bad character in an id)
/// is reported that many columns to the right, counting Unicode scalars as written.
struct ContactBuilder {
    struct Configuration {
        /// How the record is called in "has no id" messages: `contact`, or `vCard`.
        var recordNoun = "contact"
        /// How the id field is called in messages: `id`, or `UID`.
        var idLabel = "id"
        var missingIDNote = "every contact needs an 'id' that is unique across all contact files, e.g. 'acme-zhang'"
        /// vCard dates also come as `19800314` and `--0314`.
        var acceptsVCardDates = false
        /// Report a field set twice in one record. CSV turns this off: its header already has no duplicates.
        var checksDuplicates = true
    }

    let path: String
    let owners: Set<String>
    let zones: any ZoneDatabase
    let configuration: Configuration
    private(set) var diagnostics = Diagnostics()

    // Per-file caches: 100,000 contacts name a handful of zones and owners. Values that repeat
    // (zones, tiers, owners, languages, tag lists) are stored once and shared by every contact
    // that has them, which saves a million contacts a lot of memory.
    private var knownZones: [String: String] = [:]
    private var repeated: [String: String] = [:]
    private var tagLists: [String: [String]] = [:]
    private var unknownZoneNotes: [String: [Diagnostic.Note]] = [:]
    private var unknownOwnerNotes: [String: [Diagnostic.Note]] = [:]
    private var warnedFieldNames: Set<String> = []

    // The record being built.
    private var start: SourceLocation
    private var draft: Contact
    // Packed into the contact's text once, when it is finished.
    private var pendingName: String?
    private var pendingEmail: String?
    private var pendingPhone: String?
    private var pendingLanguage: String?
    private var hasID = false
    private var isValid = true
    private var isOpen = false
    private var firstSet: [ContactField: SourceLocation] = [:]

    init(path: String, context: ContactsContext, configuration: Configuration = Configuration()) {
        self.path = path
        self.owners = context.owners
        zones = context.zones
        self.configuration = configuration
        start = .file(path)
        draft = Contact(id: "", location: start)
    }

    /// Opens a record that starts at `location` (its first line, where "has no id" is reported).
    mutating func begin(at location: SourceLocation) {
        start = location
        draft = Contact(id: "", location: location)
        (pendingName, pendingEmail, pendingPhone, pendingLanguage) = (nil, nil, nil, nil)
        hasID = false
        isValid = true
        isOpen = true
        if configuration.checksDuplicates { firstSet.removeAll(keepingCapacity: true) }
    }

    /// Closes the record: the contact, or `nil` when it has no id or any of its fields was wrong.
    mutating func finish() -> Contact? {
        isOpen = false
        if !hasID {
            error(
                "\(configuration.recordNoun) has no '\(configuration.idLabel)'", at: start,
                notes: [.init(configuration.missingIDNote)])
            return nil
        }
        draft.text = PackedText(pendingName, pendingEmail, pendingPhone, pendingLanguage)
        // Handed over without a copy: the draft is replaced by an empty one.
        var contact = Contact(id: "", location: Self.nowhere)
        swap(&contact, &draft)
        return isValid ? contact : nil
    }

    private static let nowhere = SourceLocation(path: "", line: 1, column: 1)

    /// Hands over the problems reported so far and starts an empty list (for a copy of the builder
    /// that reads another chunk of the same file).
    mutating func takeDiagnostics() -> Diagnostics {
        defer { diagnostics = Diagnostics() }
        return diagnostics
    }

    /// Closes the record without checking it, when the reader has already reported why it is broken.
    mutating func discard() {
        isOpen = false
    }

    /// Reports an error; the open record, if any, is left out.
    mutating func error(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.error(message, at: location, notes: notes)
        if isOpen { isValid = false }
    }

    mutating func warning(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.warning(message, at: location, notes: notes)
    }

    /// Reports a list or map where text is expected (`found` is "a list", "a map").
    mutating func wrongKind(_ label: String, expected: String = "text", found: String, at location: SourceLocation) {
        error("expected \(expected) for '\(label)', found \(found)", at: location)
    }

    /// The field a YAML key, CSV header or vCard property names; reports a bad name and returns `nil`.
    /// A custom name that looks like a misspelt standard one (`birtday`) is kept, with a warning
    /// once per file.
    mutating func field(named name: String, at location: SourceLocation, kind: String = "field") -> ContactField? {
        switch ContactField.named(name) {
        case .success(let field):
            if case .custom(let custom) = field, let standard = ContactField.misspelledStandardName(custom),
                warnedFieldNames.insert(custom).inserted
            {
                warning(
                    "unknown \(kind) \(QuotedToken(custom)) is kept as a custom field", at: location,
                    notes: [.init("did you mean '\(standard)'?")])
            }
            return field
        case .failure(let problem):
            error(problem.message, at: location, notes: problem.notes.map { .init($0) })
            return nil
        }
    }

    /// Marks `field` as set at `location`; reports and returns `false` when it was set before.
    mutating func markSet(_ field: ContactField, at location: SourceLocation) -> Bool {
        guard configuration.checksDuplicates else { return true }
        if let first = firstSet[field] {
            error(
                "'\(field.name)' is set twice", at: location,
                notes: [.init("'\(field.name)' is first set here", at: first)])
            return false
        }
        firstSet[field] = location
        return true
    }

    /// Sets a field from its text. Spaces around the text are dropped; empty text means "not set".
    mutating func set(_ field: ContactField, _ text: String, at location: SourceLocation, label: String? = nil) {
        let (value, leading) = Self.trimmed(text)
        guard !value.isEmpty else { return }
        let at = leading == 0 ? location : location.advanced(by: leading)
        guard markSet(field, at: at) else { return }
        let label = label ?? field.name
        if field.isSingleLine, field != .id, !checkSingleLine(value, label: label, at: at) { return }
        switch field {
        case .id: setID(value, at: at, label: label)
        case .name: pendingName = value
        case .email: setEmail(value, at: at)
        case .phone: setPhone(value, at: at, label: label)
        case .timezone: setZone(value, at: at)
        case .tier: draft.tier = shared(value)
        case .tags: setTags(splitting: value, at: at)
        case .owner: setOwner(value, at: at)
        case .language: setLanguage(value, at: at)
        case .birthday: draft.birthday = date(value, at: at, label: label)
        case .lunarBirthday:
            switch LunarDate.parse(value) {
            case .success(let date): draft.lunarBirthday = date
            case .failure(let problem):
                error("invalid lunar date \(QuotedToken(value)) in '\(label)'", at: at, notes: [.init(problem.reason)])
            }
        case .date(let name): if let date = date(value, at: at, label: label) { draft.dates[name] = date }
        case .custom(let name): draft.fields[name] = value
        }
    }

    /// The first copy of `value` this builder saw, so that contacts share one storage for it. At
    /// most a few thousand values are kept: beyond that they are not repeats worth sharing.
    private mutating func shared(_ value: String) -> String {
        if let first = repeated[value] { return first }
        if repeated.count < 4096 { repeated[value] = value }
        return value
    }

    /// Adds tags given one by one (a YAML list, vCard `CATEGORIES`); empty ones are dropped.
    mutating func addTag(_ text: String, at location: SourceLocation, label: String = "tags") {
        let (value, leading) = Self.trimmed(text)
        guard !value.isEmpty else { return }
        let at = location.advanced(by: leading)
        guard checkSingleLine(value, label: label, at: at) else { return }
        if !draft.tags.contains(value) { draft.tags.append(value) }
    }

    // MARK: - Fields

    private mutating func setID(_ value: String, at location: SourceLocation, label: String) {
        hasID = true  // present, even if wrong: "has no id" would be a second report of the same problem
        if let (offset, scalar) = Self.firstInvalidIDCharacter(in: value) {
            var notes: [Diagnostic.Note] = [
                .init("an id may contain only ASCII letters, digits and '.', '_', '-', ':', '@', '+', '=', '~'")
            ]
            if scalar == "/" {
                notes.append(
                    .init("'/' separates the parts of a reminder key such as 'birthday-greeting/acme-zhang/2027-03-14'")
                )
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let shown =
                scalar.value < 0x20 || scalar.value == 0x7F
                ? "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex : "'\(scalar)'"
            error(
                "invalid character \(shown) in \(label) \(QuotedToken(value))", at: location.advanced(by: offset),
                notes: notes)
            return
        }
        draft.id = value
        draft.location = location
    }

    private mutating func setEmail(_ value: String, at location: SourceLocation) {
        if Self.isPlainASCIIAddress(value) {
            pendingEmail = value
            return
        }
        switch EmailAddress.validate(value) {
        case .success: pendingEmail = value
        case .failure(let problem):
            error("invalid email address \(QuotedToken(value)): \(problem.reason)", at: location)
        }
    }

    private mutating func setPhone(_ value: String, at location: SourceLocation, label: String) {
        guard Self.hasDigit(value) else {
            error(
                "phone number \(QuotedToken(value)) in '\(label)' has no digits", at: location,
                notes: [.init("leave the field empty when the number is not known")])
            return
        }
        pendingPhone = value
    }

    private mutating func setZone(_ value: String, at location: SourceLocation) {
        if let known = knownZones[value] {
            draft.timezone = known
            return
        }
        if let notes = unknownZoneNotes[value] {
            error("unknown time zone \(QuotedToken(value))", at: location, notes: notes)
            return
        }
        if zones.isKnown(value) {
            knownZones[value] = value
            draft.timezone = value
        } else {
            let notes = zones.notes(forUnknown: value)
            unknownZoneNotes[value] = notes
            error("unknown time zone \(QuotedToken(value))", at: location, notes: notes)
        }
    }

    private mutating func setTags(splitting value: String, at location: SourceLocation) {
        // A list seen before without a problem is shared; a list with a problem is checked again,
        // to report it at this place.
        if draft.tags.isEmpty, let tags = tagLists[value] {
            draft.tags = tags
            return
        }
        let problems = diagnostics.all.count
        let wasEmpty = draft.tags.isEmpty
        defer {
            if wasEmpty, diagnostics.all.count == problems, tagLists.count < 4096 { tagLists[value] = draft.tags }
        }
        guard value.utf8.contains(UInt8(ascii: ";")) else {
            addTag(value, at: location)
            return
        }
        // Split on bytes; a tag's offset counts scalars, i.e. bytes that start one.
        let parts = Self.withBytes(value) { bytes in
            var parts: [(String, Int)] = []
            var start = 0
            var offset = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ";") {
                let part = UnsafeBufferPointer(rebasing: bytes[start..<index])
                parts.append((String(decoding: part, as: UTF8.self), offset))
                offset += part.count { $0 & 0xC0 != 0x80 } + 1
                start = index + 1
            }
            return parts
        }
        for (part, offset) in parts {
            addTag(part, at: location.advanced(by: offset))
        }
    }

    private mutating func setOwner(_ value: String, at location: SourceLocation) {
        if let index = owners.firstIndex(of: value) {
            draft.owner = owners[index]  // the configuration's copy, shared
            return
        }
        let notes = unknownOwnerNotes[value] ?? ownerNotes(forUnknown: value)
        unknownOwnerNotes[value] = notes
        error("unknown owner \(QuotedToken(value))", at: location, notes: notes)
    }

    private func ownerNotes(forUnknown value: String) -> [Diagnostic.Note] {
        let sorted = owners.sorted()
        if let match = Suggestion.nearest(to: value, in: sorted) { return [.init("did you mean '\(match)'?")] }
        if sorted.isEmpty { return [.init("no owners are configured; add them under 'owners:' in the configuration")] }
        if sorted.count <= 8 { return [.init("the configured owners are \(sorted.quotedList)")] }
        return [.init("an owner is one of the ids under 'owners:' in the configuration")]
    }

    private mutating func setLanguage(_ value: String, at location: SourceLocation) {
        if Self.isLanguageCode(value) {
            pendingLanguage = shared(value)
            return
        }
        var notes: [Diagnostic.Note] = [
            .init(
                "a language code is 2 or 3 lowercase letters, optionally '-' and a region, e.g. 'zh', 'en' or 'zh-TW'")
        ]
        if let fixed = Self.normalizedLanguageCode(value), fixed != value {
            notes.append(.init("did you mean '\(fixed)'?"))
        }
        error("invalid language code \(QuotedToken(value))", at: location, notes: notes)
    }

    private mutating func date(_ value: String, at location: SourceLocation, label: String) -> PartialDate? {
        let parsed = configuration.acceptsVCardDates ? PartialDate.parseVCard(value) : PartialDate.parse(value)
        switch parsed {
        case .success(let date): return date
        case .failure(let problem):
            error("invalid date \(QuotedToken(value)) in '\(label)'", at: location, notes: [.init(problem.reason)])
            return nil
        }
    }

    /// Reports a line break or other control character in a field that must fit on one line.
    private mutating func checkSingleLine(_ value: String, label: String, at location: SourceLocation) -> Bool {
        guard Self.hasControlCharacter(value) else { return true }
        var offset = 0
        for scalar in value.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let what = scalar == "\n" || scalar == "\r" ? "a line break" : "a control character"
                error(
                    "'\(label)' contains \(what)", at: location.advanced(by: offset),
                    notes: [.init("'\(label)' must be a single line of text")])
                return false
            }
            offset += 1
        }
        return true
    }
}

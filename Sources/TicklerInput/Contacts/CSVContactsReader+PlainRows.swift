import Foundation
import TicklerCore

extension CSVContactsReader {
    /// The fast way through a CSV contacts file: a row whose cells are all plain — unquoted, no
    /// spaces around them, no control characters, every value one that `ContactBuilder` accepts
    /// without a word — becomes a contact straight from its bytes, with no `String` per cell and
    /// repeated values (zones, tiers, owners, languages, tag lists) shared. Any other row is left
    /// to `ContactBuilder`, which reports what is wrong, so the contacts and diagnostics are the
    /// same either way; `CSVContactsReaderWaysTests` holds both ways (and chunked reading) to that.
    ///
    /// Repeated values are checked once, the first time they are seen, as `ContactBuilder` checks
    /// them, and remembered (with the rows `ContactBuilder` accepted); a value it would report
    /// sends its row the slow way.
    struct PlainRows {
        let columns: [ContactField?]
        let path: String
        let owners: Set<String>
        let zones: any ZoneDatabase
        /// What each column holds, as a number: a switch over `columns` would copy the names that
        /// `.date` and `.custom` carry.
        private let kinds: [Kind]
        /// The zone, tier, owner, language or tag list that a column's text stands for, by column.
        private var known: [ByteTable<Known>]
        /// The names, emails, phones and languages of the contacts made here, which share it: their
        /// `PackedText`s adopt its storage once the rows are read (`adoptText`).
        private var arena: PackedText.Arena

        enum Known {
            case text(String)
            case tags([String])
        }

        private enum Kind: UInt8 {
            case ignored, id, name, email, phone, timezone, tier, owner, language, tags, birthday
            case lunarBirthday, date, custom
        }

        /// `textBytes`: about how many bytes the rows' names, emails, phones and languages take
        /// (the rows' size will do), reserved at once so that the arena is not copied as it grows.
        init(
            columns: [ContactField?], path: String, owners: Set<String>, zones: any ZoneDatabase, textBytes: Int = 0
        ) {
            self.columns = columns
            self.path = path
            self.owners = owners
            self.zones = zones
            kinds = columns.map { field in
                switch field {
                case nil: .ignored
                case .id?: .id
                case .name?: .name
                case .email?: .email
                case .phone?: .phone
                case .timezone?: .timezone
                case .tier?: .tier
                case .owner?: .owner
                case .language?: .language
                case .tags?: .tags
                case .birthday?: .birthday
                case .lunarBirthday?: .lunarBirthday
                case .date?: .date
                case .custom?: .custom
                }
            }
            known = Array(repeating: ByteTable(), count: columns.count)
            arena = PackedText.Arena(capacity: textBytes)
        }

        /// Initializes `destination` to the contact of a plain row (`cells` are byte ranges in `bytes`,
        /// the row starts on `line`, `controlCells` marks the cells holding control characters) and
        /// returns `true`; `false`, with `destination` left alone, when the row needs `ContactBuilder`.
        /// (Made in place: a contact returned and then stored was copied, every reference in it
        /// retained and released once more.)
        mutating func contact(
            _ cells: UnsafeBufferPointer<Range<Int>>, in bytes: UnsafeBufferPointer<UInt8>, line: Int,
            controlCells: UInt64,
            into destination: UnsafeMutablePointer<Contact>
        ) -> Bool {
            guard cells.count == columns.count else { return false }
            var id: String?
            var idColumn = 0
            var name: UnsafeBufferPointer<UInt8>?
            var email: UnsafeBufferPointer<UInt8>?
            var phone: UnsafeBufferPointer<UInt8>?
            var language: UnsafeBufferPointer<UInt8>?
            var timezone: String?
            var tier: String?
            var owner: String?
            var tags: [String] = []
            var birthday: PartialDate?
            var lunarBirthday: LunarDate?
            var dates: [String: PartialDate] = [:]
            var fields: [String: String] = [:]
            for column in 0..<cells.count {
                let kind = kinds[column]
                let range = cells[column]
                guard kind != .ignored, !range.isEmpty else { continue }
                let value = UnsafeBufferPointer(rebasing: bytes[range])
                guard !isBlank(value[0]), !isBlank(value[value.count - 1]) else { return false }
                if kind == .custom {
                    guard case .custom(let fieldName)? = columns[column] else { return false }
                    fields[fieldName] = String(decoding: value, as: UTF8.self)
                    continue
                }
                guard controlCells & (1 << UInt64(column)) == 0 else { return false }
                switch kind {
                case .id:
                    guard value.allSatisfy(ContactBuilder.isIDByte) else { return false }
                    id = String(decoding: value, as: UTF8.self)
                    idColumn = column
                case .name: name = value
                case .email:
                    guard ContactBuilder.isPlainASCIIAddress(utf8: value) else { return false }
                    email = value
                case .phone:
                    guard value.contains(where: { (0x30...0x39).contains($0) }) else { return false }
                    phone = value
                case .timezone, .tier, .owner, .language, .tags:
                    guard let known = known[column][value] ?? firstSeen(column, value) else { return false }
                    switch (kind, known) {
                    case (.timezone, .text(let text)): timezone = text
                    case (.tier, .text(let text)): tier = text
                    case (.owner, .text(let text)): owner = text
                    case (.language, .text): language = value  // the same text: no spaces around it
                    case (.tags, .tags(let list)): tags = list
                    default: return false
                    }
                case .birthday:
                    guard let date = Self.partialDate(value) else { return false }
                    birthday = date
                case .lunarBirthday:
                    guard let date = Self.lunarDate(value) else { return false }
                    lunarBirthday = date
                case .date:
                    guard let date = Self.partialDate(value), case .date(let dateName)? = columns[column] else {
                        return false
                    }
                    dates[dateName] = date
                case .ignored, .custom: break
                }
            }
            guard let id else { return false }
            let location = SourceLocation(
                path: path, line: line, column: CSVReader.Scanner.column(of: cells[idColumn], in: bytes, row: cells))
            // Each value moved, not copied, into a contact built in place (the memberwise initializer;
            // see `Contact.initialize`): a copy costs a reference count each, twice.
            Contact.initialize(
                destination, id: consume id, timezone: consume timezone, tier: consume tier, owner: consume owner,
                location: consume location, tags: consume tags, dates: consume dates, fields: consume fields,
                birthday: birthday, lunarBirthday: lunarBirthday, packed: arena.pack(name, email, phone, language))
            return true
        }

        /// The byte range of a plain row's id, the row checked as `contact` checks it but no contact
        /// made (for readers that need only the ids); `nil` when the row needs `ContactBuilder`. The
        /// columns whose cells hold a value are set in `filled`. (The same checks as `contact`'s,
        /// written out again: one function for both that returned what each cell holds was not
        /// inlined into `contact`, and `tickler check` took 9 % more instructions.)
        mutating func id(
            _ cells: UnsafeBufferPointer<Range<Int>>, in bytes: UnsafeBufferPointer<UInt8>, controlCells: UInt64,
            filled: inout [Bool]
        ) -> Range<Int>? {
            guard cells.count == columns.count else { return nil }
            var id: Range<Int>?
            for column in 0..<cells.count {
                let kind = kinds[column]
                let range = cells[column]
                guard kind != .ignored, !range.isEmpty else { continue }
                let value = UnsafeBufferPointer(rebasing: bytes[range])
                guard !isBlank(value[0]), !isBlank(value[value.count - 1]) else { return nil }
                if kind == .custom { continue }
                guard controlCells & (1 << UInt64(column)) == 0 else { return nil }
                let isPlain: Bool
                switch kind {
                case .id:
                    isPlain = value.allSatisfy(ContactBuilder.isIDByte)
                    id = range
                case .name: isPlain = true
                case .email: isPlain = ContactBuilder.isPlainASCIIAddress(utf8: value)
                case .phone: isPlain = value.contains(where: { (0x30...0x39).contains($0) })
                case .timezone, .tier, .owner, .language, .tags:
                    switch (kind, known[column][value] ?? firstSeen(column, value)) {
                    case (.tags, .tags?), (.timezone, .text?), (.tier, .text?), (.owner, .text?), (.language, .text?):
                        isPlain = true
                    default: isPlain = false
                    }
                case .birthday, .date: isPlain = Self.partialDate(value) != nil
                case .lunarBirthday: isPlain = Self.lunarDate(value) != nil
                case .ignored, .custom: isPlain = true
                }
                guard isPlain else { return nil }
            }
            guard let id else { return nil }
            for column in 0..<cells.count where !cells[column].isEmpty { filled[column] = true }
            return id
        }

        /// Gives the contacts made here (among `contacts`, which may hold others) their texts.
        func adoptText(_ contacts: UnsafeMutableBufferPointer<Contact>) {
            guard !arena.bytes.isEmpty else { return }
            let storage = arena.storage()
            for index in contacts.indices { contacts[index].text.adopt(storage) }
        }

        /// The value of a zone, tier, owner, language or tag list not seen before, checked as
        /// `ContactBuilder` checks it and remembered; `nil` when the builder would report it. The
        /// text has no control character and no space around it.
        private mutating func firstSeen(_ column: Int, _ value: UnsafeBufferPointer<UInt8>) -> Known? {
            let text = String(decoding: value, as: UTF8.self)
            let result: Known
            switch kinds[column] {
            case .timezone:
                guard zones.isKnown(text) else { return nil }
                result = .text(text)
            case .tier: result = .text(text)
            case .owner:
                guard let index = owners.firstIndex(of: text) else { return nil }
                result = .text(owners[index])
            case .language:
                guard ContactBuilder.isLanguageCode(text) else { return nil }
                result = .text(text)
            case .tags:
                // As `ContactBuilder.setTags` splits them: at each ';' byte, each part trimmed,
                // empty ones dropped, a tag equal to an earlier one left out.
                var tags: [String] = []
                var start = 0
                for index in 0...value.count where index == value.count || value[index] == UInt8(ascii: ";") {
                    let part = String(decoding: UnsafeBufferPointer(rebasing: value[start..<index]), as: UTF8.self)
                    let (tag, _) = ContactBuilder.trimmed(part)
                    if !tag.isEmpty, !tags.contains(tag) { tags.append(tag) }
                    start = index + 1
                }
                result = .tags(tags)
            default: return nil
            }
            known[column].insert(text, result)
            return result
        }

        /// Learns the repeated values of a row that `ContactBuilder` made `contact` of.
        mutating func learn(_ row: CSVReader.Row, _ contact: Contact) {
            for (column, cell) in row.cells.enumerated() where !cell.value.isEmpty {
                let value: Known
                switch columns[column] {
                case .timezone?:
                    guard let zone = contact.timezone else { continue }
                    value = .text(zone)
                case .tier?:
                    guard let tier = contact.tier else { continue }
                    value = .text(tier)
                case .owner?:
                    guard let owner = contact.owner else { continue }
                    value = .text(owner)
                case .language?:
                    guard let language = contact.language else { continue }
                    value = .text(language)
                case .tags?: value = .tags(contact.tags)
                default: continue
                }
                known[column].insert(cell.value, value)
            }
        }

        private func isBlank(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        }

        /// `1980-03-14` or `--03-14`, a day that exists, as `PartialDate.parse` accepts it.
        static func partialDate(_ bytes: UnsafeBufferPointer<UInt8>) -> PartialDate? {
            let dash = UInt8(ascii: "-")
            if bytes.count == 10, bytes[4] == dash, bytes[7] == dash, let year = number(bytes, 0..<4),
                let month = number(bytes, 5..<7), let day = number(bytes, 8..<10)
            {
                return try? PartialDate.validated(year: year, month: month, day: day).get()
            }
            if bytes.count == 7, bytes[0] == dash, bytes[1] == dash, bytes[4] == dash,
                let month = number(bytes, 2..<4), let day = number(bytes, 5..<7)
            {
                return try? PartialDate.validated(year: nil, month: month, day: day).get()
            }
            return nil
        }

        /// `08-15` or `L04-15`, months 01–12 and days 01–30, as `LunarDate.parse` accepts it.
        static func lunarDate(_ bytes: UnsafeBufferPointer<UInt8>) -> LunarDate? {
            let isLeapMonth = bytes.first == UInt8(ascii: "L")
            let rest = UnsafeBufferPointer(rebasing: bytes[(isLeapMonth ? 1 : 0)...])
            guard rest.count == 5, rest[2] == UInt8(ascii: "-"), let month = number(rest, 0..<2),
                let day = number(rest, 3..<5), (1...12).contains(month), (1...30).contains(day)
            else { return nil }
            return LunarDate(month: month, day: day, isLeapMonth: isLeapMonth)
        }

        private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
    }
}

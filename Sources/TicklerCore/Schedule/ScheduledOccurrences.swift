import Foundation

/// The occurrences of a range as `Schedule` computes them: one small entry per occurrence — the
/// due instant and numbers that point at the rule, the contact and the event — in `upcoming`'s
/// order (by due instant, then key).
///
/// An `Occurrence` holds six strings, one of them (the key) made for it alone; a long listing
/// would make a hundred thousand of them only to write them out and free them. Entries are made,
/// sorted and filtered instead, and turn into `Occurrence`s where one is needed
/// (`occurrences`, `subscript`), or are written straight out (`writeJSON`).
public struct ScheduledOccurrences: Sendable {
    public let schedule: Schedule
    /// The rules the entries point at (`Entry.rule`).
    public let rules: [Rule]
    public let events: EventIndex
    public internal(set) var entries: [Entry]
    /// The contacts' ids, one after another (`Entry.contactID`): the listing is in due order, which
    /// visits the contacts in no order at all, and reading each id from its `Contact` would miss
    /// the cache on almost every line; copied as the entries are made (the contact is at hand
    /// then), they are close by.
    public internal(set) var contactIDs: [UInt8]
    /// The days of the entries' keys, written out once.
    public let dayTexts: DayTexts
    /// Each rule's name, channel and `to` as UTF-8, for writing keys and listings.
    public let ruleTexts: [RuleText]
    /// By rule (and for digests, the rule after the last): whether its entries may go in a digest
    /// (``Schedule/mayDigest(_:)``).
    let mayDigest: [Bool]
    /// Digests in the outbox already (``markGone(digests:)``), by owner and day
    /// (``digestNumber(owner:day:)``): entries of theirs go out on their own.
    var digestsGone: Set<Int64> = []
    /// The occurrences the digests among the entries carry, each digest's together, in order
    /// (``ScheduledOccurrences/bundledEntries(of:)``); some fall due outside the range.
    public internal(set) var bundled: [Entry] = []
    /// How many occurrences were held back because they go to a contact who unsubscribed, by the
    /// contact's index in `schedule.contacts` (the contact's event: `events.unsubscription(of:)`).
    public private(set) var heldBack: [Int32: Int]

    public struct RuleText: Sendable {
        public var name: [UInt8]
        public var channel: [UInt8]
        /// Whether keys end in the day (`date` and `every` rules) rather than the event id.
        public var endsInDay: Bool
    }

    /// One occurrence, in 56 bytes.
    public struct Entry: Sendable, Equatable {
        public var due: Int64
        /// `after`: the base instant the series counts from; `every`: when the clock started.
        var base: Int64 = 0
        /// `date`: the lead in days; `after`: the repeat number; `every`: the cycle.
        var number: Int
        public var contact: Int32
        /// The contact's calendar day, in days since 1970-01-01.
        public var day: Int32
        /// `after`: the event's position in the event index; -1 otherwise.
        public var event: Int32 = -1
        /// The recipient's UTC offset at `due`, seconds east.
        public var offset: Int32
        public var rule: Int16
        /// Where the contact's id is in `contactIDs` (set by `Part.nameContact` and `init`).
        public var contactID: Range<Int32> = 0..<0
        /// Who it goes to: the index in `schedule.ownerList` of the owner or manager, -1 for the
        /// contact (in the room the fields above leave: an entry takes 56 bytes with it or without).
        public var recipient: Int32 = -1
    }

    /// Entries made together (a rule's, for a slice of the contacts), with the ids of the contacts
    /// they name, copied as each contact's entries are made (`nameContact`).
    struct Part: Sendable {
        var entries: [Entry] = []
        var ids: [UInt8] = []
        /// Occurrences held back, by contact (``ScheduledOccurrences/heldBack``).
        var heldBack: [Int32: Int] = [:]

        init() {}

        /// A part of `entries` (for tests).
        init(_ entries: [Entry], contacts: [Contact]) {
            for (index, entry) in entries.enumerated() {
                self.entries.append(entry)
                nameContact(contacts[Int(entry.contact)].id, from: index)
            }
        }

        /// Points the entries from `start` on, all for one contact, at its id (copied into `ids`).
        mutating func nameContact(_ id: String, from start: Int) {
            let low = Int32(ids.count)
            ScheduledOccurrences.withBytes(id) { ids.append(contentsOf: $0) }
            let range = low..<Int32(ids.count)
            for index in start..<entries.count { entries[index].contactID = range }
        }
    }

    /// `room`: how many entries may be added later (digests), so that adding them moves nothing.
    init(schedule: Schedule, rules: [Rule], events: EventIndex, parts: [Part], room: Int = 0) {
        self.schedule = schedule
        self.rules = rules
        self.events = events
        // The parts joined, each part's entries moved along by the ids before its own.
        var entries: [Entry] = []
        var ids: [UInt8] = []
        var heldBack: [Int32: Int] = [:]
        entries.reserveCapacity(parts.reduce(room) { $0 + $1.entries.count })
        ids.reserveCapacity(parts.reduce(0) { $0 + $1.ids.count })
        for part in parts {
            precondition(ids.count + part.ids.count < Int(Int32.max), "too many contact ids")
            heldBack.merge(part.heldBack, uniquingKeysWith: +)
            let shift = Int32(ids.count)
            ids.append(contentsOf: part.ids)
            if shift == 0 {
                entries.append(contentsOf: part.entries)
                continue
            }
            for var entry in part.entries {
                entry.contactID = (entry.contactID.lowerBound + shift)..<(entry.contactID.upperBound + shift)
                entries.append(entry)
            }
        }
        contactIDs = ids
        self.entries = entries
        self.heldBack = heldBack
        dayTexts = DayTexts(entries)
        ruleTexts =
            rules.map { rule in
                let endsInDay = if case .after = rule.trigger { false } else { true }
                return RuleText(
                    name: Array(rule.name.utf8), channel: Array(rule.channel.utf8), endsInDay: endsInDay)
            } + (schedule.hasDigests ? [Self.digestRuleText] : [])
        mayDigest = rules.map(schedule.mayDigest) + [false]
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The occurrence of `entry` (one of `entries`).
    public func occurrence(of entry: Entry) -> Occurrence { occurrence(entry) }

    /// The occurrence at `index` (0 ..< `count`).
    public subscript(index: Int) -> Occurrence { occurrence(entries[index]) }

    /// Every occurrence, in order.
    public var occurrences: [Occurrence] { entries.map { occurrence($0) } }

    /// The key of the occurrence at `index`.
    public func key(at index: Int) -> String { key(entries[index]) }

    /// Every occurrence's key, in order.
    public var keys: [String] { entries.map(key) }

    /// Keeps only the occurrences of the contacts at `indices` (in `schedule.contacts`).
    public mutating func keepOnly(contacts indices: Set<Int32>) {
        let all = self
        entries.removeAll { entry in
            // A digest stays when it carries something about one of them.
            guard all.isDigest(entry) else { return !indices.contains(entry.contact) }
            return !all.bundledEntries(of: entry).contains { indices.contains($0.contact) }
        }
        heldBack = heldBack.filter { indices.contains($0.key) }
    }

    /// Leaves out the occurrences whose keys are in `keys` (those delivered already).
    public mutating func removeAll(keys: Set<String>) {
        guard !keys.isEmpty else { return }
        let all = self
        entries.removeAll { keys.contains(all.key($0)) }
    }

    func occurrence(_ entry: Entry) -> Occurrence {
        if isDigest(entry) { return digestOccurrence(entry) }
        let rule = rules[Int(entry.rule)]
        let index = Int(entry.contact)
        let contact = schedule.contacts[index]
        let detail: Occurrence.Detail
        switch rule.trigger {
        case .date(let trigger):
            let anniversary = CivilDate(daysSinceEpoch: Int(entry.day) + entry.number)
            detail = .date(
                anniversary: anniversary, leadDays: entry.number,
                years: schedule.years(of: contact, trigger, inYear: anniversary.year))
        case .after:
            detail = .after(event: events.event(at: Int(entry.event)), repeatIndex: entry.number, base: entry.base)
        case .every:
            detail = .every(cycle: entry.number, start: entry.base)
        }
        return Occurrence(
            key: key(entry), rule: rule.name, contact: contact.id, to: rule.recipient,
            recipient: schedule.audienceID(rule.recipient, for: index) ?? "", channel: rule.channel, due: entry.due,
            offset: Int(entry.offset), day: CivilDate(daysSinceEpoch: Int(entry.day)), detail: detail,
            digest: digestKey(of: entry))
    }

    func key(_ entry: Entry) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        forEachKeyPart(entry) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `part` with the UTF-8 bytes of the entry's key, one part after another:
    /// `RULE/CONTACT/YYYY-MM-DD`, `RULE/CONTACT/EVENT-ID` or `RULE/CONTACT/EVENT-ID/N` (as
    /// `Schedule.key` and the `after` trigger write them).
    public func forEachKeyPart(_ entry: Entry, _ part: (UnsafeBufferPointer<UInt8>) -> Void) {
        let rule = Int(entry.rule)
        ruleTexts[rule].name.withUnsafeBufferPointer(part)
        part(Self.slash)
        withContactID(entry, part)
        part(Self.slash)
        if ruleTexts[rule].endsInDay {
            guard let text = dayTexts.range(of: entry.day) else {
                return Self.withBytes(CivilDate(daysSinceEpoch: Int(entry.day)).description, part)
            }
            dayTexts.bytes.withUnsafeBufferPointer { part(UnsafeBufferPointer(rebasing: $0[text])) }
        } else {
            Self.withBytes(events.event(at: Int(entry.event)).id, part)
            if entry.number > 0 { Self.withBytes("/\(entry.number)", part) }
        }
    }

    private static var slash: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: ("/" as StaticString).utf8Start, count: 1)
    }

    /// `YYYY-MM-DD` of each day from `first` on, ten bytes a day, for the days of the entries'
    /// keys (years 1000–9999; others are written as `CivilDate` writes them).
    public struct DayTexts: Sendable {
        var first = 0
        public var bytes: [UInt8] = []

        init(_ entries: [Entry]) {
            guard let low = entries.lazy.map(\.day).min(), let high = entries.lazy.map(\.day).max(),
                high - low < 100_000
            else { return }
            first = Int(low)
            for day in Int(low)...Int(high) {
                let date = CivilDate(daysSinceEpoch: day)
                guard (1000...9999).contains(date.year) else {
                    bytes.append(contentsOf: repeatElement(0, count: 10))
                    continue
                }
                bytes.append(contentsOf: date.description.utf8)
            }
        }

        /// Where in `bytes` the text of `day` is; `nil` when it is not written there.
        public func range(of day: Int32) -> Range<Int>? {
            let start = (Int(day) - first) * 10
            guard start >= 0, start < bytes.count, bytes[start] != 0 else { return nil }
            return start..<(start + 10)
        }
    }

    /// The UTF-8 bytes of the entry's contact's id.
    func withContactID<R>(_ entry: Entry, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        contactIDs.withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[Int(entry.contactID.lowerBound)..<Int(entry.contactID.upperBound)]))
        }
    }

    /// The UTF-8 bytes of `text`, without copying a native string.
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = text
        return text.withUTF8(body)
    }

    /// Sorts the entries in `upcoming`'s order: by due instant, then key (equal ones keep their order).
    mutating func sort() {
        let ruleRanks = Self.ranks(of: ruleTexts.map(\.name))
        let order = contactIDs.withUnsafeBufferPointer { ids in
            OccurrenceSorting.order(
                entries,
                leadingKey: ruleRanks.count > 256
                    ? { _ in 0 }
                    : { entry in
                        // The rule's rank in the top byte, then the first 7 bytes of `CONTACT/`,
                        // zero-padded: where these differ, so do the keys, in the same order.
                        let (start, end) = (Int(entry.contactID.lowerBound), Int(entry.contactID.upperBound))
                        var key = UInt64(ruleRanks[Int(entry.rule)]) << 56
                        for position in 0..<7 {
                            let index = start + position
                            let byte = index < end ? ids[index] : index == end ? UInt8(ascii: "/") : 0
                            key |= UInt64(byte) << (48 - 8 * UInt64(position))
                        }
                        return key
                    },
                comparePrefixes: { a, b in
                    // A key starts `RULE/CONTACT/`; neither holds a '/' (rule names and contact ids
                    // are checked), so where these differ they order the keys.
                    if a.rule != b.rule { return ruleRanks[Int(a.rule)] - ruleRanks[Int(b.rule)] }
                    return Self.compareBeforeSlash(
                        UnsafeBufferPointer(rebasing: ids[Int(a.contactID.lowerBound)..<Int(a.contactID.upperBound)]),
                        UnsafeBufferPointer(rebasing: ids[Int(b.contactID.lowerBound)..<Int(b.contactID.upperBound)]))
                }, keyParts: forEachKeyPart)
        }
        let unsorted = entries
        entries = Array(parallelCount: order.count, lanes: schedule.lanes) { unsorted[order[$0]] }
    }

    /// The rank of each name in the order of `NAME/` (a name that another begins with comes after
    /// it when the other goes on with a byte below '/').
    static func ranks(of names: [[UInt8]]) -> [Int] {
        var ranks = Array(repeating: 0, count: names.count)
        let sorted = names.indices.sorted { a, b in
            names[a].withUnsafeBufferPointer { x in
                names[b].withUnsafeBufferPointer { y in compareBeforeSlash(x, y) < 0 }
            }
        }
        for (rank, index) in sorted.enumerated() { ranks[index] = rank }
        return ranks
    }

    /// Compares `x/` and `y/` byte by byte, for texts without a '/'.
    static func compareBeforeSlash(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(x.count, y.count)
        if common > 0 {
            let compared = memcmp(x.baseAddress!, y.baseAddress!, common)
            if compared != 0 { return Int(compared) }
        }
        if x.count == y.count { return 0 }
        // One is the other's beginning: the shorter goes on with '/'.
        return x.count < y.count ? Int(UInt8(ascii: "/")) - Int(y[common]) : Int(x[common]) - Int(UInt8(ascii: "/"))
    }
}

/// Digests among the entries (`Schedule+Digest.swift`).
///
/// A digest is an entry too, sorted with the others: its rule is the one after the listing's rules
/// (``digestRuleIndex``, named `digest`), its "contact id" the owner's id (so its key is written and
/// sorted as any other, `digest/OWNER/YYYY-MM-DD`), `event` the owner's index in
/// `schedule.ownerList`, and `base`/`number` the start and count of its items in ``bundled``.
/// Whether an entry goes into a digest, and which, follows from the entry itself (its rule, its
/// recipient and its due instant in the recipient's zone), so entries carry no mark.
extension ScheduledOccurrences {
    static let digestRuleText = RuleText(name: Array(Schedule.digestRule.utf8), channel: [], endsInDay: true)

    /// The rule number of digest entries; -1 (no entry's) when the schedule has no digests.
    public var digestRuleIndex: Int16 { schedule.hasDigests ? Int16(rules.count) : -1 }

    /// Whether the entry is a digest.
    @inline(__always)
    public func isDigest(_ entry: Entry) -> Bool { entry.rule == digestRuleIndex }

    /// The person (index in `schedule.ownerList`) and the day (days since 1970-01-01, their
    /// calendar) of the digest that carries the entry, or `nil` when it goes out on its own.
    @inline(__always)
    public func digest(of entry: Entry) -> (owner: Int, day: Int32)? {
        guard schedule.hasDigests, !isDigest(entry), rules[Int(entry.rule)].digest,
            let owner = schedule.digestRecipient(rules[Int(entry.rule)], contact: Int(entry.contact))
        else { return nil }
        return (owner, Int32((entry.due + Int64(entry.offset)).floorDiv(86_400)))
    }

    /// `digest/OWNER/YYYY-MM-DD` of the digest that carries the entry, if one does.
    public func digestKey(of entry: Entry) -> String? {
        guard let (owner, day) = digest(of: entry) else { return nil }
        return Schedule.digestKey(owner: schedule.ownerList[owner].id, day: CivilDate(daysSinceEpoch: Int(day)))
    }

    /// The entries a digest entry carries, by due instant then key.
    public func bundledEntries(of entry: Entry) -> ArraySlice<Entry> {
        guard isDigest(entry) else { return [] }
        return bundled[Int(entry.base)..<(Int(entry.base) + entry.number)]
    }

    /// The channel a digest entry goes out on.
    public func digestChannel(_ entry: Entry) -> String { schedule.ownerDigests[Int(entry.event)]?.channel ?? "" }

    func digestOccurrence(_ entry: Entry) -> Occurrence {
        Occurrence(
            key: key(entry), rule: Schedule.digestRule, contact: "", to: .owner,
            recipient: schedule.ownerList[Int(entry.event)].id, channel: digestChannel(entry), due: entry.due,
            offset: Int(entry.offset), day: CivilDate(daysSinceEpoch: Int(entry.day)),
            detail: .digest(items: bundledEntries(of: entry).map { occurrence($0) }))
    }

    /// Adds an entry for each digest due in `range`, with room in ``bundled`` for its items: one
    /// pass over the entries (computed over the range widened by ``Schedule/digestMargin`` for
    /// digest rules), counting by person and day.
    mutating func addDigests(in range: Range<Int64>) {
        var slots = DigestSlots(owners: schedule.ownerList.count, range: range)
        var found: [(owner: Int32, day: Int32, count: Int)] = []
        for entry in entries {
            guard let (owner, day) = digest(of: entry) else { continue }
            let slot = slots.index(owner: owner, day: day) {
                found.append((Int32(owner), day, 0))
                return Int32(found.count - 1)
            }
            found[Int(slot)].count += 1
        }
        guard !found.isEmpty else { return }
        var ownerIDs: [Int32: Range<Int32>] = [:]
        var start = 0
        var digests: [Entry] = []
        for digest in found {
            let (due, offset) = schedule.digestDue(owner: Int(digest.owner), day: Int(digest.day))
            guard range.contains(due) else { continue }
            let id =
                ownerIDs[digest.owner]
                ?? {
                    let low = Int32(contactIDs.count)
                    contactIDs.append(contentsOf: schedule.ownerList[Int(digest.owner)].id.utf8)
                    ownerIDs[digest.owner] = low..<Int32(contactIDs.count)
                    return low..<Int32(contactIDs.count)
                }()
            digests.append(
                Entry(
                    due: due, base: Int64(start), number: digest.count, contact: -1, day: digest.day,
                    event: digest.owner, offset: Int32(offset), rule: digestRuleIndex, contactID: id))
            start += digest.count
        }
        entries += digests
        bundled = Array(repeating: Entry(due: 0, number: 0, contact: 0, day: 0, offset: 0, rule: 0), count: start)
    }

    /// After sorting: fills each digest's items in (in the listing's order) and keeps, besides the
    /// digests, only the entries due in `range`.
    mutating func bundleDigests(in range: Range<Int64>) {
        var slots = DigestSlots(owners: schedule.ownerList.count, range: range)
        var cursors: [Int] = []
        for entry in entries where isDigest(entry) {
            _ = slots.index(owner: Int(entry.event), day: entry.day) {
                cursors.append(Int(entry.base))
                return Int32(cursors.count - 1)
            }
        }
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for entry in entries {
            if isDigest(entry) {
                kept.append(entry)
                continue
            }
            if let (owner, day) = digest(of: entry), let slot = slots.existing(owner: owner, day: day) {
                bundled[cursors[Int(slot)]] = entry
                cursors[Int(slot)] += 1
            }
            if range.contains(entry.due) { kept.append(entry) }
        }
        entries = kept
    }
}

/// Digests by person and day: a flat table over the days a range's digests can fall on when it is
/// small enough (1,000 owners over a year: 1.5 MB), else a dictionary.
struct DigestSlots {
    private let firstDay: Int
    private let days: Int
    private var table: [Int32]
    private var dictionary: [Int64: Int32] = [:]

    init(owners: Int, range: Range<Int64>) {
        let margin = Schedule.digestMargin + 86_400
        firstDay = Int((range.lowerBound - margin).floorDiv(86_400))
        days = Int((range.upperBound + margin).floorDiv(86_400)) - firstDay + 1
        table = owners * days <= 1 << 22 ? Array(repeating: -1, count: owners * days) : []
    }

    /// The slot of (owner, day), made by `make` the first time.
    mutating func index(owner: Int, day: Int32, make: () -> Int32) -> Int32 {
        let position = Int(day) - firstDay
        if !table.isEmpty, position >= 0, position < days {
            let slot = owner * days + position
            if table[slot] < 0 { table[slot] = make() }
            return table[slot]
        }
        let key = Int64(owner) << 32 | Int64(UInt32(bitPattern: day))
        if let known = dictionary[key] { return known }
        let made = make()
        dictionary[key] = made
        return made
    }

    func existing(owner: Int, day: Int32) -> Int32? {
        let position = Int(day) - firstDay
        if !table.isEmpty, position >= 0, position < days {
            let slot = table[owner * days + position]
            return slot < 0 ? nil : slot
        }
        return dictionary[Int64(owner) << 32 | Int64(UInt32(bitPattern: day))]
    }
}

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
        guard mayDigest[Int(entry.rule)], entry.recipient >= 0, schedule.ownerDigestAt[Int(entry.recipient)] >= 0
        else { return nil }
        let day = Int32((entry.due + Int64(entry.offset)).floorDiv(86_400))
        if !digestsGone.isEmpty, digestsGone.contains(Self.digestNumber(owner: Int(entry.recipient), day: day)) {
            return nil
        }
        return (Int(entry.recipient), day)
    }

    /// `digest/OWNER/YYYY-MM-DD` of the digest that carries the entry, if one does.
    public func digestKey(of entry: Entry) -> String? {
        guard let (owner, day) = digest(of: entry) else { return nil }
        return Schedule.digestKey(owner: schedule.ownerList[owner].id, day: CivilDate(daysSinceEpoch: Int(day)))
    }

    /// (owner, day) as one number, for ``digestsGone`` and `DigestTable`.
    static func digestNumber(owner: Int, day: Int32) -> Int64 { Int64(owner) << 32 | Int64(UInt32(bitPattern: day)) }

    /// The keys of the digests that would carry entries of the listing but are not in it
    /// themselves (due before the range, or after it): whether they went out already is for the
    /// store to say (``markGone(digests:)``).
    public var digestKeysNotListed: Set<String> {
        guard schedule.hasDigests else { return [] }
        var listed = Set<Int64>()
        for entry in entries where isDigest(entry) {
            listed.insert(Self.digestNumber(owner: Int(entry.event), day: entry.day))
        }
        var keys = Set<String>()
        for entry in entries {
            guard let (owner, day) = digest(of: entry), !listed.contains(Self.digestNumber(owner: owner, day: day))
            else { continue }
            keys.insert(
                Schedule.digestKey(owner: schedule.ownerList[owner].id, day: CivilDate(daysSinceEpoch: Int(day))))
        }
        return keys
    }

    /// Marks the digests `keys` as gone out (in the outbox already): what of their days is still
    /// listed became due after them and goes out on its own, as the daemon sends it.
    public mutating func markGone(digests keys: Set<String>) {
        for key in keys {
            guard let (id, day) = Schedule.parseDigestKey(key),
                let owner = schedule.ownerList.firstIndex(where: { $0.id == id })
            else { continue }
            digestsGone.insert(Self.digestNumber(owner: owner, day: Int32(day.daysSinceEpoch)))
        }
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
        let counts = digestCounts(in: range)
        var ownerIDs: [Int32: Range<Int32>] = [:]
        var start = 0
        var digests: [Entry] = []
        counts.forEachNumber { owner, day, count in
            let (due, offset) = schedule.digestDue(owner: owner, day: Int(day))
            guard range.contains(due) else { return }
            let id =
                ownerIDs[Int32(owner)]
                ?? {
                    let low = Int32(contactIDs.count)
                    contactIDs.append(contentsOf: schedule.ownerList[owner].id.utf8)
                    ownerIDs[Int32(owner)] = low..<Int32(contactIDs.count)
                    return low..<Int32(contactIDs.count)
                }()
            digests.append(
                Entry(
                    due: due, base: Int64(start), number: Int(count), contact: -1, day: day, event: Int32(owner),
                    offset: Int32(offset), rule: digestRuleIndex, contactID: id, recipient: Int32(owner)))
            start += Int(count)
        }
        entries += digests
        // Every place is written once by `bundleDigests` (each counted entry goes in its digest): an
        // entry holds no reference, so the room is left as it is rather than filled twice.
        bundled = Array(unsafeUninitializedCapacity: start) { _, initialized in initialized = start }
    }

    /// How many entries go in each person's digest of each day: counted in a few slices at once,
    /// each into a table of its own, then added up. (Not in `addDigests`: the slices' copy of `self`
    /// is gone when it appends, so the entries are not copied.)
    private func digestCounts(in range: Range<Int64>) -> DigestTable {
        let all = self
        let chunk = Swift.max(1 << 20, entries.count / 4 + 1)
        let slices = stride(from: 0, to: entries.count, by: chunk).map { $0..<Swift.min($0 + chunk, all.entries.count) }
        var counts = DigestTable(owners: schedule.ownerList.count, range: range)
        for part in schedule.lanes.map(
            slices,
            { slice in
                var counts = DigestTable(owners: all.schedule.ownerList.count, range: range)
                for position in slice {
                    guard let (owner, day) = all.digest(of: all.entries[position]) else { continue }
                    counts[owner, day] += 1
                }
                return counts
            })
        {
            counts.add(part)
        }
        return counts
    }

    /// After sorting: fills each digest's items in (in the listing's order) and keeps, besides the
    /// digests, only the entries due in `range`.
    mutating func bundleDigests(in range: Range<Int64>) {
        // Where each digest's next item goes in `bundled`, plus one (0: no digest that day).
        var cursors = DigestTable(owners: schedule.ownerList.count, range: range)
        for entry in entries where isDigest(entry) {
            cursors[Int(entry.event), entry.day] = Int32(entry.base) + 1
        }
        // Kept in place: `kept` entries at the front, the rest dropped at the end.
        var kept = 0
        for position in entries.indices {
            let entry = entries[position]
            if !isDigest(entry) {
                if let (owner, day) = digest(of: entry) {
                    let cursor = cursors[owner, day]
                    if cursor > 0 {
                        bundled[Int(cursor) - 1] = entry
                        cursors[owner, day] = cursor + 1
                    }
                }
                guard range.contains(entry.due) else { continue }
            }
            entries[kept] = entry
            kept += 1
        }
        entries.removeSubrange(kept...)
        // `bundled` was left unfilled: every place of it must have been written.
        for entry in entries where isDigest(entry) {
            precondition(
                cursors[Int(entry.event), entry.day] == Int32(entry.base) + Int32(entry.number) + 1,
                "a digest's items were not all found")
        }
    }
}

/// A number for each person and day a range's digests can fall on (0 until set): a flat table when
/// it is small enough (1,000 owners over a year: 1.5 MB), else a dictionary.
struct DigestTable {
    private let firstDay: Int
    private let days: Int
    private var table: [Int32]
    private var dictionary: [Int64: Int32] = [:]

    init(owners: Int, range: Range<Int64>) {
        let margin = Schedule.digestMargin + 86_400
        firstDay = Int((range.lowerBound - margin).floorDiv(86_400))
        days = Int((range.upperBound + margin).floorDiv(86_400)) - firstDay + 1
        table = owners * days <= 1 << 22 ? Array(repeating: 0, count: owners * days) : []
    }

    subscript(owner: Int, day: Int32) -> Int32 {
        get {
            let position = Int(day) - firstDay
            if !table.isEmpty, position >= 0, position < days { return table[owner * days + position] }
            return dictionary[ScheduledOccurrences.digestNumber(owner: owner, day: day)] ?? 0
        }
        set {
            let position = Int(day) - firstDay
            if !table.isEmpty, position >= 0, position < days {
                table[owner * days + position] = newValue
            } else {
                dictionary[ScheduledOccurrences.digestNumber(owner: owner, day: day)] = newValue
            }
        }
    }

    /// Adds `other`'s numbers (a table for the same owners and range) to these.
    mutating func add(_ other: DigestTable) {
        for index in table.indices { table[index] += other.table[index] }
        dictionary.merge(other.dictionary, uniquingKeysWith: +)
    }

    /// Every (owner, day, number) whose number is not 0: the table's by owner and day, then the
    /// dictionary's.
    func forEachNumber(_ body: (Int, Int32, Int32) -> Void) {
        for (slot, value) in table.enumerated() where value != 0 {
            body(slot / days, Int32(firstDay + slot % days), value)
        }
        for (key, value) in dictionary where value != 0 {
            body(Int(key >> 32), Int32(truncatingIfNeeded: key), value)
        }
    }
}

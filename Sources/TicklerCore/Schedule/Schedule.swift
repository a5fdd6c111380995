/// The scheduling core: for every rule and contact, when a reminder falls due, in every zone.
///
/// Pure: `now`, the range, the events and the first-seen times are parameters; nothing is read or
/// written. Zones are resolved once per contact when the schedule is built, so computing a range
/// for a million contacts costs a few integer operations and table look-ups per occurrence.
public struct Schedule: Sendable {
    public let config: Config
    public let contacts: [Contact]
    public let defaultZone: ZoneRules
    /// The zones of the contacts, the configuration's first (`contactZone(_:)`).
    let zones: [ZoneRules]
    /// The index in `zones` of each contact's zone, by index in `contacts`.
    let contactZoneIndices: [Int32]
    public let owners: [String: (owner: Owner, zone: ZoneRules)]
    /// The configured owners, each with its zone, the index of its manager here (-1: none) and its
    /// calendar (its own `calendar:`, else the configuration's).
    public let ownerList: [(id: String, zone: ZoneRules, manager: Int, calendar: HolidayCalendar?)]
    /// The configuration's `calendar:`, for contacts without an owner.
    public let defaultCalendar: HolidayCalendar?
    /// The index in `ownerList` of each contact's owner (-1: none), by index in `contacts`, so the
    /// rules look no owner up by name per contact.
    let contactOwners: [Int32]
    /// The indices of each owner's contacts, in order: owner `i`'s are
    /// `ownedContacts[ownedStarts[i]..<ownedStarts[i + 1]]` (a digest gathers one owner's).
    let ownedContacts: [Int32]
    let ownedStarts: [Int]
    /// Where the work of building and listing is spread over the cores.
    let lanes: any Parallelism
    /// The Chinese calendar's years, read once each and kept while the schedule lives (`lunar_birthday`).
    public let chineseCalendar = ChineseCalendar()
    /// The `digest:` settings of each owner, by index in `ownerList` (`Schedule+Digest.swift`).
    public let ownerDigests: [Owner.Digest?]
    /// Each owner's digest `at` in minutes after midnight, -1 without `digest:` settings: asked
    /// once per occurrence, without copying the settings.
    let ownerDigestAt: [Int32]
    /// Whether some rule has `digest: true` and some owner `digest:` settings.
    public let hasDigests: Bool

    /// - Parameters:
    ///   - zones: where the zones contacts and owners name are read (the configuration's own is
    ///     `config.zoneRules`); a zone it does not have is the configuration's.
    ///   - lanes: how to use the cores (`DispatchLanes` from TicklerInput: all of them).
    public init(config: Config, contacts: [Contact], zones: any ZoneDatabase, lanes: any Parallelism = SerialLanes()) {
        self.config = config
        self.contacts = contacts
        self.lanes = lanes
        let fallback = config.zoneRules
        defaultZone = fallback
        var ownerZones: [String: ZoneRules] = [:]
        for name in Set(config.owners.values.compactMap(\.timezone)) {
            ownerZones[name] = zones.rules(named: name) ?? fallback
        }
        let owners = config.owners.mapValues { ($0, $0.timezone.map { ownerZones[$0]! } ?? fallback) }
        self.owners = owners
        let ids = config.owners.keys.sorted()
        let ownerIndex = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        defaultCalendar = config.calendar(ofOwner: nil)
        ownerList = ids.map { id in
            (id, owners[id]!.1, owners[id]!.0.manager.flatMap { ownerIndex[$0] } ?? -1, config.calendar(ofOwner: id))
        }
        var ownerTable = ByteTable<Int32>()
        for (index, id) in ids.enumerated() { ownerTable.insert(id, Int32(index)) }
        // Per slice of the contacts, in parallel: the zone names it uses, the position there of each
        // contact's zone (0: none), and each contact's owner — names found by their bytes, with no
        // reference count touched per contact.
        let slices = stride(from: 0, to: contacts.count, by: 16_384).map { $0..<min($0 + 16_384, contacts.count) }
        let table = ownerTable
        let parts = lanes.map(slices) { slice -> (names: [String], zones: [Int32], owners: [Int32]) in
            var seen = ByteTable<Int32>()
            var overflow: [String: Int32] = [:]  // names the small table has no room for
            var names: [String] = []
            var zoneOfContact: [Int32] = []
            var ownerOfContact: [Int32] = []
            zoneOfContact.reserveCapacity(slice.count)
            ownerOfContact.reserveCapacity(slice.count)
            contacts.withUnsafeBufferPointer { contacts in
                for index in slice {
                    var zone: Int32 = 0
                    if let name = contacts[index].timezone {
                        if let known = seen[name] ?? overflow[name] {
                            zone = known
                        } else {
                            names.append(name)
                            zone = Int32(names.count)
                            seen.insert(name, zone)
                            if seen[name] == nil { overflow[name] = zone }
                        }
                    }
                    zoneOfContact.append(zone)
                    ownerOfContact.append(
                        contacts[index].owner.flatMap { table[$0] ?? ownerIndex[$0].map(Int32.init) } ?? -1)
                }
            }
            return (names, zoneOfContact, ownerOfContact)
        }
        // Each zone named once, its table built on every core; then the slices' positions made indices there.
        var zoneNames: [String] = []
        var zoneIndex: [String: Int32] = [:]
        let renumbered = parts.map { part -> [Int32] in
            [0]
                + part.names.map { name -> Int32 in
                    if let index = zoneIndex[name] { return index }
                    zoneNames.append(name)
                    zoneIndex[name] = Int32(zoneNames.count)
                    return Int32(zoneNames.count)
                }
        }
        self.zones = [fallback] + lanes.map(zoneNames) { zones.rules(named: $0) ?? fallback }
        contactZoneIndices = Array(
            concatenating: zip(parts, renumbered).map { part, numbers in part.zones.map { numbers[Int($0)] } })
        contactOwners = Array(concatenating: parts.map(\.owners))
        (ownedContacts, ownedStarts) = Self.group(contactOwners, owners: ownerList.count)
        ownerDigests = ownerList.map { config.owners[$0.id]?.digest }
        ownerDigestAt = ownerDigests.map { $0.map { Int32($0.at.minutes) } ?? -1 }
        hasDigests = config.rules.contains(where: \.digest) && ownerDigests.contains { $0 != nil }
    }

    /// The zone of the contact at `index` in `contacts` (its own, else the configuration's).
    public func contactZone(_ index: Int) -> ZoneRules { zones[Int(contactZoneIndices[index])] }

    /// The inputs that come from the state store.
    public struct History: Sendable {
        public var events: EventIndex
        /// When each contact was first seen, for `every` rules without interaction yet.
        public var firstSeen: FirstSeenTimes

        public init(events: EventIndex = .empty, firstSeen: FirstSeenTimes = [:]) {
            self.events = events
            self.firstSeen = firstSeen
        }
    }

    /// Every occurrence whose due instant lies in `range`, sorted by due instant then key.
    /// Contacts without a first-seen time are taken as first seen at `now`.
    public func occurrences(in range: Range<Int64>, history: History, now: Int64) -> [Occurrence] {
        scheduled(in: range, history: history, now: now).occurrences
    }

    /// The occurrences of `occurrences(in:history:now:)` as compact entries, sorted the same way:
    /// what a long listing is made from without an `Occurrence` per line.
    public func scheduled(in range: Range<Int64>, history: History, now: Int64) -> ScheduledOccurrences {
        let held = unsubscribedContacts(history.events)
        var parts: [ScheduledOccurrences.Part] = []
        var digestItems = 0
        for (index, rule) in config.rules.enumerated() {
            let made = entryParts(
                of: rule, number: index, in: digestSpan(of: rule, for: range), history: history, now: now,
                contactIndices: nil, held: held)
            if mayDigest(rule) { digestItems += made.reduce(0) { $0 + $1.entries.count } }
            parts += made
        }
        // At most one digest per person and day, and one per occurrence that may go in one.
        let digestRoom =
            hasDigests
            ? min(digestItems, ownerList.count * (Int((range.upperBound - range.lowerBound) / 86_400) + 2)) : 0
        var scheduled = ScheduledOccurrences(
            schedule: self, rules: config.rules, events: history.events, parts: parts, room: digestRoom)
        if hasDigests { scheduled.addDigests(in: range) }
        scheduled.sort()
        if hasDigests { scheduled.bundleDigests(in: range) }
        return scheduled
    }

    /// The occurrences of one rule in `range`, unsorted; parallel over contacts for large lists.
    public func occurrences(
        of rule: Rule, in range: Range<Int64>, history: History, now: Int64, contactIndices: [Int]? = nil
    ) -> [Occurrence] {
        let parts = entryParts(
            of: rule, number: 0, in: range, history: history, now: now, contactIndices: contactIndices,
            held: unsubscribedContacts(history.events))
        return ScheduledOccurrences(schedule: self, rules: [rule], events: history.events, parts: parts).occurrences
    }

    /// The entries of one rule (number `number` among the rules of the result) in `range`,
    /// unsorted, in parts (one per slice of the contacts, in order). A rule `to: contact` holds back
    /// the entries of the contacts in `held` (``unsubscribedContacts(_:)``): counted, not kept.
    func entryParts(
        of rule: Rule, number: Int, in range: Range<Int64>, history: History, now: Int64, contactIndices: [Int]?,
        held: UnsubscribedContacts? = nil
    ) -> [ScheduledOccurrences.Part] {
        let count = contactIndices?.count ?? contacts.count
        let slices = stride(from: 0, to: count, by: 8192).map { $0..<min($0 + 8192, count) }
        let plan: DatePlan? =
            if case .date(let trigger) = rule.trigger {
                DatePlan(trigger, range: range, slack: slack(of: rule)) { fixedAnniversary(trigger, inYear: $0) }
            } else {
                nil
            }
        let filtered = !rule.filter.conditions.isEmpty
        let made = Made(rule: Int16(number), readsWorkdays: rule.readsWorkdays)
        let held = rule.recipient == .contact ? held : nil
        return lanes.map(slices) { slice -> ScheduledOccurrences.Part in
            var part = ScheduledOccurrences.Part()
            // About one entry per contact (a birthday within a year; a check-in): room made once.
            part.entries.reserveCapacity(slice.count)
            part.ids.reserveCapacity(slice.count * 8)
            var firstSeenHint = 0  // contacts in order: first-seen times mostly in the same order
            for position in slice {
                let index = contactIndices?[position] ?? position
                if filtered, !ContactMatcher.matches(contacts[index], rule.filter) { continue }
                guard let audience = audience(of: rule, for: index, made: made) else { continue }
                let first = part.entries.count
                switch rule.trigger {
                case .date(let trigger):
                    guard mayFall(index, trigger, plan!) else { continue }
                    dateOccurrences(rule, trigger, plan!, audience, range, into: &part.entries)
                case .after(let trigger):
                    afterOccurrences(rule, trigger, audience, range, history.events, into: &part.entries)
                case .every(let trigger):
                    everyOccurrences(
                        rule, trigger, audience, range, history, now: now, firstSeenHint: &firstSeenHint,
                        into: &part.entries)
                }
                guard part.entries.count > first else { continue }
                if let held, held.contains(contacts[index].id) {
                    part.heldBack[Int32(index), default: 0] += part.entries.count - first
                    part.entries.removeSubrange(first...)
                } else {
                    part.nameContact(contacts[index].id, from: first)
                }
            }
            return part
        }.filter { !$0.entries.isEmpty || !$0.heldBack.isEmpty }
    }

    /// Which rule the entries being made belong to, and whether it reads the recipient's calendar.
    struct Made {
        var rule: Int16
        var readsWorkdays = false
    }

    /// The contact an occurrence is for, and the zone and calendar of the person it goes to (the
    /// calendar only for a rule that reads working days).
    struct Audience {
        var contact: Int
        /// The person's index in `ownerList`; -1 for the contact.
        var owner: Int
        /// Not counted: the schedule's `zones` and `ownerList` keep every zone alive while it plans.
        /// Counting it, once per contact and rule with both cores on the same few zones, was 11 % of
        /// a second start's samples at a million contacts (BENCHMARKS.md, issue 18).
        unowned(unsafe) var zone: ZoneRules
        var calendar: HolidayCalendar?
        var made: Made
    }

    /// The person a rule's reminder for a contact goes to; `nil` when there is nobody (no owner, or
    /// an owner without a manager) — `tickler check` warns about those. A contact's calendar is its
    /// owner's.
    func audience(of rule: Rule, for index: Int, made: Made) -> Audience? {
        guard let owner = audienceOwner(rule.recipient, for: index) else { return nil }
        let zone = owner >= 0 ? ownerList[owner].zone : contactZone(index)
        let calendar = made.readsWorkdays ? calendar(ofAudience: owner, for: index) : nil
        return Audience(contact: index, owner: owner, zone: zone, calendar: calendar, made: made)
    }

    /// The calendar of the person a rule's reminder for a contact goes to (for `holiday.name`).
    public func audienceCalendar(_ recipient: Rule.Recipient, for index: Int) -> HolidayCalendar? {
        audienceOwner(recipient, for: index).flatMap { calendar(ofAudience: $0, for: index) }
    }

    /// The calendar of `owner`, an answer of ``audienceOwner(_:for:)``: that owner's, or for the
    /// contact itself (-1) its owner's, else the configuration's.
    private func calendar(ofAudience owner: Int, for index: Int) -> HolidayCalendar? {
        if owner >= 0 { return ownerList[owner].calendar }
        let contactOwner = Int(contactOwners[index])
        return contactOwner >= 0 ? ownerList[contactOwner].calendar : defaultCalendar
    }

    /// The id of the person a rule's reminder for a contact goes to.
    public func audienceID(_ recipient: Rule.Recipient, for index: Int) -> String? {
        guard let owner = audienceOwner(recipient, for: index) else { return nil }
        return owner < 0 ? contacts[index].id : ownerList[owner].id
    }

    /// The indices in `contacts` of the contacts whose owner is `owner` (an owner's id).
    public func contactIndices(ownedBy owner: String) -> Set<Int32> {
        guard let wanted = ownerList.firstIndex(where: { $0.id == owner }) else { return [] }
        return Set(contacts(ofOwner: wanted))
    }

    /// The indices in `contacts` of the contacts of the owner at `owner` in `ownerList`, in order.
    func contacts(ofOwner owner: Int) -> ArraySlice<Int32> {
        ownedContacts[ownedStarts[owner]..<ownedStarts[owner + 1]]
    }

    /// `owners` of each contact (-1: none) grouped: each owner's contacts in order, and where each
    /// owner's start (a counting sort).
    private static func group(_ owners: [Int32], owners count: Int) -> (contacts: [Int32], starts: [Int]) {
        var starts = [Int](repeating: 0, count: count + 1)
        for owner in owners where owner >= 0 { starts[Int(owner) + 1] += 1 }
        for index in 0..<count { starts[index + 1] += starts[index] }
        var next = starts
        var contacts = [Int32](repeating: 0, count: starts[count])
        for (index, owner) in owners.enumerated() where owner >= 0 {
            contacts[next[Int(owner)]] = Int32(index)
            next[Int(owner)] += 1
        }
        return (contacts, starts)
    }

    /// The index in `ownerList` of the person a reminder goes to: -1 for the contact itself, `nil`
    /// for nobody.
    func audienceOwner(_ recipient: Rule.Recipient, for index: Int) -> Int? {
        switch recipient {
        case .contact: return -1
        case .owner:
            let owner = Int(contactOwners[index])
            return owner >= 0 ? owner : nil
        case .manager:
            let owner = Int(contactOwners[index])
            guard owner >= 0 else { return nil }
            let manager = ownerList[owner].manager
            return manager >= 0 ? manager : nil
        }
    }

    /// The due instant of day `day` (days since 1970-01-01) at the rule's `at` (or `defaultAt`) in
    /// the recipient's zone, deferred into the rule's window, and the recipient's offset then.
    func due(_ rule: Rule, day: Int, defaultAt: TimeOfDay, audience: Audience) -> (instant: Int64, offset: Int) {
        let zone = audience.zone
        let local = Int64(day) * 86_400 + Int64((rule.at ?? defaultAt).minutes) * 60
        let (instant, offset) = zone.instantAndOffset(localSeconds: local)
        guard rule.window != nil else { return (instant, offset) }
        let due = deferred(rule, instant, audience)
        return (due, zone.offset(at: due))
    }

    /// `instant` deferred into the rule's window in the recipient's zone and calendar.
    func deferred(_ rule: Rule, _ instant: Int64, _ audience: Audience) -> Int64 {
        guard let window = rule.window else { return instant }
        return window.nextOpening(atOrAfter: instant, in: audience.zone, calendar: audience.calendar)
    }

    /// The entry of an occurrence due at `due` (when the recipient's offset is `offset`, found when
    /// not given) on the contact's day `day` (days since 1970-01-01).
    func entry(
        _ audience: Audience, due: Int64, offset: Int? = nil, day: Int, number: Int, base: Int64 = 0, event: Int = -1
    ) -> ScheduledOccurrences.Entry {
        ScheduledOccurrences.Entry(
            due: due, base: base, number: number, contact: Int32(audience.contact), day: Int32(day),
            event: Int32(event), offset: Int32(offset ?? audience.zone.offset(at: due)), rule: audience.made.rule,
            recipient: Int32(audience.owner))
    }

    static let nineAM = TimeOfDay(hour: 9, minute: 0)
    /// How far before a range a due instant may be computed and still land in it: a window can
    /// defer by up to a week, a zone can be a day away.
    static let slack: Int64 = 9 * 86_400

    /// ``slack`` for one rule: longer when its window waits for working days or holidays, or its
    /// delay counts working days.
    func slack(of rule: Rule) -> Int64 {
        var slack = Self.slack
        if let window = rule.window { slack = max(slack, window.maximumDeferral + 86_400) }
        if case .after(let trigger) = rule.trigger, trigger.delay.unit == .workdays {
            // N working days are at most N weeks and China's longest run of days off.
            slack += (trigger.delay.value + 2) * 7 * 86_400
        }
        return slack
    }
}

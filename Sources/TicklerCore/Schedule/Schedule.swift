/// The scheduling core: for every rule and contact, when a reminder falls due, in every zone.
///
/// Pure: `now`, the range, the events and the first-seen times are parameters; nothing is read or
/// written. Zones are resolved once per contact when the schedule is built, so computing a range
/// for a million contacts costs a few integer operations and table look-ups per occurrence.
public struct Schedule: Sendable {
    public let config: Config
    public let contacts: [Contact]
    let defaultZone: ZoneRules
    /// The zone of each contact (its own, else the configuration's), by index in `contacts`.
    let contactZones: [ZoneRules]
    let owners: [String: (owner: Owner, zone: ZoneRules)]
    /// The configured owners, each with its zone and the index of its manager here (-1: none).
    let ownerList: [(id: String, zone: ZoneRules, manager: Int)]
    /// The index in `ownerList` of each contact's owner (-1: none), by index in `contacts`, so the
    /// rules look no owner up by name per contact.
    let contactOwners: [Int32]

    public init(config: Config, contacts: [Contact]) {
        self.config = config
        self.contacts = contacts
        let fallback = ZoneRules.named(config.timezone) ?? ZoneRules.named("UTC")!
        defaultZone = fallback
        var zones: [String: ZoneRules] = [:]  // by name, a cache: a million contacts name a few zones
        for name in Set(config.owners.values.compactMap(\.timezone)) {
            zones[name] = ZoneRules.named(name) ?? fallback
        }
        let owners = config.owners.mapValues { ($0, $0.timezone.map { zones[$0]! } ?? fallback) }
        self.owners = owners
        let ids = config.owners.keys.sorted()
        let ownerIndex = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        ownerList = ids.map { id in
            (id, owners[id]!.1, owners[id]!.0.manager.flatMap { ownerIndex[$0] } ?? -1)
        }
        // Per contact: its zone and its owner, in parallel over slices of the contacts.
        let slices = stride(from: 0, to: contacts.count, by: 16_384).map { $0..<min($0 + 16_384, contacts.count) }
        let known = zones
        let parts = ParallelMap.run(slices) { slice -> ([ZoneRules], [Int32]) in
            var zones = known
            var zoneOfContact: [ZoneRules] = []
            var ownerOfContact: [Int32] = []
            zoneOfContact.reserveCapacity(slice.count)
            ownerOfContact.reserveCapacity(slice.count)
            contacts.withUnsafeBufferPointer { contacts in
                for index in slice {
                    var zone = fallback
                    if let name = contacts[index].timezone {
                        if let known = zones[name] {
                            zone = known
                        } else {
                            zone = ZoneRules.named(name) ?? fallback
                            zones[name] = zone
                        }
                    }
                    zoneOfContact.append(zone)
                    ownerOfContact.append(contacts[index].owner.flatMap { ownerIndex[$0] }.map(Int32.init) ?? -1)
                }
            }
            return (zoneOfContact, ownerOfContact)
        }
        contactZones = Array(parts.map(\.0).joined())
        contactOwners = Array(parts.map(\.1).joined())
    }

    /// The inputs that come from the state store.
    public struct History: Sendable {
        public var events: EventIndex
        /// When each contact was first seen, for `every` rules without interaction yet.
        public var firstSeen: [String: Int64]

        public init(events: EventIndex = .empty, firstSeen: [String: Int64] = [:]) {
            self.events = events
            self.firstSeen = firstSeen
        }
    }

    /// Every occurrence whose due instant lies in `range`, sorted by due instant then key.
    /// Contacts without a first-seen time are taken as first seen at `now`.
    public func occurrences(in range: Range<Int64>, history: History, now: Int64) -> [Occurrence] {
        var parts: [[Occurrence]] = []
        for rule in config.rules {
            parts += occurrenceParts(of: rule, in: range, history: history, now: now, contactIndices: nil)
        }
        return OccurrenceSorting.sorted(&parts)
    }

    /// The occurrences of one rule in `range`, unsorted; parallel over contacts for large lists.
    public func occurrences(
        of rule: Rule, in range: Range<Int64>, history: History, now: Int64, contactIndices: [Int]? = nil
    ) -> [Occurrence] {
        let parts = occurrenceParts(of: rule, in: range, history: history, now: now, contactIndices: contactIndices)
        return parts.count == 1 ? parts[0] : Array(parts.joined())
    }

    /// The occurrences of one rule in `range`, in parts (one per slice of the contacts, in order).
    func occurrenceParts(
        of rule: Rule, in range: Range<Int64>, history: History, now: Int64, contactIndices: [Int]?
    ) -> [[Occurrence]] {
        let count = contactIndices?.count ?? contacts.count
        let slices = stride(from: 0, to: count, by: 8192).map { $0..<min($0 + 8192, count) }
        let plan: DatePlan? =
            if case .date(let trigger) = rule.trigger { DatePlan(trigger, range: range) } else { nil }
        let filtered = !rule.filter.conditions.isEmpty
        return ParallelMap.run(slices) { slice -> [Occurrence] in
            var found: [Occurrence] = []
            for position in slice {
                let index = contactIndices?[position] ?? position
                if filtered, !ContactMatcher.matches(contacts[index], rule.filter) { continue }
                switch rule.trigger {
                case .date(let trigger):
                    guard mayFall(index, trigger, plan!), let audience = audience(of: rule, for: index) else {
                        continue
                    }
                    dateOccurrences(rule, trigger, plan!, index, audience, range, into: &found)
                case .after(let trigger):
                    guard let audience = audience(of: rule, for: index) else { continue }
                    afterOccurrences(rule, trigger, index, audience, range, history.events, into: &found)
                case .every(let trigger):
                    guard let audience = audience(of: rule, for: index) else { continue }
                    everyOccurrences(rule, trigger, index, audience, range, history, now: now, into: &found)
                }
            }
            return found
        }.filter { !$0.isEmpty }
    }

    /// Who a rule's reminder for a contact goes to, and in which zone; `nil` when there is nobody
    /// (no owner, or an owner without a manager) — `tickler check` warns about those.
    struct Audience {
        var id: String
        var zone: ZoneRules
    }

    func audience(of rule: Rule, for index: Int) -> Audience? {
        switch rule.recipient {
        case .contact:
            return Audience(id: contacts[index].id, zone: contactZones[index])
        case .owner:
            let owner = Int(contactOwners[index])
            guard owner >= 0 else { return nil }
            return Audience(id: ownerList[owner].id, zone: ownerList[owner].zone)
        case .manager:
            let owner = Int(contactOwners[index])
            guard owner >= 0 else { return nil }
            let manager = ownerList[owner].manager
            guard manager >= 0 else { return nil }
            return Audience(id: ownerList[manager].id, zone: ownerList[manager].zone)
        }
    }

    /// The due instant of day `day` at the rule's `at` (or `defaultAt`) in the recipient's zone,
    /// deferred into the rule's window.
    func due(_ rule: Rule, day: CivilDate, defaultAt: TimeOfDay, zone: ZoneRules) -> Int64 {
        let instant = zone.instant(on: day, at: rule.at ?? defaultAt)
        return deferred(rule, instant, zone: zone)
    }

    func deferred(_ rule: Rule, _ instant: Int64, zone: ZoneRules) -> Int64 {
        guard let window = rule.window else { return instant }
        return window.nextOpening(atOrAfter: instant, in: zone)
    }

    func make(
        _ rule: Rule, _ index: Int, _ audience: Audience, key: String, due: Int64, day: CivilDate,
        detail: Occurrence.Detail
    ) -> Occurrence {
        Occurrence(
            key: key, rule: rule.name, contact: contacts[index].id, to: rule.recipient, recipient: audience.id,
            channel: rule.channel, due: due, offset: audience.zone.offset(at: due), day: day, detail: detail)
    }

    /// `RULE/CONTACT/YYYY-MM-DD`, written in one go (`"\(rule)/\(contact)/\(day)"` makes several
    /// strings, and a long listing has a key per occurrence).
    static func key(_ rule: String, _ contact: String, _ day: CivilDate) -> String {
        guard (1000...9999).contains(day.year) else { return "\(rule)/\(contact)/\(day)" }
        var rule = rule
        var contact = contact
        return rule.withUTF8 { rule in
            contact.withUTF8 { contact in
                String(unsafeUninitializedCapacity: rule.count + contact.count + 12) { buffer in
                    var index = 0
                    func append(_ byte: UInt8) {
                        buffer[index] = byte
                        index += 1
                    }
                    func append(_ value: Int, digits: Int) {
                        var divisor = digits == 4 ? 1000 : 10
                        while divisor > 0 {
                            append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                            divisor /= 10
                        }
                    }
                    for byte in rule { append(byte) }
                    append(UInt8(ascii: "/"))
                    for byte in contact { append(byte) }
                    append(UInt8(ascii: "/"))
                    append(day.year, digits: 4)
                    append(UInt8(ascii: "-"))
                    append(day.month, digits: 2)
                    append(UInt8(ascii: "-"))
                    append(day.day, digits: 2)
                    return index
                }
            }
        }
    }

    static let nineAM = TimeOfDay(hour: 9, minute: 0)
    /// How far before a range a due instant may be computed and still land in it: a window can
    /// defer by up to a week, a zone can be a day away.
    static let slack: Int64 = 9 * 86_400
}

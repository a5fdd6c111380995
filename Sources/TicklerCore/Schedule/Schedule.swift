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

    public init(config: Config, contacts: [Contact]) {
        self.config = config
        self.contacts = contacts
        let fallback = ZoneRules.named(config.timezone) ?? ZoneRules.named("UTC")!
        defaultZone = fallback
        var cache: [String: ZoneRules] = [:]
        func zone(_ name: String?) -> ZoneRules {
            guard let name else { return fallback }
            if let known = cache[name] { return known }
            let rules = ZoneRules.named(name) ?? fallback
            cache[name] = rules
            return rules
        }
        contactZones = contacts.map { zone($0.timezone) }
        owners = config.owners.mapValues { ($0, zone($0.timezone)) }
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
        var result: [Occurrence] = []
        for rule in config.rules {
            result.append(contentsOf: occurrences(of: rule, in: range, history: history, now: now))
        }
        result.sort(by: Occurrence.precedes)
        return result
    }

    /// The occurrences of one rule in `range`, unsorted; parallel over contacts for large lists.
    public func occurrences(
        of rule: Rule, in range: Range<Int64>, history: History, now: Int64, contactIndices: [Int]? = nil
    ) -> [Occurrence] {
        let indices = contactIndices ?? Array(contacts.indices)
        let chunks = stride(from: 0, to: indices.count, by: 8192).map {
            Array(indices[$0..<min($0 + 8192, indices.count)])
        }
        let parts = ParallelMap.run(chunks) { chunk -> [Occurrence] in
            var found: [Occurrence] = []
            for index in chunk where ContactMatcher.matches(contacts[index], rule.filter) {
                guard let audience = audience(of: rule, for: index) else { continue }
                switch rule.trigger {
                case .date(let trigger):
                    dateOccurrences(rule, trigger, index, audience, range, into: &found)
                case .after(let trigger):
                    afterOccurrences(rule, trigger, index, audience, range, history.events, into: &found)
                case .every(let trigger):
                    everyOccurrences(rule, trigger, index, audience, range, history, now: now, into: &found)
                }
            }
            return found
        }
        return parts.flatMap { $0 }
    }

    /// Who a rule's reminder for a contact goes to, and in which zone; `nil` when there is nobody
    /// (no owner, or an owner without a manager) — `tickler check` warns about those.
    struct Audience {
        var id: String
        var zone: ZoneRules
    }

    func audience(of rule: Rule, for index: Int) -> Audience? {
        let contact = contacts[index]
        switch rule.recipient {
        case .contact:
            return Audience(id: contact.id, zone: contactZones[index])
        case .owner:
            guard let id = contact.owner, let owner = owners[id] else { return nil }
            return Audience(id: id, zone: owner.zone)
        case .manager:
            guard let id = contact.owner, let managerID = owners[id]?.owner.manager,
                let manager = owners[managerID]
            else { return nil }
            return Audience(id: managerID, zone: manager.zone)
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

    static let nineAM = TimeOfDay(hour: 9, minute: 0)
    /// How far before a range a due instant may be computed and still land in it: a window can
    /// defer by up to a week, a zone can be a day away.
    static let slack: Int64 = 9 * 86_400
}

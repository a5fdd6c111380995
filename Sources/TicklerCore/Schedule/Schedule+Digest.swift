/// Digests (SPEC "Digests"): an occurrence of a `digest: true` rule whose recipient — an owner or a
/// manager — has `digest:` settings belongs to the digest `digest/OWNER/YYYY-MM-DD`, where the day
/// is the recipient's calendar day of the occurrence's due instant. The digest is an occurrence of
/// its own: rule `digest`, `to: owner`, on the digest's channel, due at its `at` on that day in the
/// recipient's zone (read as any local time is; no window), carrying every occurrence of the day.
/// A person with nothing due that day has no digest.
extension Schedule {
    /// The rule name of digests, and the first part of their keys; no rule may be named so.
    public static let digestRule = "digest"

    /// `digest/OWNER/YYYY-MM-DD`.
    public static func digestKey(owner: String, day: CivilDate) -> String {
        "\(digestRule)/\(owner)/\(day)"
    }

    /// The owner and day of a digest key, or `nil` when `key` is not one.
    public static func parseDigestKey(_ key: String) -> (owner: String, day: CivilDate)? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == digestRule, !parts[1].isEmpty,
            let day = CivilDate.parse(String(parts[2]))
        else { return nil }
        return (String(parts[1]), day)
    }

    /// The range a rule is computed over: for a rule whose occurrences may go into digests, two days
    /// more on each side, so that a digest due in `range` finds every occurrence of its day (which
    /// may fall due before or after the range).
    func digestSpan(of rule: Rule, for range: Range<Int64>) -> Range<Int64> {
        guard mayDigest(rule) else { return range }
        return (range.lowerBound - Self.digestMargin)..<(range.upperBound + Self.digestMargin)
    }

    /// How far from a digest's due instant the occurrences of its day may fall due: a day is 24 h
    /// (25 on a DST day) and `at` lies within it; two days cover both.
    static let digestMargin: Int64 = 2 * 86_400

    /// Whether occurrences of `rule` may go in a digest: it says `digest: true`, goes to an owner or
    /// a manager, and some owner has `digest:` settings.
    func mayDigest(_ rule: Rule) -> Bool { hasDigests && rule.digest && rule.recipient != .contact }

    /// The due instant of the digest of the owner at `owner` (in `ownerList`) on day `day` (days since
    /// 1970-01-01, the owner's calendar), and the owner's offset then.
    func digestDue(owner: Int, day: Int) -> (instant: Int64, offset: Int) {
        let at = ownerDigestAt[owner] >= 0 ? Int64(ownerDigestAt[owner]) : Int64(Self.nineAM.minutes)
        return ownerList[owner].zone.instantAndOffset(localSeconds: Int64(day) * 86_400 + at * 60)
    }

    /// The digest occurrence of `owner` (an owner id) on `day` carrying `items`; `nil` when the
    /// owner has no `digest:` settings.
    public func digestOccurrence(owner id: String, day: CivilDate, items: [Occurrence]) -> Occurrence? {
        guard let owner = ownerList.firstIndex(where: { $0.id == id }), let settings = ownerDigests[owner] else {
            return nil
        }
        let (due, offset) = digestDue(owner: owner, day: day.daysSinceEpoch)
        return Occurrence(
            key: Self.digestKey(owner: id, day: day), rule: Self.digestRule, contact: "", to: .owner, recipient: id,
            channel: settings.channel, due: due, offset: offset, day: day, detail: .digest(items: items))
    }

    /// The digest `key` (`digest/OWNER/YYYY-MM-DD`) with everything it carries as things stand:
    /// every occurrence of `digest: true` rules for the owner's contacts (and, for `to: manager`
    /// rules, the contacts of the owners they manage) on that day. `nil` when the owner has no
    /// `digest:` settings or nothing is due that day. What the daemon sends when the digest falls due.
    public func digest(_ key: String, history: History, now: Int64) -> Occurrence? {
        guard hasDigests, let (id, day) = Self.parseDigestKey(key),
            let owner = ownerList.firstIndex(where: { $0.id == id }), ownerDigests[owner] != nil
        else { return nil }
        let start = Int64(day.daysSinceEpoch) * 86_400
        let range = (start - Self.digestMargin)..<(start + 86_400 + Self.digestMargin)
        var items: [Occurrence] = []
        // The owner's contacts, and for `to: manager` rules those of the owners they manage.
        let owned = contacts(ofOwner: owner).map(Int.init)
        let managed = ownerList.indices.filter { ownerList[$0].manager == owner }.flatMap {
            contacts(ofOwner: $0).map(Int.init)
        }
        for rule in config.rules where mayDigest(rule) {
            let indices = rule.recipient == .owner ? owned : managed
            guard !indices.isEmpty else { continue }
            items += occurrences(of: rule, in: range, history: history, now: now, contactIndices: indices)
                .filter { $0.digest == key }
        }
        guard !items.isEmpty else { return nil }
        return digestOccurrence(owner: id, day: day, items: items.sorted(by: Occurrence.precedes))
    }
}

/// The UTC offsets of one IANA time zone as a table of transitions, for turning local times into instants
/// and back without asking Foundation on every call.
///
/// The table comes from the zone's TZif file, which a `ZoneDatabase` reads (and caches), covering
/// 1900-01-01 to 2200-01-01; before and after that range the first and last offsets hold. Lookups are a
/// binary search over a few hundred transitions: a million local-time conversions take about 30 ms.
///
/// Local times are read as the SPEC (and RFC 5545, Python's `zoneinfo` with fold=0) read them: a time that
/// does not exist because the clocks jump forward is read with the offset in force before the jump (02:30
/// in New York's one-hour gap is 03:30 EDT; 02:15 in Lord Howe's half-hour gap is 02:45), and a time that
/// occurs twice because the clocks go back is the first of the two instants.
public final class ZoneRules: Sendable {
    /// The zone's IANA name (`America/New_York`).
    public let identifier: String
    /// Instants (seconds since the epoch, ascending) at which the offset changes.
    private let transitions: [Int64]
    /// `offsets[i]` is in force from `transitions[i - 1]` (or the beginning of time) up to `transitions[i]`;
    /// one more element than `transitions`.
    private let offsets: [Int64]

    /// The first instant of the table: 1900-01-01T00:00:00Z.
    static let tableStart: Int64 = -2_208_988_800
    /// The end of the table: 2200-01-01T00:00:00Z.
    static let tableEnd: Int64 = 7_258_118_400

    /// UTC, known without the zone database.
    public static let utc = ZoneRules(identifier: "UTC", transitions: [], offsets: [0])

    /// A zone from an explicit table, for tests: `offsets` has one more element than `transitions`.
    public init(identifier: String, transitions: [Int64], offsets: [Int]) {
        precondition(offsets.count == transitions.count + 1, "one offset more than transitions")
        self.identifier = identifier
        self.transitions = transitions
        self.offsets = offsets.map(Int64.init)
    }

    /// The rules of the IANA zone `identifier` from its TZif file's bytes (RFC 8536), or `nil` when they
    /// are not a TZif file. Reading the file is the caller's (a `ZoneDatabase`'s) work.
    public init?(identifier: String, tzif bytes: [UInt8]) {
        guard let table = TZif.table(bytes, from: Self.tableStart, to: Self.tableEnd) else { return nil }
        self.identifier = identifier
        transitions = table.transitions
        offsets = table.offsets.map(Int64.init)
    }

    /// The instants at which the offset changes (for tests).
    var transitionInstants: [Int64] { transitions }

    /// Seconds east of UTC in force at `instant`.
    public func offset(at instant: Int64) -> Int { Int(offsets[segment(containing: instant)]) }

    /// The index of the offset in force at `instant`: the number of transitions at or before it.
    private func segment(containing instant: Int64) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) >> 1
            if transitions[middle] <= instant {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// The instant of wall-clock `time` on `date` in this zone (gap: the offset before it; overlap: the first).
    public func instant(on date: CivilDate, at time: TimeOfDay) -> Int64 {
        instant(on: date, minuteOfDay: time.minutes)
    }

    /// The instant of the wall-clock time `minuteOfDay` minutes after midnight on `date` in this zone;
    /// 1440 is the next day's midnight. A time in a spring-forward gap is read with the offset before the
    /// gap, a time that occurs twice is the first of the two instants.
    public func instant(on date: CivilDate, minuteOfDay: Int) -> Int64 {
        instant(localSeconds: Int64(date.daysSinceEpoch) * 86_400 + Int64(minuteOfDay) * 60)
    }

    /// The instant for a local wall-clock reading given as seconds since 1970-01-01T00:00 local time.
    func instant(localSeconds local: Int64) -> Int64 { instantAndOffset(localSeconds: local).instant }

    /// `instant(localSeconds:)`, and the offset in force at that instant.
    func instantAndOffset(localSeconds local: Int64) -> (instant: Int64, offset: Int) {
        // Offsets are within ±1 day, so every instant that can show `local` lies within a day of it. Walk the
        // segments from the one in force a day earlier. Each reading `local - offset` is at or after its
        // segment's start (the first segment starts more than a day before it; a later one is only reached
        // when the previous reading was past its start), so the first reading before its segment's end is
        // valid, and the earliest of all: segments come in order. That is the first of two in an overlap.
        var index = segment(containing: local - 86_400)
        while true {
            let reading = local - offsets[index]
            guard index < transitions.count, reading >= transitions[index] else {
                return (reading, Int(offsets[index]))
            }
            // Too late for this offset and too early for the next: a gap. Read with the offset before it.
            if local - offsets[index + 1] < transitions[index] { return (reading, offset(at: reading)) }
            index += 1
        }
    }

    /// The calendar day `instant` falls on in this zone.
    public func localDate(at instant: Int64) -> CivilDate { CivilDate(daysSinceEpoch: localDay(at: instant)) }

    /// The calendar day `instant` falls on in this zone, in days since 1970-01-01.
    func localDay(at instant: Int64) -> Int { Int((instant + offsets[segment(containing: instant)]).floorDiv(86_400)) }

    /// Minutes since local midnight (0…1439) at `instant` in this zone.
    public func localMinuteOfDay(at instant: Int64) -> Int {
        let local = instant + offsets[segment(containing: instant)]
        return Int(local - local.floorDiv(86_400) * 86_400) / 60
    }
}

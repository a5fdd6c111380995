import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore

@Suite struct ZoneRulesTests {
    static func zone(_ name: String) throws -> ZoneRules { try #require(systemZones.rules(named: name)) }

    /// `2027-03-14 02:30` → the date and the minute of the day.
    static func local(_ text: String) throws -> (date: CivilDate, minute: Int) {
        let parts = text.split(separator: " ")
        let date = try #require(CivilDate.parse(parts[0]))
        let time = try #require(TimeOfDay.parse(parts[1]))
        return (date, time.minutes)
    }

    static func format(_ instant: Int64, in zone: ZoneRules) -> String {
        Timestamp.format(instant, offset: zone.offset(at: instant))
    }

    /// Local times read as the SPEC reads them, with expectations from Python's `zoneinfo` (fold=0). The
    /// first four are the facts STYLE.md records for this toolchain's Foundation (which agrees on them).
    @Test(arguments: [
        ("America/New_York", "2027-03-14 02:30", "2027-03-14T03:30:00-04:00"),  // gap: offset before it
        ("America/New_York", "2027-11-07 01:30", "2027-11-07T01:30:00-04:00"),  // overlap: the first
        ("Australia/Lord_Howe", "2027-10-03 02:15", "2027-10-03T02:45:00+11:00"),  // half-hour gap
        ("America/Santiago", "2027-09-05 00:30", "2027-09-05T01:30:00-03:00"),  // gap at midnight
        ("America/New_York", "2027-03-14 01:59", "2027-03-14T01:59:00-05:00"),
        ("America/New_York", "2027-03-14 02:00", "2027-03-14T03:00:00-04:00"),
        ("America/New_York", "2027-03-14 03:00", "2027-03-14T03:00:00-04:00"),
        ("America/New_York", "2027-11-07 00:59", "2027-11-07T00:59:00-04:00"),
        ("America/New_York", "2027-11-07 01:00", "2027-11-07T01:00:00-04:00"),
        ("America/New_York", "2027-11-07 02:00", "2027-11-07T02:00:00-05:00"),
        ("Europe/London", "2027-03-28 01:30", "2027-03-28T02:30:00+01:00"),
        ("Europe/London", "2027-10-31 01:30", "2027-10-31T01:30:00+01:00"),
        ("Europe/London", "2027-01-15 09:00", "2027-01-15T09:00:00Z"),
        ("America/Santiago", "2027-09-05 00:00", "2027-09-05T01:00:00-03:00"),
        ("America/Santiago", "2027-04-03 23:30", "2027-04-03T23:30:00-03:00"),
        ("America/Santiago", "2027-04-04 00:00", "2027-04-04T00:00:00-04:00"),
        ("Australia/Lord_Howe", "2027-10-03 02:30", "2027-10-03T02:30:00+11:00"),
        ("Australia/Lord_Howe", "2027-04-04 01:45", "2027-04-04T01:45:00+11:00"),
        ("Australia/Lord_Howe", "2027-04-04 02:00", "2027-04-04T02:00:00+10:30"),
        ("Pacific/Chatham", "2027-09-26 03:00", "2027-09-26T04:00:00+13:45"),
        ("Pacific/Chatham", "2027-04-04 03:00", "2027-04-04T03:00:00+13:45"),
        ("Pacific/Chatham", "2027-06-01 09:00", "2027-06-01T09:00:00+12:45"),
        ("Asia/Kathmandu", "2027-06-01 09:00", "2027-06-01T09:00:00+05:45"),
        ("Asia/Shanghai", "2027-06-01 09:00", "2027-06-01T09:00:00+08:00"),
        ("Asia/Shanghai", "1988-04-17 02:30", "1988-04-17T03:30:00+09:00"),
        ("Asia/Shanghai", "1991-09-15 01:30", "1991-09-15T01:30:00+09:00"),
        ("UTC", "2027-06-01 09:00", "2027-06-01T09:00:00Z"),
        // Samoa skipped 2011-12-30 entirely (−10:00 to +14:00): the whole day is a gap.
        ("Pacific/Apia", "2011-12-29 23:59", "2011-12-29T23:59:00-10:00"),
        ("Pacific/Apia", "2011-12-30 12:00", "2011-12-31T12:00:00+14:00"),
        ("Pacific/Apia", "2011-12-31 00:00", "2011-12-31T00:00:00+14:00"),
    ])
    func localTimesBecomeInstantsAsTheSpecReadsThem(zoneName: String, local: String, expected: String) throws {
        let zone = try Self.zone(zoneName)
        let (date, minute) = try Self.local(local)
        let instant = zone.instant(on: date, minuteOfDay: minute)
        #expect(Self.format(instant, in: zone) == expected)
        #expect(zone.instant(on: date, at: TimeOfDay(hour: minute / 60, minute: minute % 60)) == instant)
        #expect(Timestamp.parse(expected) == instant)
    }

    @Test(arguments: [
        // New York springs forward at 07:00Z and falls back at 06:00Z.
        ("America/New_York", "2027-03-14T06:59:59Z", -18_000), ("America/New_York", "2027-03-14T07:00:00Z", -14_400),
        ("America/New_York", "2027-11-07T05:59:59Z", -14_400), ("America/New_York", "2027-11-07T06:00:00Z", -18_000),
        ("Australia/Lord_Howe", "2027-10-02T15:29:59Z", 37_800),
        ("Australia/Lord_Howe", "2027-10-02T15:30:00Z", 39_600),
        ("Pacific/Chatham", "2027-01-01T00:00:00Z", 49_500), ("Pacific/Chatham", "2027-07-01T00:00:00Z", 45_900),
        ("Asia/Kathmandu", "2027-07-01T00:00:00Z", 20_700), ("Asia/Kathmandu", "1980-07-01T00:00:00Z", 19_800),
        ("Asia/Shanghai", "2150-07-01T00:00:00Z", 28_800), ("America/New_York", "2199-07-01T00:00:00Z", -14_400),
    ])
    func offsetsChangeAtTheTransitionInstant(zoneName: String, instant: String, offset: Int) throws {
        #expect(try Self.zone(zoneName).offset(at: #require(Timestamp.parse(instant))) == offset)
    }

    @Test(arguments: [
        ("UTC", "1969-12-31T23:59:00Z", "1969-12-31", 1439), ("UTC", "1970-01-01T00:00:59Z", "1970-01-01", 0),
        ("Asia/Shanghai", "2027-03-13T16:00:00Z", "2027-03-14", 0),
        ("America/New_York", "2027-03-14T07:00:00Z", "2027-03-14", 180),
        ("America/New_York", "2027-11-07T06:30:00Z", "2027-11-07", 90),
        ("Pacific/Chatham", "2027-06-30T11:15:00Z", "2027-07-01", 0),
        ("Asia/Kathmandu", "1960-01-01T00:00:00Z", "1960-01-01", 330),
        ("Asia/Kathmandu", "1910-01-01T00:00:00Z", "1910-01-01", 341),  // local mean time, +5:41:16
    ])
    func instantsShowTheirLocalDayAndMinute(zoneName: String, instant: String, date: String, minute: Int) throws {
        let zone = try Self.zone(zoneName)
        let instant = try #require(Timestamp.parse(instant))
        #expect(zone.localDate(at: instant).description == date)
        #expect(zone.localMinuteOfDay(at: instant) == minute)
    }

    /// The scheduler takes a due instant and its offset from one look-up: the offset is the one in
    /// force at the instant, in gaps and overlaps too.
    @Test(arguments: [
        "America/New_York", "Europe/London", "America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham",
        "Asia/Kathmandu", "Asia/Shanghai",
    ])
    func instantAndOffsetAgree(name: String) throws {
        let zone = try Self.zone(name)
        let start = Int64(CivilDate(year: 2026, month: 1, day: 1).daysSinceEpoch) * 86_400
        for local in stride(from: start, to: start + 2 * 366 * 86_400, by: 900) {
            let (instant, offset) = zone.instantAndOffset(localSeconds: local)
            #expect(instant == zone.instant(localSeconds: local))
            #expect(offset == zone.offset(at: instant), "\(name) \(local)")
        }
    }

    @Test func namedZonesAreCachedAndUnknownOnesAreNil() throws {
        let first = try Self.zone("Europe/London")
        #expect(try Self.zone("Europe/London") === first)
        #expect(first.identifier == "Europe/London")
        #expect(systemZones.rules(named: "Europe/Londn") == nil)
        #expect(systemZones.rules(named: "") == nil)
        #expect(systemZones.rules(named: "Mars/Olympus_Mons") == nil)
    }

    @Test func explicitTablesReadGapsAndOverlaps() {
        // A made-up zone: +1 h until t = 10,000, then +3 h (local 13,600 ..< 20,800 never shows), then back
        // to +1 h at t = 100,000 (local 103,600 ..< 110,800 shows twice).
        let zone = ZoneRules(
            identifier: "Test/Jumps", transitions: [10_000, 100_000], offsets: [3_600, 10_800, 3_600])
        #expect(zone.instant(localSeconds: 13_599) == 9_999)  // the last second before the gap
        #expect(zone.instant(localSeconds: 13_600) == 10_000)  // in the gap: read at +1 h, the offset before it
        #expect(zone.instant(localSeconds: 14_000) == 10_400)
        #expect(zone.instant(localSeconds: 20_799) == 17_199)
        #expect(zone.instant(localSeconds: 20_800) == 10_000)  // the first local second after the gap
        #expect(zone.instant(localSeconds: 103_000) == 92_200)  // before the overlap: only +3 h shows it
        #expect(zone.instant(localSeconds: 105_000) == 94_200)  // shown twice (94,200 and 101,400): the first
        #expect(zone.instant(localSeconds: 110_799) == 99_999)
        #expect(zone.instant(localSeconds: 110_800) == 107_200)  // after the overlap: only +1 h shows it
        #expect(zone.instant(localSeconds: -50_000) == -53_600)
        #expect(zone.offset(at: 9_999) == 3_600)
        #expect(zone.offset(at: 10_000) == 10_800)
        #expect(zone.offset(at: 100_000) == 3_600)
    }

    // MARK: - Against Python's zoneinfo

    /// A fixed-seed generator (SplitMix64), so every run checks the same times.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let zonesCompared = [
        "America/New_York", "Europe/London", "America/Santiago", "Australia/Lord_Howe", "Pacific/Chatham",
        "Asia/Kathmandu", "Asia/Shanghai", "Europe/Moscow", "America/Sao_Paulo", "Africa/Casablanca",
        "Pacific/Apia", "America/St_Johns",
    ]

    /// Thousands of pseudo-random local times (2,000 per zone between 1950 and 2100, plus every quarter hour
    /// of the days the zone's offset changes in 2020–2030) read by ZoneRules and by Python's `zoneinfo`
    /// with fold=0, which reads gaps and overlaps as the SPEC does, from the same zone database.
    @Test(arguments: zonesCompared)
    func localTimesAgreeWithZoneinfo(zoneName: String) throws {
        let zone = try Self.zone(zoneName)
        var random = SplitMix(state: 20_270_314)
        var locals: [(CivilDate, Int)] = (0..<2_000).map { _ in
            let day = Int.random(in: -7_305...47_482, using: &random)  // 1950-01-01 … 2099-12-31
            return (CivilDate(daysSinceEpoch: day), Int.random(in: 0..<1_440, using: &random))
        }
        let from = try #require(Timestamp.parse("2020-01-01T00:00:00Z"))
        let to = try #require(Timestamp.parse("2030-12-31T00:00:00Z"))
        var instant = from
        while instant < to {
            if zone.offset(at: instant) != zone.offset(at: instant + 86_400) {
                for day in [zone.localDate(at: instant), zone.localDate(at: instant).adding(days: 1)] {
                    locals += stride(from: 0, to: 1_440, by: 15).map { (day, $0) }
                }
            }
            instant += 86_400
        }
        let expected = try ZoneDatabaseTests.zoneinfo(
            locals.map { date, minute in
                "L \(zoneName) \(date.year) \(date.month) \(date.day) \(minute / 60) \(minute % 60)"
            })
        var mismatches: [String] = []
        for ((date, minute), answer) in zip(locals, expected) {
            let ours = zone.instant(on: date, minuteOfDay: minute)
            if String(ours) != answer {
                mismatches.append("\(date) \(minute / 60):\(minute % 60): \(ours) vs \(answer)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(locals.count): \(mismatches.prefix(5))")
    }

    /// Pseudo-random instants 1950–2150: the offset, the local day and the minute agree with `zoneinfo`.
    @Test(arguments: zonesCompared)
    func instantsAgreeWithZoneinfo(zoneName: String) throws {
        let zone = try Self.zone(zoneName)
        var random = SplitMix(state: 1_980_0314)
        let instants = (0..<2_000).map { _ in Int64.random(in: -631_152_000...5_680_281_600, using: &random) }
        let expected = try ZoneDatabaseTests.zoneinfo(instants.map { "I \(zoneName) \($0)" })
        var mismatches: [String] = []
        for (instant, answer) in zip(instants, expected) {
            let local = zone.localDate(at: instant)
            let minute = zone.localMinuteOfDay(at: instant)
            let ours =
                "\(zone.offset(at: instant)) \(local.year) \(local.month) \(local.day) \(minute / 60) \(minute % 60)"
            if ours != answer { mismatches.append("\(instant): \(ours) vs \(answer)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count): \(mismatches.prefix(5))")
    }
}

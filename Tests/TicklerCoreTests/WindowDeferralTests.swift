import Testing
import TicklerCore
import TicklerTestSupport

@Suite struct WindowDeferralTests {
    static func window(_ text: String) throws -> Window {
        Window(spans: try Window.parse(text).get(), text: text)
    }

    static func deferred(_ instant: String, _ windowText: String, in zoneName: String) throws -> String {
        let zone = try #require(systemZones.rules(named: zoneName))
        let start = try #require(Timestamp.parse(instant))
        let result = try window(windowText).nextOpening(atOrAfter: start, in: zone)
        return Timestamp.format(result, offset: zone.offset(at: result))
    }

    /// 2027-03-12 is a Friday, 2027-03-15 a Monday.
    @Test(arguments: [
        ("2027-03-12T18:00:00+08:00", "2027-03-15T09:00:00+08:00"),  // Friday 18:00 closes: Monday 09:00
        ("2027-03-12T17:59:59+08:00", "2027-03-12T17:59:59+08:00"),  // inside: not moved
        ("2027-03-12T09:00:00+08:00", "2027-03-12T09:00:00+08:00"),  // the opening itself is inside
        ("2027-03-12T08:59:59+08:00", "2027-03-12T09:00:00+08:00"),
        ("2027-03-13T12:00:00+08:00", "2027-03-15T09:00:00+08:00"),  // Saturday
        ("2027-03-14T23:59:00+08:00", "2027-03-15T09:00:00+08:00"),  // Sunday night
        ("2027-03-11T23:00:00+08:00", "2027-03-12T09:00:00+08:00"),  // Thursday night
        ("2027-03-12T10:00:00Z", "2027-03-15T09:00:00+08:00"),  // 18:00 in Shanghai, written in UTC
    ])
    func workingHoursDeferToTheNextWorkingMorning(instant: String, expected: String) throws {
        #expect(try Self.deferred(instant, "09:00-18:00 mon-fri", in: "Asia/Shanghai") == expected)
    }

    @Test(arguments: [
        // 22:00-06:00 on Fridays runs from Friday 22:00 into Saturday 06:00.
        ("2027-03-13T03:00:00+08:00", "22:00-06:00 fri", "2027-03-13T03:00:00+08:00"),
        ("2027-03-13T06:00:00+08:00", "22:00-06:00 fri", "2027-03-19T22:00:00+08:00"),
        ("2027-03-12T21:00:00+08:00", "22:00-06:00 fri", "2027-03-12T22:00:00+08:00"),
        ("2027-03-11T23:00:00+08:00", "22:00-06:00 fri", "2027-03-12T22:00:00+08:00"),
        ("2027-03-12T22:00:00+08:00", "22:00-06:00 fri", "2027-03-12T22:00:00+08:00"),
        // Two spans a day.
        ("2027-03-15T12:30:00+08:00", "09:00-12:00,14:00-18:00 mon-fri", "2027-03-15T14:00:00+08:00"),
        ("2027-03-15T12:00:00+08:00", "09:00-12:00,14:00-18:00 mon-fri", "2027-03-15T14:00:00+08:00"),
        ("2027-03-15T11:59:00+08:00", "09:00-12:00,14:00-18:00 mon-fri", "2027-03-15T11:59:00+08:00"),
        ("2027-03-15T18:00:00+08:00", "09:00-12:00,14:00-18:00 mon-fri", "2027-03-16T09:00:00+08:00"),
        // Whole days, up to 24:00.
        ("2027-03-12T23:59:00+08:00", "00:00-24:00 sat,sun", "2027-03-13T00:00:00+08:00"),
        ("2027-03-14T23:59:59+08:00", "00:00-24:00 sat,sun", "2027-03-14T23:59:59+08:00"),
        ("2027-03-15T00:00:00+08:00", "00:00-24:00 sat,sun", "2027-03-20T00:00:00+08:00"),
        // A range of days wrapping the week's end, and a window open a week later at the latest.
        ("2027-03-12T12:00:00+08:00", "10:00-11:00 sat-mon", "2027-03-13T10:00:00+08:00"),
        ("2027-03-12T10:00:00+08:00", "09:00-10:00 fri", "2027-03-19T09:00:00+08:00"),
        // Half-hour and three-quarter-hour zones.
        ("2027-03-12T18:00:00+05:45", "09:00-18:00 mon-fri", "2027-03-15T09:00:00+05:45"),
    ])
    func spansCrossingMidnightAndSeveralSpans(instant: String, window: String, expected: String) throws {
        let zone = expected.hasSuffix("+05:45") ? "Asia/Kathmandu" : "Asia/Shanghai"
        #expect(try Self.deferred(instant, window, in: zone) == expected)
    }

    /// Days when the clocks change: openings and closings are read as the SPEC reads local times.
    @Test(arguments: [
        // New York springs forward on Sunday 2027-03-14 at 02:00 (to 03:00).
        ("America/New_York", "2027-03-14T08:00:00-04:00", "09:00-18:00", "2027-03-14T09:00:00-04:00"),
        ("America/New_York", "2027-03-14T01:00:00-05:00", "02:30-04:00 sun", "2027-03-14T03:30:00-04:00"),
        ("America/New_York", "2027-03-14T03:00:00-04:00", "02:30-04:00 sun", "2027-03-14T03:30:00-04:00"),
        ("America/New_York", "2027-03-14T03:45:00-04:00", "02:30-04:00 sun", "2027-03-14T03:45:00-04:00"),
        // A span wholly inside the gap does not open that day.
        ("America/New_York", "2027-03-14T01:30:00-05:00", "02:00-03:00", "2027-03-15T02:00:00-04:00"),
        // Friday evening before the change to Monday morning after it.
        ("America/New_York", "2027-03-12T18:00:00-05:00", "09:00-18:00 mon-fri", "2027-03-15T09:00:00-04:00"),
        // New York falls back on 2027-11-07 (01:00–02:00 twice): a span ending at 01:30 ends the first time.
        ("America/New_York", "2027-11-07T01:15:00-04:00", "01:00-01:30", "2027-11-07T01:15:00-04:00"),
        ("America/New_York", "2027-11-07T01:15:00-05:00", "01:00-01:30", "2027-11-08T01:00:00-05:00"),
        ("America/New_York", "2027-11-07T01:45:00-05:00", "22:00-02:00 sat", "2027-11-07T01:45:00-05:00"),
        ("America/New_York", "2027-11-07T02:00:00-05:00", "22:00-02:00 sat", "2027-11-13T22:00:00-05:00"),
        // Santiago springs forward at midnight: 2027-09-05 00:00–01:00 never shows.
        ("America/Santiago", "2027-09-04T22:00:00-04:00", "00:00-08:00", "2027-09-05T01:00:00-03:00"),
        ("America/Santiago", "2027-09-05T01:15:00-03:00", "23:00-00:30 sat", "2027-09-05T01:15:00-03:00"),
        // Lord Howe's half-hour gap on 2027-10-03: 02:00–02:30 never shows.
        ("Australia/Lord_Howe", "2027-10-03T01:00:00+10:30", "02:15-03:00 sun", "2027-10-03T02:45:00+11:00"),
        ("Australia/Lord_Howe", "2027-10-03T01:00:00+10:30", "02:00-02:30 sun", "2027-10-10T02:00:00+11:00"),
        // London's autumn Saturday-night window across the change.
        ("Europe/London", "2027-10-30T21:00:00+01:00", "22:00-07:00 sat", "2027-10-30T22:00:00+01:00"),
        ("Europe/London", "2027-10-31T06:59:00Z", "22:00-07:00 sat", "2027-10-31T06:59:00Z"),
        ("Europe/London", "2027-10-31T07:00:00Z", "22:00-07:00 sat", "2027-11-06T22:00:00Z"),
        // Chatham's gap (02:45–03:45): a span opening at 03:00 opens at 04:00; 03:00-03:45 is lost that day.
        ("Pacific/Chatham", "2027-09-26T02:00:00+12:45", "03:00-05:00 sun", "2027-09-26T04:00:00+13:45"),
        ("Pacific/Chatham", "2027-09-26T02:00:00+12:45", "03:00-03:45 sun", "2027-10-03T03:00:00+13:45"),
    ])
    func daylightSavingDays(zone: String, instant: String, window: String, expected: String) throws {
        #expect(try Self.deferred(instant, window, in: zone) == expected)
    }

    @Test func aWindowWithoutDaysNeverOpensAndLeavesTheInstant() throws {
        let zone = try #require(systemZones.rules(named: "Asia/Shanghai"))
        let window = Window(
            spans: [.init(start: TimeOfDay(hour: 9, minute: 0), end: TimeOfDay(hour: 18, minute: 0), weekdays: [])],
            text: "")
        #expect(window.nextOpening(atOrAfter: 1_000_000, in: zone) == 1_000_000)
    }

    /// Inside the window by the wall clock: the local minute lies in a span started today or, crossing
    /// midnight, yesterday. For zones without DST this is exactly the window.
    static func isInside(_ instant: Int64, _ window: Window, _ zone: ZoneRules) -> Bool {
        let date = zone.localDate(at: instant)
        let minute = zone.localMinuteOfDay(at: instant)
        let yesterday = date.adding(days: -1).weekday
        return window.spans.contains { span in
            if span.crossesMidnight {
                return (span.weekdays.contains(date.weekday) && minute >= span.start.minutes)
                    || (span.weekdays.contains(yesterday) && minute < span.end.minutes)
            }
            return span.weekdays.contains(date.weekday) && minute >= span.start.minutes && minute < span.end.minutes
        }
    }

    /// A brute-force oracle in zones without DST: the result is the instant itself when it is inside, else
    /// the first whole minute after it that is inside.
    @Test(arguments: [
        "09:00-18:00 mon-fri", "22:00-06:00 fri", "09:00-12:00,14:00-18:00 mon-fri", "00:00-24:00 sun",
        "23:30-00:15 tue,thu", "18:00-09:00", "12:00-12:01 wed",
    ])
    func agreesWithMinuteByMinuteSearch(windowText: String) throws {
        let window = try Self.window(windowText)
        var random = ZoneRulesTests.SplitMix(state: 42)
        for zoneName in ["Asia/Shanghai", "Asia/Kathmandu", "UTC"] {
            let zone = try #require(systemZones.rules(named: zoneName))
            for _ in 0..<60 {
                let instant = Int64.random(in: 1_800_000_000...1_900_000_000, using: &random)
                let result = window.nextOpening(atOrAfter: instant, in: zone)
                var expected = instant
                if !Self.isInside(instant, window, zone) {
                    expected = (instant / 60 + 1) * 60
                    while !Self.isInside(expected, window, zone) { expected += 60 }
                }
                #expect(result == expected, "\(windowText) in \(zoneName) from \(instant)")
            }
        }
    }

    /// In zones with DST: never earlier, within 8 days, and already inside (deferring again keeps it).
    @Test(arguments: ["America/New_York", "Australia/Lord_Howe", "America/Santiago", "Pacific/Chatham"])
    func deferredInstantsAreInsideAndDeferringAgainKeepsThem(zoneName: String) throws {
        let zone = try #require(systemZones.rules(named: zoneName))
        let windows = try ["09:00-18:00 mon-fri", "22:00-02:00 sat", "02:00-03:00", "00:00-01:00", "01:30-02:45 sun"]
            .map(Self.window)
        var random = ZoneRulesTests.SplitMix(state: 7)
        for window in windows {
            for _ in 0..<400 {
                let instant = Int64.random(in: 1_800_000_000...1_900_000_000, using: &random)
                let result = window.nextOpening(atOrAfter: instant, in: zone)
                #expect(result >= instant && result - instant <= 8 * 86_400, "\(window) from \(instant)")
                #expect(window.nextOpening(atOrAfter: result, in: zone) == result, "\(window) from \(instant)")
            }
        }
    }
}

import Testing
import TicklerCore

/// Late occurrences: sent within `catch_up`, else missed with a reason that says by how much.
@Suite struct CatchUpTests {
    /// 2026-11-20T09:00:00+08:00
    static let due: Int64 = 1_795_136_400
    static let shanghai = 28_800

    @Test func theFixedInstantIsWhatItsNameSays() {
        #expect(Timestamp.parse("2026-11-20T09:00:00+08:00") == Self.due)
    }

    @Test(
        arguments: [
            // seconds late, catch_up, decision (nil: send)
            (0, TimeSpan(24, .hours), nil),
            (-3_600, TimeSpan(24, .hours), nil),  // not due yet
            (86_400, TimeSpan(24, .hours), nil),  // exactly catch_up: still in time
            (86_401, TimeSpan(24, .hours), "due 2026-11-20T09:00:00+08:00, 24 hours ago, beyond catch_up 24h"),
            (3 * 86_400, TimeSpan(24, .hours), "due 2026-11-20T09:00:00+08:00, 3 days ago, beyond catch_up 24h"),
            (3 * 86_400 + 86_399, TimeSpan(1, .days), "due 2026-11-20T09:00:00+08:00, 3 days ago, beyond catch_up 1d"),
            (2 * 3_600 + 59, TimeSpan(2, .hours), "due 2026-11-20T09:00:00+08:00, 2 hours ago, beyond catch_up 2h"),
            (45 * 60, TimeSpan(30, .minutes), "due 2026-11-20T09:00:00+08:00, 45 minutes ago, beyond catch_up 30m"),
            (3 * 7 * 86_400, TimeSpan(2, .weeks), "due 2026-11-20T09:00:00+08:00, 21 days ago, beyond catch_up 2w"),
            // `catch_up: 0m` never sends late, but a timer a few seconds late is on time
            (59, TimeSpan(0, .minutes), nil),
            (60, TimeSpan(0, .minutes), nil),
            (61, TimeSpan(0, .minutes), "due 2026-11-20T09:00:00+08:00, 61 seconds ago, beyond catch_up 0m"),
            (121, TimeSpan(0, .seconds), "due 2026-11-20T09:00:00+08:00, 2 minutes ago, beyond catch_up 0s"),
        ] as [(Int64, TimeSpan, String?)])
    func lateOccurrencesGoOutWithinCatchUpElseAreMissed(late: Int64, catchUp: TimeSpan, reason: String?) {
        let decision = CatchUp.decide(due: Self.due, offset: Self.shanghai, now: Self.due + late, catchUp: catchUp)
        #expect(decision == (reason.map { .missed(reason: $0) } ?? .send))
    }

    @Test(
        arguments: [
            // catch_up in seconds as written in the reason
            (86_400, "24h"), (2 * 86_400, "2d"), (7 * 86_400, "7d"), (90 * 60, "90m"), (3_600, "1h"),
            (45, "45s"), (0, "0s"), (86_400 + 1, "86401s"),
        ] as [(Int64, String)])
    func aCatchUpInSecondsIsShownInItsLargestWholeUnit(seconds: Int64, written: String) {
        let decision = CatchUp.decide(
            due: Self.due, offset: Self.shanghai, now: Self.due + 30 * 86_400, catchUp: seconds)
        #expect(
            decision == .missed(reason: "due 2026-11-20T09:00:00+08:00, 30 days ago, beyond catch_up \(written)"))
        #expect(CatchUp.decide(due: Self.due, offset: 0, now: Self.due + 10, catchUp: seconds) == .send)
    }

    @Test(
        arguments: [
            (0, "due 2026-11-20T01:00:00Z, 2 days ago, beyond catch_up 24h"),
            (-18_000, "due 2026-11-19T20:00:00-05:00, 2 days ago, beyond catch_up 24h"),
            (19_800, "due 2026-11-20T06:30:00+05:30, 2 days ago, beyond catch_up 24h"),
        ] as [(Int, String)])
    func theDueInstantIsShownAtTheRecipientsOffset(offset: Int, reason: String) {
        let decision = CatchUp.decide(
            due: Self.due, offset: offset, now: Self.due + 2 * 86_400 + 5, catchUp: TimeSpan(24, .hours))
        #expect(decision == .missed(reason: reason))
    }

    @Test func anOccurrenceIsDecidedByItsDueInstantAndOffset() {
        let occurrence = Occurrence(
            key: "birthday-greeting/acme-zhang/2026-11-20", rule: "birthday-greeting", contact: "acme-zhang",
            to: .contact, recipient: "acme-zhang", channel: "email", due: Self.due, offset: Self.shanghai,
            day: CivilDate(year: 2026, month: 11, day: 20),
            detail: .date(anniversary: CivilDate(year: 2026, month: 11, day: 20), leadDays: 0, years: nil))
        #expect(CatchUp.decide(occurrence, now: Self.due + 3_600, catchUp: TimeSpan(24, .hours)) == .send)
        #expect(
            CatchUp.decide(occurrence, now: Self.due + 3_600, catchUp: TimeSpan(30, .minutes))
                == .missed(reason: "due 2026-11-20T09:00:00+08:00, 60 minutes ago, beyond catch_up 30m"))
    }

    @Test func theRulesCatchUpOverridesTheConfigurations() {
        let location = SourceLocation(path: "etc/tickler.yaml", line: 1, column: 1)
        let trigger = Trigger.date(DateTrigger(field: .birthday))
        let own = Rule(
            name: "birthday-greeting", trigger: trigger, recipient: .contact, channel: "email",
            template: "birthday-greeting", catchUp: TimeSpan(3, .days), location: location)
        var inherits = own
        inherits.catchUp = nil
        let config = Config(
            path: "etc/tickler.yaml", timezone: "Asia/Shanghai", statePath: "var/tickler.sqlite",
            templatesDirectory: "templates", catchUp: TimeSpan(6, .hours), rules: [own, inherits])
        #expect(CatchUp.limit(for: own, in: config) == TimeSpan(3, .days))
        #expect(CatchUp.limit(for: inherits, in: config) == TimeSpan(6, .hours))
        let defaults = Config(
            path: "etc/tickler.yaml", timezone: "Asia/Shanghai", statePath: "var/tickler.sqlite",
            templatesDirectory: "templates")
        #expect(CatchUp.limit(for: inherits, in: defaults) == TimeSpan(24, .hours))
    }
}

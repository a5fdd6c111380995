import Testing
import TicklerTestSupport

@testable import TicklerCore

/// A contact whose latest `unsubscribed`/`resubscribed` event is `unsubscribed` gets nothing from
/// rules `to: contact`; the reminders about them to owners and managers go on.
@Suite struct UnsubscribeScheduleTests {
    typealias F = ScheduleFixture

    static let rules = """
          - { name: greeting, date: birthday, to: contact, channel: out, template: t }
          - { name: heads-up, date: birthday, before: [3d], to: owner, channel: out, template: t }
          - { name: escalate, date: birthday, to: manager, channel: out, template: t }
          - { name: thanks, after: purchase, delay: 1d, to: contact, channel: out, template: t }
        """
    static let contacts = """
        - { id: zhang, birthday: 1980-03-14, owner: li.na }
        - { id: bo, birthday: --03-14, owner: li.na }
        """

    /// The keys due in March 2027, with these events.
    private func keys(_ events: [Event]) throws -> [String] {
        try F(rules: Self.rules, contacts: Self.contacts).due(
            from: "2027-03-01T00:00:00+08:00", days: 31, events: events
        )
        .map { String($0.split(separator: " ")[0]) }
    }

    static let everything = [
        "heads-up/bo/2027-03-11", "heads-up/zhang/2027-03-11", "escalate/bo/2027-03-14", "escalate/zhang/2027-03-14",
        "greeting/bo/2027-03-14", "greeting/zhang/2027-03-14", "thanks/zhang/p1",
    ]
    /// What goes on for zhang when zhang has unsubscribed: the owner's and the manager's.
    static let heldForZhang = everything.filter { $0 != "greeting/zhang/2027-03-14" && $0 != "thanks/zhang/p1" }

    static let purchase = F.event("p1", "zhang", "purchase", "2027-03-02T10:00:00+08:00")

    private func sorted(_ keys: [String]) -> [String] { keys.sorted() }

    @Test func withoutSuchEventsEveryoneGetsEverything() throws {
        #expect(sorted(try keys([Self.purchase])) == sorted(Self.everything))
    }

    @Test func anUnsubscribedContactGetsNothingToThemselvesButTheOwnerAndManagerRemindersGoOn() throws {
        let events = [Self.purchase, F.event("u1", "zhang", "unsubscribed", "2026-12-01T10:00:00+08:00")]
        #expect(sorted(try keys(events)) == sorted(Self.heldForZhang))
        // Also when the unsubscribe comes after the purchase that triggers `thanks`.
        let later = [Self.purchase, F.event("u1", "zhang", "unsubscribed", "2027-03-02T12:00:00+08:00")]
        #expect(sorted(try keys(later)) == sorted(Self.heldForZhang))
    }

    @Test func theLatestOfUnsubscribeAndResubscribeByTimeDecidesWhateverTheOrderGiven() throws {
        let unsubscribe = F.event("u1", "zhang", "unsubscribed", "2026-12-01T10:00:00+08:00")
        let resubscribe = F.event("r1", "zhang", "resubscribed", "2027-01-05T10:00:00+08:00")
        let again = F.event("u2", "zhang", "unsubscribed", "2027-02-01T10:00:00+08:00")
        #expect(sorted(try keys([Self.purchase, unsubscribe, resubscribe])) == sorted(Self.everything))
        #expect(sorted(try keys([resubscribe, Self.purchase, unsubscribe])) == sorted(Self.everything))
        #expect(sorted(try keys([again, resubscribe, unsubscribe, Self.purchase])) == sorted(Self.heldForZhang))
        // A resubscribe alone (never unsubscribed) changes nothing.
        #expect(sorted(try keys([Self.purchase, resubscribe])) == sorted(Self.everything))
        // Other types in between do not count, however late.
        let call = F.event("c1", "zhang", "call", "2027-02-20T10:00:00+08:00")
        #expect(sorted(try keys([Self.purchase, unsubscribe, call])) == sorted(Self.heldForZhang))
    }

    @Test func atTheSameInstantTheOneStoredLaterWins() throws {
        let at = "2027-01-05T10:00:00+08:00"
        let unsubscribe = F.event("9", "zhang", "unsubscribed", at)
        let resubscribe = F.event("10", "zhang", "resubscribed", at)
        // In store order: unsubscribed (9) then resubscribed (10) — the ids do not decide ("10" < "9").
        #expect(sorted(try keys([Self.purchase, unsubscribe, resubscribe])) == sorted(Self.everything))
        #expect(sorted(try keys([Self.purchase, resubscribe, unsubscribe])) == sorted(Self.heldForZhang))
        #expect(EventIndex([resubscribe, Self.purchase, unsubscribe]).unsubscription(of: "zhang") == unsubscribe)
        // Within an instant the index keeps the order given, whatever the ids.
        let index = EventIndex([unsubscribe, Self.purchase, resubscribe])
        #expect(index.unsubscription(of: "zhang") == nil)
        #expect(index.events(of: "zhang").map(\.id) == ["9", "10", "p1"])
    }

    @Test func theIndexNamesTheUnsubscribingEventAndOnlyThoseContacts() throws {
        let unsubscribe = F.event("u1", "zhang", "unsubscribed", "2026-12-01T10:00:00+08:00")
        let index = EventIndex([
            Self.purchase, unsubscribe, F.event("u2", "bo", "resubscribed", "2026-12-01T10:00:00Z"),
        ])
        #expect(index.unsubscription(of: "zhang") == unsubscribe)
        #expect(index.unsubscription(of: "bo") == nil)
        #expect(index.unsubscriptions == ["zhang": unsubscribe])
        #expect(EventIndex([Self.purchase]).unsubscriptions.isEmpty)
    }

    /// `scheduled` counts what it held back, per contact; filtering by contact keeps the count.
    @Test func heldBackOccurrencesAreCountedPerContact() throws {
        let fixture = try F(rules: Self.rules, contacts: Self.contacts)
        let start = try #require(Timestamp.parse("2027-03-01T00:00:00+08:00"))
        let unsubscribe = F.event("u1", "zhang", "unsubscribed", "2026-12-01T10:00:00+08:00")
        let history = Schedule.History(events: EventIndex([Self.purchase, unsubscribe]))
        var scheduled = fixture.schedule.scheduled(in: start..<(start + 31 * 86_400), history: history, now: start)
        // zhang is contact 0: the greeting and the thank-you.
        #expect(scheduled.heldBack == [0: 2])
        #expect(!scheduled.keys.contains { $0.hasPrefix("greeting/zhang/") || $0.hasPrefix("thanks/zhang/") })
        scheduled.keepOnly(contacts: [1])
        #expect(scheduled.heldBack == [:])
        let nothing = fixture.schedule.scheduled(
            in: start..<(start + 31 * 86_400), history: Schedule.History(events: EventIndex([Self.purchase])),
            now: start)
        #expect(nothing.heldBack == [:])
    }

    /// The daemon plans one contact again after an event, and `render` looks at one: the same rule.
    @Test func oneRuleForGivenContactsHoldsBackToo() throws {
        let fixture = try F(rules: Self.rules, contacts: Self.contacts)
        let start = try #require(Timestamp.parse("2027-03-01T00:00:00+08:00"))
        let unsubscribe = F.event("u1", "zhang", "unsubscribed", "2026-12-01T10:00:00+08:00")
        let history = Schedule.History(events: EventIndex([Self.purchase, unsubscribe]))
        let range = start..<(start + 31 * 86_400)
        for rule in fixture.schedule.config.rules {
            let keys = fixture.schedule.occurrences(
                of: rule, in: range, history: history, now: start, contactIndices: [0, 1]
            ).map(\.key)
            let forZhang = keys.filter { $0.contains("/zhang/") }
            #expect(forZhang.isEmpty == (rule.recipient == .contact), "\(rule.name): \(keys)")
            #expect(keys.contains { $0.contains("/bo/") } || rule.name == "thanks")
        }
    }

    /// More unsubscribed contacts than the byte table holds (4,096) go through the dictionary.
    @Test func thousandsOfUnsubscribedContactsAreAllHeldBack() throws {
        let count = 5_000
        var contacts = ""
        for number in 0..<count { contacts += "- { id: c\(number), birthday: --03-14, owner: li.na }\n" }
        let fixture = try F(
            rules: "  - { name: greeting, date: birthday, to: contact, channel: out, template: t }",
            contacts: contacts)
        let unsubscribed = (0..<count).filter { $0 % 5 != 0 }
        let events = unsubscribed.map { F.event("u\($0)", "c\($0)", "unsubscribed", "2026-12-01T10:00:00+08:00") }
        let start = try #require(Timestamp.parse("2027-03-01T00:00:00+08:00"))
        let scheduled = fixture.schedule.scheduled(
            in: start..<(start + 31 * 86_400), history: Schedule.History(events: EventIndex(events)), now: start)
        #expect(scheduled.count == count / 5)
        #expect(scheduled.occurrences.allSatisfy { Int($0.contact.dropFirst())! % 5 == 0 })
        #expect(scheduled.heldBack.count == unsubscribed.count)
        #expect(scheduled.heldBack.values.allSatisfy { $0 == 1 })
    }
}

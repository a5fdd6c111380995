import Testing

@testable import TicklerCore

/// A `date` rule skips contacts whose month and day cannot fall in a short range (`DatePlan`): it
/// must never skip one that does.
@Suite struct DatePlanTests {
    @Test(arguments: [DateTrigger.Feb29Policy.feb28, .mar1, .skip])
    func noContactWhoseDateFallsInARangeIsSkipped(feb29: DateTrigger.Feb29Policy) throws {
        // A contact for every day of a leap year, in zones at both ends of the world and in between.
        let zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "America/Santiago"]
        var contacts = ""
        var day = CivilDate(year: 2000, month: 1, day: 1)
        for number in 0..<366 {
            contacts += "- { id: c\(number), birthday: \(day), timezone: \(zones[number % zones.count]) }\n"
            day = day.adding(days: 1)
        }
        let fixture = try ScheduleFixture(
            rules: """
                  - { name: r, date: birthday, before: [0d, 3d, 2w], feb29: \(feb29.rawValue), at: "23:30",
                      window: "09:00-18:00 sat", to: contact, channel: out, template: t }
                """,
            contacts: contacts)
        let rule = fixture.schedule.config.rules[0]
        guard case .date(let trigger) = rule.trigger else { throw CancellationError() }
        // Every occurrence over two years, from a range long enough to skip nobody.
        let start = try #require(Timestamp.parse("2027-01-01T00:00:00Z"))
        let all = fixture.schedule.occurrences(in: start..<(start + 800 * 86_400), history: .init(), now: start)
        #expect(all.count > 2000)
        for offset in stride(from: 0, to: 730, by: 13) {
            for days in [1, 2, 7, 30] {
                let from = start + Int64(offset) * 86_400 + 5 * 3600
                let range = from..<(from + Int64(days) * 86_400)
                let plan = DatePlan(trigger, range: range, slack: Schedule.slack) { _ in nil }
                for occurrence in all where range.contains(occurrence.due) {
                    let index = try #require(fixture.schedule.contacts.firstIndex { $0.id == occurrence.contact })
                    #expect(fixture.schedule.mayFall(index, trigger, plan), "\(occurrence.key) in \(range)")
                }
                let found = fixture.schedule.occurrences(in: range, history: .init(), now: from).map(\.key)
                #expect(found == all.filter { range.contains($0.due) }.map(\.key))
            }
        }
    }
}

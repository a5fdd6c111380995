import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore

/// `Schedule` resolves each contact's zone and owner once, slice by slice on every core: across
/// slice boundaries and with zones first seen in different slices, every contact keeps its own.
@Suite struct ScheduleZonesTests {
    @Test func everyContactGetsItsOwnZoneAndOwner() throws {
        let fixture = try ScheduleFixture(rules: "  []", contacts: "[]")
        let zones = [nil, "Asia/Kathmandu", "America/New_York", "Pacific/Chatham", "Europe/London", "Asia/Shanghai"]
        let owners = [nil, "li.na", "ny", "boss"]
        let location = SourceLocation(path: "c.csv", line: 1, column: 1)
        // The first slice (16,384 contacts) names three zones; later ones name them all, first seen in
        // the opposite order.
        let contacts = (0..<50_000).map { index in
            Contact(
                id: "c\(index)", timezone: zones[index < 16_384 ? index % 3 : zones.count - 1 - index % zones.count],
                owner: owners[(index / 3) % owners.count], location: location)
        }
        let schedule = Schedule(config: fixture.workspace.config, contacts: contacts, zones: systemZones)
        let ownerIDs = schedule.ownerList.map(\.id)
        for (index, contact) in contacts.enumerated() {
            #expect(schedule.contactZone(index).identifier == contact.timezone ?? "Asia/Shanghai", "contact \(index)")
            let owner = Int(schedule.contactOwners[index])
            #expect((owner < 0 ? nil : ownerIDs[owner]) == contact.owner, "contact \(index)")
        }
        // One table per zone, shared by its contacts.
        #expect(schedule.zones.count == 6)
    }

    /// A listing longer than the slices its ids are copied in (32,768 entries), made on every core:
    /// each key names its own contact, and the order is the listing's.
    @Test func longListingsKeepEachEntrysContact() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: greeting, date: birthday, to: contact, channel: out, template: t }", contacts: "[]")
        let location = SourceLocation(path: "c.csv", line: 1, column: 1)
        let contacts = (0..<70_000).map { index in
            Contact(
                id: String(repeating: "x", count: index % 13) + "c\(index)",
                birthday: PartialDate(year: 1980, month: 1 + index % 12, day: 1 + index % 28), location: location)
        }
        let schedule = Schedule(config: fixture.workspace.config, contacts: contacts, zones: systemZones)
        let now = try #require(Timestamp.parse("2027-03-01T00:00:00Z"))
        let scheduled = schedule.scheduled(in: now..<(now + 366 * 86_400), history: .init(), now: now)
        let occurrences = scheduled.occurrences
        #expect(occurrences.count == 70_000)
        for (index, occurrence) in occurrences.enumerated() {
            #expect(occurrence.key == "greeting/\(occurrence.contact)/\(occurrence.day)", "entry \(index)")
            #expect(scheduled.key(at: index) == occurrence.key)
        }
        #expect(occurrences.map(\.key) == occurrences.sorted(by: Occurrence.precedes).map(\.key))
    }
}

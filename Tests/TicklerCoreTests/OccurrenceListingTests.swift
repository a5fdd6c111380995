import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerReports

@Suite struct OccurrenceListingTests {
    typealias F = ScheduleFixture

    /// Two contacts in Shanghai with Chinese names, one with an owner in New York.
    private func fixture(contacts: String? = nil) throws -> ScheduleFixture {
        try F(
            rules: """
                  - { name: greeting, date: birthday, to: contact, channel: out, template: t }
                  - { name: heads-up, date: birthday, before: [3d], to: owner, channel: out, template: t }
                  - { name: escalate, date: birthday, before: [1d], to: manager, channel: out, template: t }
                """,
            contacts: contacts ?? """
                - { id: acme-zhang, name: 张伟, birthday: 1980-03-14, owner: ny }
                - { id: kim, name: Kim Lee, birthday: --03-14, timezone: Asia/Kathmandu, owner: li.na }
                """)
    }

    private func listing(_ fixture: ScheduleFixture, from: String, days: Int) throws -> OccurrenceListing {
        let now = try #require(Timestamp.parse(from))
        let occurrences = fixture.schedule.occurrences(
            in: now..<(now + Int64(days) * 86_400), history: .init(), now: now)
        return OccurrenceListing(occurrences, workspace: fixture.workspace, now: now)
    }

    // MARK: - JSON

    @Test func jsonIsAnArrayOfObjectsWithExactlyTheSPECsFields() throws {
        let listing = try listing(fixture(), from: "2027-03-10T00:00:00+08:00", days: 7)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(listing.json.utf8)) as? [[String: String]])
        #expect(
            parsed == [
                [
                    "key": "heads-up/kim/2027-03-11", "rule": "heads-up", "contact": "kim", "to": "owner",
                    "recipient": "li.na", "channel": "out", "due": "2027-03-11T09:00:00+08:00",
                ],
                [
                    "key": "heads-up/acme-zhang/2027-03-11", "rule": "heads-up", "contact": "acme-zhang",
                    "to": "owner", "recipient": "ny", "channel": "out", "due": "2027-03-11T09:00:00-05:00",
                ],
                [
                    "key": "escalate/acme-zhang/2027-03-13", "rule": "escalate", "contact": "acme-zhang",
                    "to": "manager", "recipient": "boss", "channel": "out", "due": "2027-03-13T09:00:00Z",
                ],
                [
                    "key": "escalate/kim/2027-03-13", "rule": "escalate", "contact": "kim", "to": "manager",
                    "recipient": "boss", "channel": "out", "due": "2027-03-13T09:00:00Z",
                ],
                [
                    "key": "greeting/acme-zhang/2027-03-14", "rule": "greeting", "contact": "acme-zhang",
                    "to": "contact", "recipient": "acme-zhang", "channel": "out", "due": "2027-03-14T09:00:00+08:00",
                ],
                [
                    "key": "greeting/kim/2027-03-14", "rule": "greeting", "contact": "kim", "to": "contact",
                    "recipient": "kim", "channel": "out", "due": "2027-03-14T09:00:00+05:45",
                ],
            ])
    }

    @Test func jsonOfNothingIsAnEmptyArray() throws {
        let listing = try listing(fixture(), from: "2027-04-01T00:00:00+08:00", days: 7)
        #expect(listing.json == "[]\n")
    }

    @Test func everyCharacterThatNeedsItIsEscapedInJSON() throws {
        let fixture = try fixture()
        let nasty = "a\"b\\c\nd\re\tf\u{0}g\u{1F}h\u{7F}i\u{2028}j\u{2029}k/l张😀"
        let occurrence = Occurrence(
            key: "r/\(nasty)/1", rule: nasty, contact: nasty, to: .owner, recipient: nasty, channel: nasty, due: 0,
            offset: 20_700, day: CivilDate(year: 1970, month: 1, day: 1), detail: .every(cycle: 1, start: 0))
        let json = OccurrenceListing([occurrence], workspace: fixture.workspace, now: 0).json
        // Nothing below U+0020 and no line or paragraph separator appears raw.
        #expect(
            !json.unicodeScalars.contains {
                ($0.value < 0x20 && $0 != "\n") || $0.value == 0x2028 || $0.value == 0x2029
            })
        #expect(json.split(separator: "\n").count == 3)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: String]])
        #expect(
            parsed == [
                [
                    "key": "r/\(nasty)/1", "rule": nasty, "contact": nasty, "to": "owner", "recipient": nasty,
                    "channel": nasty, "due": "1970-01-01T05:45:00+05:45",
                ]
            ])
    }

    @Test(
        arguments: [
            ("\u{0}", "\"\\u0000\""), ("\u{1F}", "\"\\u001f\""), ("\"", "\"\\\"\""), ("\\", "\"\\\\\""),
            ("\n", "\"\\n\""), ("\u{2028}", "\"\\u2028\""), ("张", "\"张\""),
        ] as [(String, String)])
    func jsonStringLiterals(raw: String, literal: String) {
        #expect(JSONText.quoted(raw) == literal)
    }

    // MARK: - Table

    private func table(_ fixture: ScheduleFixture, from: String, days: Int) throws -> String {
        let now = try #require(Timestamp.parse(from))
        let scheduled = fixture.schedule.scheduled(in: now..<(now + Int64(days) * 86_400), history: .init(), now: now)
        return OccurrenceTable(scheduled, config: fixture.workspace.config, now: now).text
    }

    @Test func theTableAlignsColumnsByDisplayWidth() throws {
        #expect(
            try table(fixture(), from: "2027-03-10T00:00:00+08:00", days: 7) == """
                DUE                      WHEN       RULE      CONTACT            TO            CHANNEL
                2027-03-11 09:00 +08:00  in 1 day   heads-up  Kim Lee (kim)      owner 李娜    out
                2027-03-11 09:00 -05:00  in 1 day   heads-up  张伟 (acme-zhang)  owner Nora    out
                2027-03-13 09:00 UTC     in 3 days  escalate  张伟 (acme-zhang)  manager 王强  out
                2027-03-13 09:00 UTC     in 3 days  escalate  Kim Lee (kim)      manager 王强  out
                2027-03-14 09:00 +08:00  in 4 days  greeting  张伟 (acme-zhang)  contact       out
                2027-03-14 09:00 +05:45  in 4 days  greeting  Kim Lee (kim)      contact       out

                """)
    }

    @Test func aDigestShowsHowManyItemsItCarriesAndEachItemWhichDigestCarriesIt() throws {
        let fixture = try F(
            rules: """
                  - { name: heads-up, date: birthday, before: [3d], to: owner, channel: out, template: t, digest: true }
                """,
            contacts: """
                - { id: acme-zhang, name: 张伟, birthday: 1980-03-14, owner: ny }
                - { id: kim, name: Kim Lee, birthday: --03-14, timezone: Asia/Kathmandu, owner: li.na }
                """,
            owners: """
                owners:
                  li.na: { name: 李娜, digest: { at: "08:30", channel: out, template: d } }
                  ny: { name: Nora, timezone: America/New_York }
                """)
        #expect(
            try table(fixture, from: "2027-03-11T00:00:00+08:00", days: 1) == """
                DUE                      WHEN         RULE      CONTACT            TO                                      CHANNEL
                2027-03-11 08:30 +08:00  in 8 hours   digest    1 item             owner 李娜                              out
                2027-03-11 09:00 +08:00  in 9 hours   heads-up  Kim Lee (kim)      owner 李娜, in digest/li.na/2027-03-11  out
                2027-03-11 09:00 -05:00  in 22 hours  heads-up  张伟 (acme-zhang)  owner Nora                              out

                """)
    }

    @Test func theTableIsTheSameInPiecesOfAnySize() throws {
        let fixture = try fixture()
        let now = try #require(Timestamp.parse("2027-03-10T00:00:00+08:00"))
        let scheduled = fixture.schedule.scheduled(in: now..<(now + 7 * 86_400), history: .init(), now: now)
        let table = OccurrenceTable(scheduled, config: fixture.workspace.config, now: now)
        for size in [1, 2, 5] {
            var bytes: [UInt8] = []
            table.write(entriesPerPiece: size) { bytes += $0 }
            #expect(String(decoding: bytes, as: UTF8.self) == table.text)
        }
    }

    @Test func theTableOfNothingSaysSo() throws {
        #expect(try table(fixture(), from: "2027-04-01T00:00:00+08:00", days: 7) == "nothing due\n")
    }

    @Test func namesThatCouldBreakALineOrReorderItAreShownEscaped() throws {
        let fixture = try fixture(
            contacts: """
                - { id: c, name: "Evil\\u202Egnp.exe\\u0090", birthday: --03-14 }
                """)
        #expect(
            try table(fixture, from: "2027-03-14T00:00:00+08:00", days: 1) == """
                DUE                      WHEN        RULE      CONTACT                        TO       CHANNEL
                2027-03-14 09:00 +08:00  in 9 hours  greeting  Evil\\u{202E}gnp.exe\\u{90} (c)  contact  out

                """)
    }

    @Test(
        arguments: [
            (0, "now"), (59, "now"), (60, "in 1 minute"), (119, "in 1 minute"), (120, "in 2 minutes"),
            (3_599, "in 59 minutes"), (3_600, "in 1 hour"), (7_199, "in 1 hour"), (7_200, "in 2 hours"),
            (86_399, "in 23 hours"), (86_400, "in 1 day"), (172_799, "in 1 day"), (172_800, "in 2 days"),
            (30 * 86_400, "in 30 days"),
        ] as [(Int64, String)])
    func relativeTimesCountWholeUnits(seconds: Int64, text: String) {
        #expect(OccurrenceTable.relative(seconds) == text)
    }

    // MARK: - iCalendar

    @Test func theFeedNamesTheContactAndTheRecipient() throws {
        let listing = try listing(fixture(), from: "2027-03-13T00:00:00+08:00", days: 1)
        let unfolded = listing.iCalendar.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
        #expect(
            unfolded.filter { $0.hasPrefix("UID:") || $0.hasPrefix("SUMMARY:") || $0.hasPrefix("DESCRIPTION:") } == [
                "UID:escalate/acme-zhang/2027-03-13", "SUMMARY:escalate: 张伟 (acme-zhang)",
                "DESCRIPTION:To manager 王强 via out\\nKey: escalate/acme-zhang/2027-03-13",
                "UID:escalate/kim/2027-03-13", "SUMMARY:escalate: Kim Lee (kim)",
                "DESCRIPTION:To manager 王强 via out\\nKey: escalate/kim/2027-03-13",
            ])
        #expect(unfolded.contains("DTSTAMP:20270312T160000Z"))
    }
}

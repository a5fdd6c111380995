import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerReports

@Suite struct ICalendarFeedTests {
    /// The octets of each physical line, split at CRLF (the last, empty piece after the final CRLF dropped).
    private func physicalLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 {
                lines.append([])
                i += 2
            } else {
                lines[lines.count - 1].append(bytes[i])
                i += 1
            }
        }
        #expect(lines.last == [], "the text ends with CRLF")
        return Array(lines.dropLast())
    }

    @Test func aLineOfExactly75OctetsIsNotFolded() {
        let line = "DESCRIPTION:" + String(repeating: "x", count: 63)
        #expect(line.utf8.count == 75)
        #expect(ICalendarFeed.fold(line) == line)
    }

    @Test func a76OctetLineFoldsAfter75() {
        let line = "DESCRIPTION:" + String(repeating: "x", count: 64)
        #expect(ICalendarFeed.fold(line) == "DESCRIPTION:" + String(repeating: "x", count: 63) + "\r\n x")
    }

    @Test func continuationLinesHold74OctetsAfterTheirSpace() {
        let line = "X:" + String(repeating: "y", count: 73 + 74 + 10)
        let folded = ICalendarFeed.fold(line)
        let pieces = folded.components(separatedBy: "\r\n")
        #expect(pieces.map(\.utf8.count) == [75, 75, 11])
        #expect(pieces.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(pieces.first! + pieces.dropFirst().map { String($0.dropFirst()) }.joined() == line)
    }

    @Test(arguments: [0, 1, 2])
    func foldingNeverSplitsAUTF8Sequence(shift: Int) throws {
        // Three-octet characters starting at every alignment relative to the 75-octet boundary.
        let line = "SUMMARY:" + String(repeating: "a", count: shift) + String(repeating: "张", count: 60)
        let folded = ICalendarFeed.fold(line)
        for piece in folded.components(separatedBy: "\r\n") {
            #expect(piece.utf8.count <= 75)
            // Each piece is valid UTF-8 on its own: decoding does not need a replacement character.
            #expect(String(validating: Array(piece.utf8), as: UTF8.self) != nil)
        }
        let unfolded = folded.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded == line)
    }

    @Test(
        arguments: [
            ("Smith, John", "Smith\\, John"),
            ("a;b", "a\\;b"),
            ("C:\\temp", "C:\\\\temp"),
            ("one\ntwo", "one\\ntwo"),
            ("one\r\ntwo", "one\\ntwo"),
            ("one\rtwo", "one\\ntwo"),
            ("tab\there", "tab here"),
            ("bell\u{07}", "bell "),
            ("张伟：\"引号\" 'x'", "张伟：\"引号\" 'x'"),
            (":colon", ":colon"),
        ] as [(String, String)])
    func textValuesAreEscaped(raw: String, escaped: String) {
        #expect(ICalendarFeed.escape(raw) == escaped)
    }

    @Test func theFeedIsCRLFEverywhereWithOneEventPerEntry() throws {
        let entries = [
            ICalendarFeed.Entry(
                uid: "birthday/acme-zhang/2027-03-14", start: Timestamp.parse("2027-03-14T09:00:00+08:00")!,
                summary: "birthday: 张伟, Smith; \\ (acme-zhang)", description: "To contact via out\nKey: k"),
            ICalendarFeed.Entry(
                uid: "thanks/c/crm-1/2", start: Timestamp.parse("2027-03-15T10:30:00-04:00")!,
                summary: "thanks: " + String(repeating: "长名字", count: 20), description: "d"),
        ]
        let text = ICalendarFeed.render(entries, stamp: Timestamp.parse("2027-03-10T00:00:00Z")!)
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 10 {
            #expect(index > 0 && bytes[index - 1] == 13, "LF without CR at octet \(index)")
        }
        for (index, byte) in bytes.enumerated() where byte == 13 {
            #expect(index + 1 < bytes.count && bytes[index + 1] == 10, "CR without LF at octet \(index)")
        }
        let lines = physicalLines(text)
        #expect(lines.allSatisfy { $0.count <= 75 })
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").dropLast()
        #expect(
            Array(unfolded) == [
                "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tickler//Tickler upcoming//EN", "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH", "X-WR-CALNAME:Tickler",
                "BEGIN:VEVENT", "UID:birthday/acme-zhang/2027-03-14", "DTSTAMP:20270310T000000Z",
                "DTSTART:20270314T010000Z", "DURATION:PT15M", "SUMMARY:birthday: 张伟\\, Smith\\; \\\\ (acme-zhang)",
                "DESCRIPTION:To contact via out\\nKey: k", "TRANSP:TRANSPARENT", "END:VEVENT",
                "BEGIN:VEVENT", "UID:thanks/c/crm-1/2", "DTSTAMP:20270310T000000Z", "DTSTART:20270315T143000Z",
                "DURATION:PT15M", "SUMMARY:thanks: " + String(repeating: "长名字", count: 20), "DESCRIPTION:d",
                "TRANSP:TRANSPARENT", "END:VEVENT",
                "END:VCALENDAR",
            ])
        // The long summary was folded: 8 + 180 octets of text need three physical lines.
        #expect(lines.count == unfolded.count + 2)
    }

    @Test func utcTimesHaveNoSeparators() throws {
        #expect(ICalendarFeed.utc(0) == "19700101T000000Z")
        #expect(ICalendarFeed.utc(try #require(Timestamp.parse("2026-11-25T09:00:00+08:00"))) == "20261125T010000Z")
    }
}

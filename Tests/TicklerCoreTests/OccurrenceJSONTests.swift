import Testing

@testable import TicklerCore
@testable import TicklerReports

@Suite struct OccurrenceJSONTests {
    @Test func timestampsAreWrittenAsTimestampFormatWritesThem() {
        var generator = SplitMix(seed: 11)
        let offsets = [0, 28_800, -18_000, 20_700, 45_900, -34_200, 50_400, -39_600, 3_600 + 1_800, 5_400 + 13]
        for _ in 0..<2000 {
            let instant = Int64(generator.next() % 10_000_000_000) - 4_000_000_000
            for offset in offsets {
                var bytes: [UInt8] = []
                OccurrenceJSON.appendTimestamp(instant, offset: offset, to: &bytes)
                #expect(
                    String(decoding: bytes, as: UTF8.self) == JSONText.quoted(Timestamp.format(instant, offset: offset))
                )
            }
        }
    }

    @Test(arguments: [
        "", "plain", "a\"b\\c", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "\u{2028}x\u{2029}", "张伟😀",
        "e\u{301}\u{2027}\u{202A}", String(repeating: "\u{2028}\"", count: 40), String(repeating: "\u{1}", count: 50),
    ])
    func valuesAreQuotedAsQuotedQuotesThem(text: String) {
        let occurrence = Occurrence(
            key: text, rule: text, contact: text, to: .owner, recipient: text, channel: text, due: 0, offset: 0,
            day: CivilDate(year: 1970, month: 1, day: 1), detail: .every(cycle: 1, start: 0))
        let value = JSONText.quoted(text)
        let expected =
            "[\n  {\"key\": \(value), \"rule\": \(value), \"contact\": \(value), \"to\": \"owner\", "
            + "\"recipient\": \(value), \"channel\": \(value), \"due\": \"1970-01-01T00:00:00Z\"}\n]\n"
        #expect(OccurrenceJSON.render([occurrence]) == expected)
    }
}

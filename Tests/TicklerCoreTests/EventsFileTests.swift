import Testing
import TicklerCore
import TicklerTestSupport

@testable import TicklerInput

/// An events file's plain rows are made into events straight from their bytes
/// (`EventsFile.plainRow`); every file must give exactly what reading each row cell by cell and
/// checking it (`check`) gives: the same events, lines and id locations, the same diagnostics.
@Suite struct EventsFileTests {
    let checks: EventChecks

    init() throws {
        let text = """
            timezone: Asia/Shanghai
            owners: { li.na: { name: 李娜 } }
            rules:
              - { name: thank-you, after: purchase, delay: 1d, to: owner, channel: log, template: t }
              - { name: check-in, every: 14d, since: [call, meeting], to: owner, channel: log, template: t }
            channels:
              log: { type: file, path: out }

            """
        let (parsed, diagnostics) = ConfigParser.parse(SourceText(path: "t.yaml", text: text), zones: systemZones)
        #expect(!diagnostics.hasErrors, "\(diagnostics.all)")
        let config = try #require(parsed)
        let contacts = ["acme-zhang", "globex-li", "c1", "Kc2"].map {
            Contact(id: $0, location: SourceLocation(path: "c.csv", line: 1, column: 1))
        }
        checks = EventChecks(config: config, contactIDs: ContactIDs(contacts))
    }

    func read(_ text: String, plain: Bool) -> (rows: [String], diagnostics: [String]) {
        let file = EventsFile(SourceText(path: "e.csv", text: text), checks: checks, usesPlainRows: plain)
        return (
            file.rows.map { "\($0.event) line \($0.line) id at \($0.idLocation)" },
            file.diagnostics.all.map(\.description)
        )
    }

    func expectBothWaysAgree(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let plain = read(text, plain: true)
        let cellByCell = read(text, plain: false)
        #expect(plain.rows == cellByCell.rows, sourceLocation: sourceLocation)
        #expect(plain.diagnostics == cellByCell.diagnostics, sourceLocation: sourceLocation)
    }

    @Test func goodRowsGiveTheSameEventsBothWays() {
        let text = """
            contact,type,at,note,id\r
            acme-zhang,purchase,2026-11-20T15:30:00+08:00,合同 #2026-118,crm-4711\r
            "globex-li","call","2026-11-21T02:00:00Z","",""\r
            globex-li,meeting,2026-11-21T11:00:00+08:00,"上午\r
            下午",crm-4712\r
             c1 , purchase ,2026-11-22T09:00:00.5+08:00 ,  spaced note  , crm-1 \r
            c1,call,2026-11-22t09:00:00z,,250\r
            Kc2,call,2026-11-22 09:00:00-05:30,"a, b",Kc2.1\r
            \u{212A}c2,call,2026-11-23T09:00:00Z,,\r
            c1,purchase,2026-11-22T09:00:00+08:00,  spaced note  ,crm-1\r
            ,,,,\r

            """
        expectBothWaysAgree(text)
        #expect(read(text, plain: true).rows.count == 7)
        #expect(read(text, plain: true).diagnostics.isEmpty)
    }

    @Test func theIdIsLocatedAtItsColumnCountingCharacters() throws {
        let text = "note,contact,type,at,id\n张伟的合同,c1,purchase,2026-11-20T15:30:00+08:00,crm-9\n"
        for plain in [true, false] {
            let file = EventsFile(SourceText(path: "e.csv", text: text), checks: checks, usesPlainRows: plain)
            let row = try #require(file.rows.first)
            #expect(
                row.event
                    == ImportedEvent(id: "crm-9", contact: "c1", type: "purchase", at: 1_795_159_800, note: "张伟的合同"))
            #expect(row.idLocation == SourceLocation(path: "e.csv", line: 2, column: 45))
        }
    }

    @Test func badRowsGiveTheSameDiagnosticsBothWays() {
        let text = """
            contact,type,at,note,id
            acme-zang,call,2026-11-21T10:00:00+08:00,,
            globex-li,call,2026-11-21 10:00,回访,
            globex-li,Call,2026-11-21T10:00:00+08:00,,
            globex-li,call-,2026-11-21T10:00:00+08:00,,
            globex-li,call,2026-02-30T10:00:00Z,,
            globex-li,call,,,
            ,call,2026-11-21T10:00:00Z,,
            globex-li,purchse,2026-11-21T10:00:00Z,,p-1
            globex-li,purchse,2026-11-22T10:00:00Z,,p-2
            globex-li,call,2026-11-21T10:00:00Z,,bad/id
            globex-li,call,2026-11-21T10:00:00Z,,-leading
            globex-li,call,2026-11-21T10:00:00Z,,dup
            globex-li,meeting,2026-11-21T10:00:00Z,,dup
            globex-li,call,2026-11-21T10:00:00Z,,dup
            globex-li,call
            globex-li,call,2026-11-21T10:00:00Z,,,
            globex-li,call,2026-11-21T10:00:00Z,"tab\there",
            globex-li,"call" ,2026-11-21T10:00:00Z,,
            globex-li,"unterminated,2026-11-21T10:00:00Z,,

            """
        expectBothWaysAgree(text)
        let diagnostics = read(text, plain: true).diagnostics
        #expect(diagnostics.filter { $0.contains(": warning: ") }.count == 1)  // one warning for 'purchse'
        #expect(
            diagnostics.contains(
                "e.csv:14:41: error: duplicate event id 'dup'\ne.csv:13:38: note: 'dup' is first used here for another event"
            ))
    }

    @Test func aHeaderOnlyOrBrokenHeaderGivesTheSameBothWays() {
        for text in ["", "contact,type,at\n", "contact,tpye,at\nc1,call,2026-11-21T10:00:00Z\n", "\"contact\n"] {
            expectBothWaysAgree(text)
        }
    }
}

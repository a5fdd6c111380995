import Foundation
import Testing
import TicklerTestSupport

/// `tickler event add|list|import` as a user runs them, against a configuration with its own store.
@Suite struct EventCommandTests {
    let directory: TemporaryDirectory
    let config: String

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write(
            "contacts.yaml",
            """
            - { id: acme-zhang, name: 张伟 }
            - { id: globex-li, name: 李娜 }

            """)
        config = try directory.write(
            "etc/tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: ../var/tickler.sqlite
            contacts: [../contacts.yaml]

            """)
    }

    private func tickler(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(arguments: arguments + ["--config", config], currentDirectory: directory.path)
    }

    // MARK: - add and list

    @Test func addedEventsAreListedInTheConfigurationsZone() throws {
        let first = try tickler(
            "event", "add", "acme-zhang", "purchase", "--at", "2026-11-20T07:30:00Z", "--note", "合同 #2026-118")
        #expect(first.stderr == "")
        #expect(first.status == 0)
        #expect(first.stdout == "recorded event 1: purchase for acme-zhang at 2026-11-20T15:30:00+08:00\n")
        let second = try tickler("event", "add", "globex-li", "call", "--at", "2026-11-19T09:00:00+08:00")
        #expect(second.stdout == "recorded event 2: call for globex-li at 2026-11-19T09:00:00+08:00\n")

        let list = try tickler("event", "list")
        #expect(list.status == 0)
        #expect(
            list.stdout == """
                ID  TIME                       CONTACT     TYPE      SOURCE  NOTE
                2   2026-11-19T09:00:00+08:00  globex-li   call      cli
                1   2026-11-20T15:30:00+08:00  acme-zhang  purchase  cli     合同 #2026-118

                """)
        let filtered = try tickler("event", "list", "acme-zhang", "--type", "purchase")
        #expect(
            filtered.stdout.hasSuffix("1   2026-11-20T15:30:00+08:00  acme-zhang  purchase  cli     合同 #2026-118\n"))
        #expect(try tickler("event", "list", "globex-li", "--type", "purchase").stdout == "no events\n")
    }

    @Test func theStoreIsCreatedPrivate() throws {
        _ = try tickler("event", "add", "acme-zhang", "call")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path("var/tickler.sqlite"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func timeDefaultsToNow() throws {
        let before = Date().timeIntervalSince1970
        let result = try tickler("event", "add", "acme-zhang", "call")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("recorded event 1: call for acme-zhang at "))
        #expect(result.stdout.hasSuffix("+08:00\n"))
        let stamp = String(result.stdout.split(separator: " ").last!.dropLast())
        let formatter = ISO8601DateFormatter()
        let recorded = try #require(formatter.date(from: stamp)).timeIntervalSince1970
        #expect(recorded >= before.rounded(.down) && recorded <= Date().timeIntervalSince1970)
    }

    @Test func notesWithLineBreaksStayOnOneLineOfTheList() throws {
        let note = "第一行\n第二行\t\u{202E}end"
        _ = try tickler("event", "add", "acme-zhang", "call", "--at", "2026-11-20T09:00:00+08:00", "--note", note)
        let list = try tickler("event", "list")
        #expect(
            list.stdout == """
                ID  TIME                       CONTACT     TYPE  SOURCE  NOTE
                1   2026-11-20T09:00:00+08:00  acme-zhang  call  cli     第一行\\n第二行\\t\\u{202E}end

                """)
    }

    @Test func anUnknownContactIsAnErrorWithASuggestionAndNothingIsWritten() throws {
        let result = try tickler("event", "add", "acme-zang", "purchase")
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                tickler: error: unknown contact 'acme-zang'
                tickler: note: did you mean 'acme-zhang'?

                """)
        #expect(try tickler("event", "list").stdout == "no events\n")
    }

    @Test func aBadTypeAndABadTimeAreBothReported() throws {
        let result = try tickler("event", "add", "acme-zhang", "Purchase", "--at", "2026-11-20 09:00")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                tickler: error: invalid event type 'Purchase'
                tickler: note: event types are lowercase words joined by hyphens, e.g. 'purchase' or 'callback-requested'
                tickler: error: invalid time '2026-11-20 09:00'
                tickler: note: write an RFC 3339 time with its UTC offset, e.g. '2026-11-22T09:00:00+08:00'

                """)
        #expect(try tickler("event", "list").stdout == "no events\n")
    }

    @Test func aTypeNoRuleUsesButOneIsCloseToIsRecordedWithAWarning() throws {
        try directory.write("templates/t.txt", "Subject: 谢谢\n\n谢谢 {{contact.name}}\n")
        try directory.write(
            "etc/tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: ../var/tickler.sqlite
            contacts: [../contacts.yaml]
            templates: ../templates
            channels: { out: { type: file, path: ../out } }
            rules:
              - { name: thanks, after: purchase, delay: 1d, to: owner, channel: out, template: t }

            """)
        let result = try tickler("event", "add", "acme-zhang", "purchse", "--at", "2026-11-20T09:00:00+08:00")
        #expect(result.status == 0)
        #expect(result.stdout == "recorded event 1: purchse for acme-zhang at 2026-11-20T09:00:00+08:00\n")
        #expect(
            result.stderr == """
                tickler: warning: no rule reacts to event type 'purchse'
                tickler: note: did you mean 'purchase'?

                """)
    }

    @Test func listingAnUnknownContactSuggestsAKnownOne() throws {
        let result = try tickler("event", "list", "globex-lee")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                tickler: error: unknown contact 'globex-lee'
                tickler: note: did you mean 'globex-li'?

                """)
    }

    @Test func aStoreThatCannotBeOpenedIsAClearError() throws {
        try directory.write("var/tickler.sqlite", "not a database, just text\n")
        let result = try tickler("event", "add", "acme-zhang", "call")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                tickler: error: '\(directory.path("var/tickler.sqlite"))' is not an SQLite database
                tickler: note: 'state:' must name Tickler's state file; move this file away or choose another path

                """)
    }

    @Test func configurationErrorsStopTheCommand() throws {
        try directory.write("etc/tickler.yaml", "timezone: Asia/Shangai\n")
        let result = try tickler("event", "add", "acme-zhang", "call")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                \(config):1:11: error: unknown time zone 'Asia/Shangai'
                \(config):1:11: note: did you mean 'Asia/Shanghai'?
                tickler: error: \(config): 1 error found

                """)
        #expect(!FileManager.default.fileExists(atPath: directory.path("var/tickler.sqlite")))
    }

    // MARK: - import

    /// BOM, CRLF, a quoted comma, a note over two lines, a row without id.
    private let goodFile =
        "\u{FEFF}contact,type,at,note,id\r\n"
        + "acme-zhang,purchase,2026-11-20T15:30:00+08:00,\"合同, #2026-118\",crm-4711\r\n"
        + "globex-li,call,2026-11-21T02:00:00Z,,\r\n"
        + "globex-li,meeting,2026-11-21T11:00:00+08:00,\"上午\r\n下午\",crm-4712\r\n"

    @Test func importRecordsEveryRow() throws {
        let file = try directory.write("events.csv", goodFile)
        let result = try tickler("event", "import", file)
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.stdout == "imported 3 events (0 already present)\n")
        #expect(
            try tickler("event", "list").stdout == """
                ID        TIME                       CONTACT     TYPE      SOURCE  NOTE
                crm-4711  2026-11-20T15:30:00+08:00  acme-zhang  purchase  import  合同, #2026-118
                2         2026-11-21T10:00:00+08:00  globex-li   call      import
                crm-4712  2026-11-21T11:00:00+08:00  globex-li   meeting   import  上午\\n下午

                """)
    }

    @Test func reimportingChangesNothing() throws {
        let file = try directory.write("events.csv", goodFile)
        #expect(try tickler("event", "import", file).status == 0)
        let again = try tickler("event", "import", file)
        #expect(again.status == 0)
        #expect(again.stdout == "imported 0 events (3 already present)\n")
        #expect(try tickler("event", "list").stdout.split(separator: "\n").count == 4)
    }

    @Test func everyBadRowIsReportedAndNothingIsImported() throws {
        try directory.write(
            "events.csv",
            """
            contact,type,at,note
            acme-zhang,purchase,2026-11-20T15:30:00+08:00,fine
            acme-zang,call,2026-11-21T10:00:00+08:00,
            globex-li,call,2026-11-21 10:00,"回访"
            globex-li,call

            """)
        let result = try tickler("event", "import", "events.csv")
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                events.csv:3:1: error: unknown contact 'acme-zang'
                events.csv:3:1: note: did you mean 'acme-zhang'?
                events.csv:4:16: error: invalid time '2026-11-21 10:00'
                events.csv:4:16: note: write an RFC 3339 time with its UTC offset, e.g. '2026-11-22T09:00:00+08:00'
                events.csv:5:1: error: row has 2 fields but the header has 4
                events.csv:5:1: note: write an empty field as nothing between two commas, e.g. 'acme-zhang,call,TIME,,'
                tickler: error: events.csv: 3 errors found; nothing imported

                """)
        #expect(try tickler("event", "list").stdout == "no events\n")
    }

    @Test func aHeaderWithAMisspeltColumnIsReported() throws {
        try directory.write("events.csv", "contact,tpye,at\nacme-zhang,call,2026-11-21T10:00:00+08:00\n")
        let result = try tickler("event", "import", "events.csv")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                events.csv:1:1: error: no 'type' column in the header
                events.csv:1:1: note: the first row names the columns, e.g. 'contact,type,at,note,id'
                events.csv:1:9: error: unknown column 'tpye'
                events.csv:1:9: note: did you mean 'type'?
                events.csv:1:9: note: the columns are 'contact', 'type', 'at' and optionally 'note' and 'id'
                tickler: error: events.csv: 2 errors found; nothing imported

                """)
    }

    @Test func anIdStoredWithOtherContentIsRefusedAtItsRow() throws {
        _ = try tickler("event", "add", "acme-zhang", "call", "--at", "2026-11-20T09:00:00+08:00")
        try directory.write(
            "events.csv",
            """
            contact,type,at,id
            globex-li,call,2026-11-21T10:00:00+08:00,crm-1
            globex-li,call,2026-11-21T10:00:00+08:00,1

            """)
        let result = try tickler("event", "import", "events.csv")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                events.csv:3:42: error: event id '1' is already used by another event
                events.csv:3:42: note: the state store holds an event '1' with another contact, type, time or note
                events.csv:3:42: note: plain numbers are the ids Tickler assigns; prefix ids from elsewhere, e.g. 'crm-1'
                tickler: error: events.csv: 1 error found; nothing imported

                """)
        #expect(try tickler("event", "list").stdout.split(separator: "\n").count == 2)
    }

    @Test func aMissingFileIsAnError() throws {
        let result = try tickler("event", "import", "nowhere.csv")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                nowhere.csv:1:1: error: no events file 'nowhere.csv'
                tickler: error: nowhere.csv: 1 error found; nothing imported

                """)
    }

    // MARK: - CSV contacts (read for their ids alone)

    /// The configuration with its contacts in `contacts.csv` instead.
    private func useCSVContacts(_ csv: String) throws {
        try directory.write("contacts.csv", csv)
        try directory.write(
            "etc/tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: ../var/tickler.sqlite
            contacts: [../contacts.csv]
            owners:
              li.na: { name: 李娜 }

            """)
    }

    @Test func importChecksEventsAgainstCSVContacts() throws {
        try useCSVContacts("id,name,owner\nacme-zhang,张伟,li.na\n\"globex-li\",\"李, 娜\",\n")
        let file = try directory.write("events.csv", goodFile)
        let result = try tickler("event", "import", file)
        #expect(result.stderr == "")
        #expect(result.stdout == "imported 3 events (0 already present)\n")
        let unknown = try directory.write("unknown.csv", "contact,type,at\nacme-zang,call,2026-11-21T10:00:00+08:00\n")
        #expect(
            try tickler("event", "import", unknown).stderr == """
                \(unknown):2:1: error: unknown contact 'acme-zang'
                \(unknown):2:1: note: did you mean 'acme-zhang'?
                tickler: error: \(unknown): 1 error found; nothing imported

                """)
        #expect(try tickler("event", "add", "globex-li", "call").status == 0)
        #expect(try tickler("event", "list", "acme-zhang").stdout.contains("crm-4711"))
    }

    @Test(arguments: [
        "id,name,owner\nacme-zhang,张伟,nobody\n",  // an unknown owner
        "id,name,birthday\nacme-zhang,张伟,1980-02-30\nacme-zhang,again,\n",  // a bad date, an id twice
        "id,name\nacme-zhang,\"open\n",  // a syntax error
    ])
    func aContactsFileWithErrorsStopsEveryEventCommandAsCheckReportsIt(csv: String) throws {
        try useCSVContacts(csv)
        let events = try directory.write("events.csv", goodFile)
        let check = try tickler("check")
        #expect(check.status == 1)
        let reported = check.stderr.split(separator: "\n").filter { $0.hasPrefix(directory.path("contacts.csv")) }
        #expect(!reported.isEmpty)
        for command in [["event", "import", events], ["event", "add", "acme-zhang", "call"], ["event", "list"]] {
            let result = try TicklerProcess.run(
                arguments: command + ["--config", config], currentDirectory: directory.path)
            #expect(result.status == 1, "\(command)")
            #expect(result.stdout == "", "\(command)")
            #expect(
                result.stderr.split(separator: "\n").filter { $0.hasPrefix(directory.path("contacts.csv")) }
                    == reported,
                "\(command)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("var/tickler.sqlite")))
    }

    // MARK: - usage

    @Test(arguments: [
        ["add", "tickler event add acme-zhang purchase --note"],
        ["list", "tickler event list acme-zhang --type purchase"],
        ["import", "tickler event import events.csv"],
    ])
    func helpShowsAnExample(command: [String]) throws {
        let result = try TicklerProcess.run(arguments: ["event", command[0], "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains(command[1]))
    }

    @Test func usageErrorsExitWith64() throws {
        #expect(try TicklerProcess.run(arguments: ["event", "add", "acme-zhang"]).status == 64)
        #expect(try TicklerProcess.run(arguments: ["event", "list", "--no-such-flag"]).status == 64)
    }
}

import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// `tickler render RULE CONTACT` as a user runs it, from the configuration's directory.
@Suite struct RenderCommandTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write(
            "contacts.yaml",
            """
            - { id: zhang, name: 张伟, email: zhang@example.cn, birthday: 1980-03-14, owner: li.na }
            - { id: smith, name: John Smith, email: john@example.com, birthday: --03-14, timezone: America/New_York, language: en, owner: emily }
            - { id: liu, name: 刘芳, email: liu@example.cn, lunar_birthday: 08-15, owner: li.na }
            - { id: c1, email: c1@example.com, birthday: --03-14, owner: li.na }

            """)
        try directory.write(
            "templates/greeting.txt",
            """
            Subject: {{contact.name}}，生日快乐

            尊敬的{{contact.name}}：

            祝您生日快乐{{#lunar.date}}（农历{{lunar.date}}）{{/lunar.date}}！

            {{owner.name}}

            """)
        try directory.write("templates/greeting.html", "<p>尊敬的{{contact.name}}：</p>\n<p>{{owner.name}}</p>\n")
        try directory.write(
            "templates/greeting.en.txt",
            """
            Subject: Happy birthday, {{contact.name}}

            Dear {{contact.name}},

            Happy birthday{{#lunar.date}} ({{lunar.date}} by the lunar calendar){{/lunar.date}}!

            {{owner.name}}

            """)
        try directory.write(
            "templates/callback.txt",
            """
            Subject: 回电已超时{{overdue}}：{{contact.name}}

            客户{{contact.name}}于{{event.at}}请求回电，已超时{{overdue}}。
            {{#event.note}}
            客户留言：{{event.note}}
            {{/event.note}}

            """)
        try directory.write(
            "templates/callback.en.txt",
            """
            Subject: Callback overdue by {{overdue}}: {{contact.name}}

            {{contact.name}} asked for a callback at {{event.at}}; it is now {{overdue}} overdue.
            {{#event.note}}
            Their message: {{event.note}}
            {{/event.note}}

            """)
        try directory.write("templates/check-in.txt", "{{contact.name}} 已经两周没有联系了\n")
        try directory.write(
            "etc/tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: ../var/tickler.sqlite
            contacts: [../contacts.yaml]
            templates: ../templates
            owners:
              li.na: { name: 李娜, email: li.na@example.com, manager: boss }
              emily: { name: Emily Carter, email: emily@example.com, timezone: America/New_York, language: en, manager: boss }
              boss: { name: 王强, email: boss@example.com }
            channels:
              out: { type: file, path: ../out }
            rules:
              - { name: greeting, date: birthday, to: contact, channel: out, template: greeting }
              - { name: lunar-greeting, date: lunar_birthday, to: contact, channel: out, template: greeting }
              - { name: callback, after: callback-requested, delay: 2h, unless: callback-done, repeat: 2h, to: owner, channel: out, template: callback }
              - { name: check-in, every: 14d, where: { tier: key }, to: owner, channel: out, template: check-in }

            """)
    }

    /// Runs `tickler` in the directory, with the configuration named relative to it, as a user would.
    private func tickler(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(
            arguments: arguments + ["--config", "etc/tickler.yaml"], currentDirectory: directory.path)
    }

    private func addEvent(_ contact: String, _ type: String, at: String, note: String? = nil) throws {
        let result = try TicklerProcess.run(
            arguments: ["event", "add", contact, type, "--at", at] + (note.map { ["--note", $0] } ?? [])
                + ["--config", "etc/tickler.yaml"],
            currentDirectory: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
    }

    // MARK: - Messages

    @Test func theNextOccurrenceIsRenderedWithSubjectTextAndHTML() throws {
        let result = try tickler("render", "greeting", "zhang", "--now", "2027-03-10T00:00:00+08:00")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                key: greeting/zhang/2027-03-14
                due: 2027-03-14T09:00:00+08:00
                to: contact zhang <zhang@example.cn>
                channel: out
                template: templates/greeting.txt (zh)

                Subject: 张伟，生日快乐

                尊敬的张伟：

                祝您生日快乐！

                李娜

                --- html ---
                <p>尊敬的张伟：</p>
                <p>李娜</p>

                """)
    }

    @Test func theRecipientsLanguagePicksTheEnglishTemplate() throws {
        let result = try tickler("render", "greeting", "smith", "--now", "2027-03-10T00:00:00+08:00")
        #expect(result.status == 0)
        // 14 March 2027 is the first day of daylight saving time in New York.
        #expect(
            result.stdout == """
                key: greeting/smith/2027-03-14
                due: 2027-03-14T09:00:00-04:00
                to: contact smith <john@example.com>
                channel: out
                template: templates/greeting.en.txt (en)

                Subject: Happy birthday, John Smith

                Dear John Smith,

                Happy birthday!

                Emily Carter

                """)
    }

    @Test func aLunarBirthdayShowsItsChineseDate() throws {
        let result = try tickler("render", "lunar-greeting", "liu", "--now", "2026-09-01T00:00:00+08:00")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "key: lunar-greeting/liu/2026-09-25")
        #expect(lines.contains("祝您生日快乐（农历八月十五）！"))
        #expect(lines.contains("<p>尊敬的刘芳：</p>"))
    }

    @Test func anAfterRuleShowsTheEventNoteAndHowOverdueItIs() throws {
        try addEvent("zhang", "callback-requested", at: "2027-03-10T09:00:00+08:00", note: "合同续签的事")
        let result = try tickler("render", "callback", "zhang", "--now", "2027-03-10T09:30:00+08:00")
        #expect(result.stderr == "")
        #expect(
            result.stdout == """
                key: callback/zhang/1
                due: 2027-03-10T11:00:00+08:00
                to: owner li.na <li.na@example.com>
                channel: out
                template: templates/callback.txt (zh)

                Subject: 回电已超时2 小时：张伟

                客户张伟于2027-03-10 09:00请求回电，已超时2 小时。
                客户留言：合同续签的事

                """)
    }

    @Test func anEnglishOwnerReadsOverdueInEnglishAndTheNextRepeat() throws {
        try addEvent("smith", "callback-requested", at: "2027-03-10T09:00:00-05:00")
        let first = try tickler("render", "callback", "smith", "--now", "2027-03-10T09:00:00-05:00")
        #expect(first.stdout.contains("Subject: Callback overdue by 2 hours: John Smith\n"))
        // After the first reminder, the next is the first repeat, two hours later.
        let result = try tickler("render", "callback", "smith", "--now", "2027-03-10T11:00:01-05:00")
        #expect(
            result.stdout == """
                key: callback/smith/1/1
                due: 2027-03-10T13:00:00-05:00
                to: owner emily <emily@example.com>
                channel: out
                template: templates/callback.en.txt (en)

                Subject: Callback overdue by 4 hours: John Smith

                John Smith asked for a callback at 2027-03-10 09:00; it is now 4 hours overdue.

                """)
    }

    @Test func aDeliveredOccurrenceIsNotTheNextOne() throws {
        do {
            let store = try SQLiteStore.open(path: directory.path("var/tickler.sqlite"))
            try store.recordDelivered(
                key: "greeting/zhang/2027-03-14", rule: "greeting", contact: "zhang", channel: "out", due: 0, at: 0)
        }
        let result = try tickler("render", "greeting", "zhang", "--now", "2027-03-14T08:00:00+08:00")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("key: greeting/zhang/2028-03-14\n"))
    }

    // MARK: - Errors

    @Test func aValueTheContactLacksIsAnErrorNamingBoth() throws {
        let result = try tickler("render", "greeting", "c1", "--now", "2027-03-10T00:00:00+08:00")
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                templates/greeting.txt:1:12: error: no value for 'contact.name' in the message to contact 'c1'
                contacts.yaml:4:9: note: contact 'c1' has no 'name'; set it, or show it only when set: '{{#contact.name}}…{{/contact.name}}'

                """)
    }

    @Test func anUnknownRuleOrContactIsAnErrorWithASuggestion() throws {
        let rule = try tickler("render", "greting", "zhang")
        #expect(rule.status == 1)
        #expect(
            rule.stderr == """
                tickler: error: unknown rule 'greting'
                tickler: note: did you mean 'greeting'?

                """)
        let contact = try tickler("render", "greeting", "zang")
        #expect(contact.status == 1)
        #expect(
            contact.stderr == """
                tickler: error: unknown contact 'zang'
                tickler: note: did you mean 'zhang'?

                """)
        let both = try tickler("render", "greting", "zang", "--now", "soon")
        #expect(both.status == 1)
        #expect(both.stdout == "")
        #expect(
            both.stderr == """
                tickler: error: invalid time 'soon'
                tickler: note: write an RFC 3339 time with its UTC offset, e.g. '2026-11-22T09:00:00+08:00'
                tickler: error: unknown rule 'greting'
                tickler: note: did you mean 'greeting'?
                tickler: error: unknown contact 'zang'
                tickler: note: did you mean 'zhang'?

                """)
    }

    @Test(arguments: [
        (
            ["callback", "liu"],
            "no 'callback-requested' event is recorded for contact 'liu'; record one with 'tickler event add liu callback-requested'"
        ),
        (["check-in", "zhang"], "the rule's 'where' asks for tier 'key'; contact 'zhang' has none"),
        (["lunar-greeting", "zhang"], "contact 'zhang' has no 'lunar_birthday'"),
    ])
    func nothingDueIsAnErrorWithTheReason(arguments: [String], reason: String) throws {
        let result = try TicklerProcess.run(
            arguments: ["render"] + arguments + ["--config", "etc/tickler.yaml"], currentDirectory: directory.path)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                tickler: error: rule '\(arguments[0])' has nothing due for contact '\(arguments[1])' in the next two years
                tickler: note: \(reason)

                """)
    }

    @Test func aCancelledSeriesHasNothingDue() throws {
        try addEvent("zhang", "callback-requested", at: "2027-03-10T09:00:00+08:00")
        try addEvent("zhang", "callback-done", at: "2027-03-10T10:00:00+08:00")
        let result = try tickler("render", "callback", "zhang", "--now", "2027-03-10T10:30:00+08:00")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                tickler: error: rule 'callback' has nothing due for contact 'zhang' in the next two years
                tickler: note: the reminders for the 'callback-requested' event of contact 'zhang' fell due before now, or were cancelled by a 'callback-done' event

                """)
    }

    @Test func helpShowsAnExample() throws {
        let result = try TicklerProcess.run(arguments: ["render", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("tickler render birthday-greeting acme-zhang"))
    }
}

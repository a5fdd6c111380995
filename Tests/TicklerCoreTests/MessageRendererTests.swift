import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput
@testable import TicklerMessages

@Suite struct MessageRendererTests {
    /// A workspace loaded from files in memory, as `tickler render` loads it from disk.
    struct Fixture {
        let workspace: Workspace
        let schedule: Schedule
        let renderer: MessageRenderer

        /// - Parameter top: more top-level configuration (e.g. `calendars:`), with `files` it names.
        init(
            rules: String, contacts: String, templates: [String: String], top: String = "",
            files more: [String: String] = [:]
        ) throws {
            var files = [
                "etc/tickler.yaml": """
                timezone: Asia/Shanghai
                state: ../var/tickler.sqlite
                contacts: [contacts.yaml]
                templates: ../templates
                \(top)
                owners:
                  li.na: { name: 李娜, email: li.na@example.com, manager: boss }
                  emily: { name: Emily Carter, email: emily@example.com, timezone: America/New_York, language: en, manager: boss }
                  boss: { name: 王强, email: boss@example.com, timezone: Europe/London }
                channels:
                  out: { type: file, path: ../out }
                rules:
                \(rules)
                """,
                "etc/contacts.yaml": contacts,
            ]
            for (name, text) in templates { files["templates/" + name] = text }
            files.merge(more) { _, new in new }
            let (loaded, diagnostics) = WorkspaceLoader.load(
                configPath: "etc/tickler.yaml", reader: MemoryReader(files), zones: systemZones)
            #expect(diagnostics.all.filter { $0.severity == .error }.map(\.description) == [])
            workspace = try #require(loaded)
            schedule = Schedule(config: workspace.config, contacts: workspace.contacts, zones: systemZones)
            renderer = MessageRenderer(workspace: workspace, schedule: schedule)
        }

        /// The first occurrence of `rule` for `contact` from `now` on.
        func next(_ rule: String, _ contact: String, from now: String, events: [Event] = []) throws -> Occurrence {
            let start = try #require(Timestamp.parse(now))
            let found = schedule.occurrences(
                in: start..<(start + 400 * 86_400), history: .init(events: EventIndex(events)), now: start)
            return try #require(found.first { $0.rule == rule && $0.contact == contact })
        }

        /// The message, or `nil` and the diagnostics as printed lines.
        func render(_ rule: String, _ contact: String, from now: String, events: [Event] = []) throws
            -> (message: RenderedMessage?, lines: [String])
        {
            let (message, diagnostics) = renderer.render(try next(rule, contact, from: now, events: events))
            #expect((message == nil) == diagnostics.hasErrors)
            return (message, diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) })
        }

        func message(_ rule: String, _ contact: String, from now: String, events: [Event] = []) throws
            -> RenderedMessage
        {
            let (message, lines) = try render(rule, contact, from: now, events: events)
            #expect(lines == [])
            return try #require(message)
        }
    }

    static let birthday = "  - { name: greeting, date: birthday, to: contact, channel: out, template: greeting }"

    // MARK: - Values

    @Test func absentValuesAreLeftOutSoSectionsHideThem() throws {
        let fixture = try Fixture(
            rules: Self.birthday,
            contacts: """
                - { id: with, name: 张伟, phone: "+86 138", birthday: --03-14 }
                - { id: without, name: 刘芳, birthday: --03-14 }
                """,
            templates: [
                "greeting.txt": "{{contact.name}}{{#contact.phone}} ({{contact.phone}}){{/contact.phone}}"
                    + "{{^contact.phone}} (no phone){{/contact.phone}}\n"
            ])
        #expect(try fixture.message("greeting", "with", from: "2027-03-01T00:00:00Z").text == "张伟 (+86 138)\n")
        #expect(try fixture.message("greeting", "without", from: "2027-03-01T00:00:00Z").text == "刘芳 (no phone)\n")
    }

    @Test func textIsNotEscapedAndHTMLIs() throws {
        let fixture = try Fixture(
            rules: Self.birthday,
            contacts: #"- { id: c, name: "<b>Tom & \"Jerry\"</b> 'x'", birthday: --03-14 }"#,
            templates: [
                "greeting.txt": "Subject: Hi {{contact.name}}\n\nDear {{contact.name}}\n",
                "greeting.html": "<p>Dear {{contact.name}}</p>\n",
            ])
        let message = try fixture.message("greeting", "c", from: "2027-03-01T00:00:00Z")
        #expect(message.subject == #"Hi <b>Tom & "Jerry"</b> 'x'"#)
        #expect(message.text == "Dear <b>Tom & \"Jerry\"</b> 'x'\n")
        let html = try #require(message.html)
        #expect(html.hasPrefix("<p>Dear &lt;b&gt;Tom &amp; "))
        #expect(!html.dropFirst(3).contains("<b>") && !html.contains("\"Jerry\""))
    }

    @Test func dateRulesGiveTheDayTheLeadAndTheAge() throws {
        let fixture = try Fixture(
            rules: "  - { name: greeting, date: birthday, before: [3d], to: owner, channel: out, template: greeting }",
            contacts: "- { id: c, name: 张伟, birthday: 1980-03-14, owner: li.na, company: 艾克美, tags: [a, b] }",
            templates: [
                "greeting.txt": """
                {{rule.name}} {{date}} {{days_until}} {{age}} {{years}} {{#lunar.date}}lunar{{/lunar.date}}
                {{owner.name}} {{owner.email}} {{manager.name}} {{contact.company}} {{#contact.tags}}[{{.}}]{{/contact.tags}}

                """
            ])
        let message = try fixture.message("greeting", "c", from: "2027-03-01T00:00:00Z")
        #expect(message.text == "greeting 2027-03-11 3 47 47 \n李娜 li.na@example.com 王强 艾克美 [a][b]\n")
        #expect(message.recipient == .init(id: "li.na", name: "李娜", email: "li.na@example.com", language: "zh"))
    }

    @Test func aLunarBirthdayShowsItsChineseDate() throws {
        let fixture = try Fixture(
            rules: "  - { name: lunar, date: lunar_birthday, to: contact, channel: out, template: greeting }",
            contacts: "- { id: c, name: 刘芳, lunar_birthday: 08-15 }",
            templates: ["greeting.txt": "{{date}} 农历{{lunar.date}}\n"])
        // 2026-09-25 is the 15th day of the 8th month.
        #expect(try fixture.message("lunar", "c", from: "2026-09-01T00:00:00Z").text == "2026-09-25 农历八月十五\n")
    }

    @Test func afterRulesGiveTheEventAndHowLongItIsOverdue() throws {
        let fixture = try Fixture(
            rules: """
                  - { name: callback, after: callback-requested, delay: 2h, repeat: 2h, to: owner, channel: out, template: callback }
                """,
            contacts: """
                - { id: zh, name: 张伟, owner: li.na }
                - { id: en, name: John Smith, owner: emily }
                """,
            templates: [
                "callback.txt":
                    "{{event.type}} {{event.at}} {{overdue}}{{#event.note}} «{{event.note}}»{{/event.note}}\n",
                "callback.en.txt":
                    "{{event.type}} {{event.at}} {{overdue}}{{#event.note}} «{{event.note}}»{{/event.note}}\n",
            ])
        let events = [
            F.event("7", "zh", "callback-requested", "2027-03-10T09:00:00+08:00", note: "合同的事"),
            F.event("8", "en", "callback-requested", "2027-03-10T09:00:00+08:00"),
        ]
        let zh = try fixture.message("callback", "zh", from: "2027-03-10T00:00:00Z", events: events)
        #expect(zh.occurrence.key == "callback/zh/7")
        #expect(zh.text == "callback-requested 2027-03-10 09:00 2 小时 «合同的事»\n")
        #expect(zh.language == "zh")
        // The owner in New York reads the time in New York and the English template.
        let en = try fixture.message("callback", "en", from: "2027-03-10T00:00:00Z", events: events)
        #expect(en.text == "callback-requested 2027-03-09 20:00 2 hours\n")
        #expect(en.templatePath == "templates/callback.en.txt")
        #expect(en.language == "en")
        // The second nag, two hours later.
        let later = try fixture.message("callback", "en", from: "2027-03-10T03:00:01Z", events: events)
        #expect(later.occurrence.key == "callback/en/8/1")
        #expect(later.text == "callback-requested 2027-03-09 20:00 4 hours\n")
    }

    typealias F = ScheduleFixture

    @Test(
        arguments: [
            (0, "不到 1 分钟", "less than a minute"),
            (59, "不到 1 分钟", "less than a minute"),
            (60, "1 分钟", "1 minute"),
            (119, "1 分钟", "1 minute"),
            (45 * 60, "45 分钟", "45 minutes"),
            (2 * 3_600, "2 小时", "2 hours"),
            (3_600 + 60, "1 小时 1 分钟", "1 hour 1 minute"),
            (2 * 3_600 + 30 * 60 + 59, "2 小时 30 分钟", "2 hours 30 minutes"),
            (86_400, "1 天", "1 day"),
            (86_400 + 3 * 3_600 + 5 * 60, "1 天 3 小时", "1 day 3 hours"),
            // The unit after the largest is shown when set; a smaller one never skips over it.
            (86_400 + 5 * 60, "1 天", "1 day"),
            (2 * 86_400 + 3_600, "2 天 1 小时", "2 days 1 hour"),
            (14 * 86_400, "14 天", "14 days"),
            (-30, "不到 1 分钟", "less than a minute"),
        ] as [(Int64, String, String)])
    func overdueIsWrittenInTheTemplatesLanguage(seconds: Int64, chinese: String, english: String) {
        #expect(MessageValues.overdue(seconds, language: "zh") == chinese)
        #expect(MessageValues.overdue(seconds, language: "zh-TW") == chinese)
        #expect(MessageValues.overdue(seconds, language: "en") == english)
    }

    // MARK: - Language

    @Test func theRecipientsLanguagePicksTheVariant() throws {
        let fixture = try Fixture(
            rules: Self.birthday,
            contacts: """
                - { id: zh, name: 张伟, birthday: --03-14 }
                - { id: en, name: John, birthday: --03-14, language: en }
                - { id: gb, name: Jane, birthday: --03-14, language: en-GB }
                - { id: fr, name: Marie, birthday: --03-14, language: fr }
                """,
            templates: [
                "greeting.txt": "生日快乐，{{contact.name}}\n", "greeting.en.txt": "Happy birthday, {{contact.name}}\n",
            ])
        let from = "2027-03-01T00:00:00Z"
        let zh = try fixture.message("greeting", "zh", from: from)
        #expect((zh.text, zh.templatePath, zh.language) == ("生日快乐，张伟\n", "templates/greeting.txt", "zh"))
        let en = try fixture.message("greeting", "en", from: from)
        #expect(
            (en.text, en.templatePath, en.language) == ("Happy birthday, John\n", "templates/greeting.en.txt", "en"))
        // A regional language falls back to its primary language before the default.
        let gb = try fixture.message("greeting", "gb", from: from)
        #expect(
            (gb.text, gb.templatePath, gb.language) == ("Happy birthday, Jane\n", "templates/greeting.en.txt", "en"))
        // No French variant: the default one, in the configuration's language.
        let fr = try fixture.message("greeting", "fr", from: from)
        #expect((fr.text, fr.templatePath, fr.language) == ("生日快乐，Marie\n", "templates/greeting.txt", "zh"))
    }

    // MARK: - Missing values

    @Test func aValueTheTemplateShowsUnconditionallyMustBeSet() throws {
        let fixture = try Fixture(
            rules: Self.birthday,
            contacts: "- { id: c1, email: c1@example.com, birthday: --03-14 }",
            templates: ["greeting.txt": "Subject: Hello {{contact.name}}\n\nDear {{contact.name}},\n"])
        let (message, lines) = try fixture.render("greeting", "c1", from: "2027-03-01T00:00:00Z")
        #expect(message == nil)
        #expect(
            lines == [
                "templates/greeting.txt:1:18: error: no value for 'contact.name' in the message to contact 'c1'",
                "etc/contacts.yaml:1:9: note: contact 'c1' has no 'name'; set it, or show it only when set: '{{#contact.name}}…{{/contact.name}}'",
            ])
    }

    @Test func everyMissingValueIsReportedOnce() throws {
        let fixture = try Fixture(
            rules: Self.birthday,
            contacts: "- { id: c1, birthday: --03-14 }",
            templates: [
                "greeting.txt": "Dear {{contact.name}} <{{contact.email}}>,\n{{contact.name}}\n",
                "greeting.html": "<p>{{contact.name}}</p>\n",
            ])
        let (message, lines) = try fixture.render("greeting", "c1", from: "2027-03-01T00:00:00Z")
        #expect(message == nil)
        #expect(
            lines == [
                "templates/greeting.txt:1:8: error: no value for 'contact.name' in the message to contact 'c1'",
                "etc/contacts.yaml:1:9: note: contact 'c1' has no 'name'; set it, or show it only when set: '{{#contact.name}}…{{/contact.name}}'",
                "templates/greeting.txt:1:26: error: no value for 'contact.email' in the message to contact 'c1'",
                "etc/contacts.yaml:1:9: note: contact 'c1' has no 'email'; set it, or show it only when set: '{{#contact.email}}…{{/contact.email}}'",
            ])
    }

    @Test func aValueShownOnlyInItsOwnSectionMayBeMissing() throws {
        let fixture = try Fixture(
            rules: Self.birthday,
            contacts: "- { id: c1, birthday: --03-14 }",
            templates: [
                "greeting.txt":
                    "Dear {{#contact.name}}{{contact.name}}{{/contact.name}}{{^contact.name}}customer{{/contact.name}},\n"
            ])
        #expect(try fixture.message("greeting", "c1", from: "2027-03-01T00:00:00Z").text == "Dear customer,\n")
    }
}

@Suite struct HolidayNameRenderingTests {
    @Test func holidayNameIsTheRecipientsHolidayOnTheDueDay() throws {
        let fixture = try MessageRendererTests.Fixture(
            rules: """
                  - { name: zq, date: 'lunar 08-15', to: contact, channel: out, template: zq }
                """,
            contacts: "- { id: c, name: 刘芳, owner: li.na }",
            templates: [
                "zq.txt": "Subject: 中秋\n\n{{lunar.date}}{{#holiday.name}}，{{holiday.name}}假期{{/holiday.name}}。\n"
            ],
            top: "calendars: { cn: holidays/cn.yaml }\ncalendar: cn",
            files: [
                "etc/holidays/cn.yaml": """
                holidays:
                  - { date: 2025-10-01, until: 2025-10-08, name: 国庆节、中秋节 }
                """
            ])
        // 中秋 2025 is 10-06, inside the holiday; 2026's (09-25) is an ordinary Friday.
        #expect(try fixture.message("zq", "c", from: "2025-09-01T00:00:00+08:00").text == "八月十五，国庆节、中秋节假期。\n")
        #expect(try fixture.message("zq", "c", from: "2026-09-01T00:00:00+08:00").text == "八月十五。\n")
    }
}

import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct ConfigParserTests {
    /// The diagnostics of parsing `text` as `etc/tickler.yaml`, one line each, in reading order.
    func diagnostics(_ text: String) -> [String] {
        let (_, diagnostics) = ConfigParser.parse(SourceText(path: "etc/tickler.yaml", text: text), zones: systemZones)
        return diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
    }

    func parse(_ text: String) throws -> Config {
        let (config, diagnostics) = ConfigParser.parse(
            SourceText(path: "etc/tickler.yaml", text: text), zones: systemZones)
        #expect(diagnostics.all.isEmpty, "\(diagnostics.all)")
        return try #require(config)
    }

    static let base = """
        timezone: Asia/Shanghai
        owners:
          li.na: { name: 李娜, email: li.na@example.com, manager: wang.qiang }
          wang.qiang: { name: 王强 }
        channels:
          outbox: { type: file, path: ../var/outbox }

        """

    @Test func minimalConfigurationTakesTheDefaults() throws {
        let config = try parse("timezone: Europe/London\n")
        #expect(config.timezone == "Europe/London")
        #expect(config.language == "zh")
        #expect(config.statePath == "etc/tickler.sqlite")
        #expect(config.templatesDirectory == "etc/templates")
        #expect(config.catchUp == TimeSpan(24, .hours))
        #expect(config.rules.isEmpty)
    }

    @Test func pathsAreRelativeToTheConfigurationFile() throws {
        let config = try parse(
            Self.base + "state: ../var/t.sqlite\ncontacts: [a.csv, /srv/b.vcf]\ntemplates: ../templates\n")
        #expect(config.statePath == "var/t.sqlite")
        #expect(config.contactFiles.map(\.path) == ["etc/a.csv", "/srv/b.vcf"])
        #expect(config.templatesDirectory == "templates")
        #expect(config.channels["outbox"]?.kind == .file(FileChannel(directory: "var/outbox")))
    }

    @Test func everyRuleKeyIsRead() throws {
        let config = try parse(
            Self.base + """
                rules:
                  - name: callback-overdue
                    after: callback-requested
                    delay: 2h
                    unless: callback-done
                    repeat: 2h
                    max_overdue: 3d
                    window: ["09:00-12:00,13:00-18:00 mon-fri", "22:00-02:00 sat"]
                    where: { tier: [key, vip], tags: partner }
                    at: "10:30"
                    catch_up: 1h
                    to: owner
                    channel: outbox
                    template: callback-overdue
                """)
        let rule = try #require(config.rules.first)
        #expect(
            rule.trigger
                == .after(
                    AfterTrigger(
                        eventType: "callback-requested", delay: TimeSpan(2, .hours), unless: "callback-done",
                        repeatEvery: TimeSpan(2, .hours), maxOverdue: TimeSpan(3, .days))))
        #expect(rule.recipient == .owner)
        #expect(rule.at == TimeOfDay(hour: 10, minute: 30))
        #expect(rule.catchUp == TimeSpan(1, .hours))
        #expect(rule.filter.conditions.map(\.field) == ["tier", "tags"])
        #expect(rule.filter.conditions.map(\.values) == [["key", "vip"], ["partner"]])
        let spans = try #require(rule.window?.spans)
        #expect(spans.count == 3)
        #expect(spans[0].weekdays == Set(1...5))
        #expect(spans[2].crossesMidnight && spans[2].weekdays == [6])
    }

    @Test func dateAndEveryTriggers() throws {
        let config = try parse(
            Self.base + """
                rules:
                  - { name: b, date: birthday, before: [7d, 0d], feb29: mar1, to: contact, channel: outbox, template: t }
                  - { name: l, date: lunar_birthday, to: contact, channel: outbox, template: t }
                  - { name: c, every: 2w, since: [call, visit], spread: 3d, to: owner, channel: outbox, template: t }
                """)
        #expect(
            config.rules[0].trigger
                == .date(DateTrigger(field: .birthday, leads: [TimeSpan(7, .days), TimeSpan(0, .days)], feb29: .mar1)))
        #expect(config.rules[1].trigger == .date(DateTrigger(field: .lunarBirthday)))
        #expect(
            config.rules[2].trigger
                == .every(
                    EveryTrigger(period: TimeSpan(2, .weeks), since: ["call", "visit"], spread: TimeSpan(3, .days))))
    }

    @Test func misspeltKeySuggestsTheRightOne() {
        #expect(
            diagnostics(
                Self.base + """
                    rules:
                      - name: thank-you
                        after: purchase
                        delya: 1d
                        to: contact
                        channel: outbox
                        template: thank-you
                    """) == [
                    "etc/tickler.yaml:10:5: error: unknown key 'delya' in rule 'thank-you'",
                    "etc/tickler.yaml:10:5: note: did you mean 'delay'?",
                ])
    }

    @Test func missingTimezoneAndUnknownZone() {
        #expect(
            diagnostics("state: x\n") == [
                "etc/tickler.yaml:1:1: error: the configuration is missing 'timezone'",
                "etc/tickler.yaml:1:1: note: name the zone your team works in, e.g. 'timezone: Asia/Shanghai'",
            ])
        #expect(
            diagnostics("timezone: Asia/Shanghia\n") == [
                "etc/tickler.yaml:1:11: error: unknown time zone 'Asia/Shanghia'",
                "etc/tickler.yaml:1:11: note: did you mean 'Asia/Shanghai'?",
            ])
    }

    @Test func unknownChannelOwnerAndRecipient() {
        #expect(
            diagnostics(
                Self.base + """
                    rules:
                      - { name: r, date: birthday, to: owners, channel: outbx, template: t }
                    """) == [
                    "etc/tickler.yaml:8:36: error: invalid to 'owners' in rule 'r'",
                    "etc/tickler.yaml:8:36: note: did you mean 'owner'?",
                    "etc/tickler.yaml:8:36: note: 'to' is one of 'contact', 'owner' or 'manager'",
                    "etc/tickler.yaml:8:53: error: unknown channel 'outbx' in rule 'r'",
                    "etc/tickler.yaml:8:53: note: did you mean 'outbox'?",
                    "etc/tickler.yaml:8:53: note: channels: outbox",
                ])
    }

    @Test func triggerMistakes() {
        #expect(
            diagnostics(
                Self.base + """
                    rules:
                      - { name: none, to: owner, channel: outbox, template: t }
                      - { name: two, date: birthday, every: 3d, to: owner, channel: outbox, template: t }
                      - { name: wrong-key, after: purchase, before: [1d], to: owner, channel: outbox, template: t }
                    """) == [
                    "etc/tickler.yaml:8:5: error: rule 'none' has no trigger",
                    "etc/tickler.yaml:8:5: note: add one of 'date:' (a yearly date), 'after:' (an event) or 'every:' (a lapse of contact)",
                    "etc/tickler.yaml:9:34: error: rule 'two' has both 'date' and 'every'",
                    "etc/tickler.yaml:9:34: note: a rule has exactly one trigger; split it into two rules",
                    "etc/tickler.yaml:10:41: error: 'before' applies only to 'date' rules, not to rule 'wrong-key'",
                    "etc/tickler.yaml:10:41: note: this rule is an 'after' rule; its keys are 'after', 'delay', 'unless', 'repeat' or 'max_overdue'",
                ])
    }

    @Test func durationsTimesAndWindows() {
        #expect(
            diagnostics(
                Self.base + """
                    rules:
                      - name: r
                        after: purchase
                        delay: 1 day
                        at: "25:00"
                        window: "09:00-18:00 mon-fir"
                        to: owner
                        channel: outbox
                        template: t
                    """) == [
                    "etc/tickler.yaml:10:12: error: invalid duration '1 day' for 'delay' in rule 'r'",
                    "etc/tickler.yaml:10:12: note: write a whole number and a unit: s, m, h, d or w (e.g. '30m', '2h', '3d', '2w'), or wd for working days ('3wd')",
                    "etc/tickler.yaml:11:10: error: invalid time '25:00' for 'at' in rule 'r'",
                    "etc/tickler.yaml:11:10: note: write a 24-hour time as HH:MM, e.g. '09:00' or '18:30'",
                    "etc/tickler.yaml:12:30: error: unknown day 'fir' in window; did you mean 'fri'?",
                    "etc/tickler.yaml:12:30: note: days are mon tue wed thu fri sat sun, as a list 'mon,wed,fri' or a range 'mon-fri'; or one of 'workdays' (working days of the recipient's calendar) and 'holidays'",
                ])
    }

    @Test func duplicateRuleNamesPointAtBoth() {
        #expect(
            diagnostics(
                Self.base + """
                    rules:
                      - { name: r, date: birthday, to: owner, channel: outbox, template: t }
                      - { name: r, date: birthday, to: owner, channel: outbox, template: t }
                    """) == [
                    "etc/tickler.yaml:9:7: error: duplicate rule name 'r'",
                    "etc/tickler.yaml:9:7: note: rule names must be unique: they are part of every occurrence key",
                    "etc/tickler.yaml:8:7: note: 'r' is first used here",
                ])
    }

    @Test func ruleNameMustBeUsableInKeys() {
        #expect(
            diagnostics(
                Self.base + """
                    rules:
                      - { name: birthday/greeting, date: birthday, to: owner, channel: outbox, template: t }
                    """) == [
                    "etc/tickler.yaml:8:21: error: invalid character '/' in rule name 'birthday/greeting'",
                    "etc/tickler.yaml:8:21: note: rule names appear in occurrence keys: use letters, digits, '.', '_' and '-', starting with a letter or digit",
                ])
    }

    @Test func managersMustBeOwnersWithoutCycles() {
        #expect(
            diagnostics(
                """
                timezone: UTC
                owners:
                  a: { name: A, manager: b }
                  b: { name: B, manager: a }
                  c: { name: C, manager: zz }
                """) == [
                    "etc/tickler.yaml:4:26: error: managers form a cycle: 'a' → 'b' → 'a'",
                    "etc/tickler.yaml:4:26: note: escalation follows managers upwards and must end at an owner without a manager",
                    "etc/tickler.yaml:5:26: error: unknown manager 'zz' for owner 'c'",
                    "etc/tickler.yaml:5:26: note: a manager must be one of the owners",
                ])
    }

    @Test func smtpChannelIsCheckedFieldByField() {
        #expect(
            diagnostics(
                """
                timezone: UTC
                channels:
                  mail:
                    type: smtp
                    url: smtps://user:pw@mail.example.com
                    starttls: off
                    username: me
                    password_env: SMTP_PASSWORD
                    password_file: /run/secrets/smtp
                    from: 客服 <service@@example.com>
                """) == [
                    "etc/tickler.yaml:5:18: error: credentials in the URL of channel 'mail'",
                    "etc/tickler.yaml:5:18: note: URLs end up in logs; put the user in 'username' and the password in 'password_env' or 'password_file'",
                    "etc/tickler.yaml:6:5: error: 'starttls' does not apply to an smtps:// URL in channel 'mail'",
                    "etc/tickler.yaml:6:5: note: smtps:// always uses TLS from the start; remove 'starttls' or use an smtp:// URL",
                    "etc/tickler.yaml:9:5: error: both 'password_env' and 'password_file' in channel 'mail'",
                    "etc/tickler.yaml:9:5: note: give the password one way: an environment variable or a file",
                    "etc/tickler.yaml:8:19: note: 'password_env' is set here",
                    "etc/tickler.yaml:10:11: error: invalid address '客服 <service@@example.com>' for 'from' in channel 'mail'",
                    "etc/tickler.yaml:10:11: note: more than one '@' in the address",
                    "etc/tickler.yaml:10:11: note: write 'Name <address@example.com>' or 'address@example.com'",
                ])
    }

    @Test func webhookChannelFormatsAndReferences() {
        #expect(
            diagnostics(
                """
                timezone: UTC
                channels:
                  chat: { type: webhook, format: dingtalk, url: "https://x.example/send?t=${TOKEN" }
                  bot: { type: webhook, format: telegarm, url: "https://api.telegram.org/bot${T}/sendMessage" }
                  slack: { type: webhook, format: slack, url: "https://hooks.slack.com/x", secret_env: S }
                """) == [
                    "etc/tickler.yaml:3:75: error: '${' without a closing '}'",
                    "etc/tickler.yaml:3:75: note: reference environment variables as '${NAME}'",
                    "etc/tickler.yaml:4:33: error: invalid format 'telegarm' in channel 'bot'",
                    "etc/tickler.yaml:4:33: note: did you mean 'telegram'?",
                    "etc/tickler.yaml:4:33: note: 'format' is one of 'generic', 'slack', 'teams', 'discord', 'mattermost', 'dingtalk', 'wecom', 'feishu', 'ntfy' or 'telegram'",
                    "etc/tickler.yaml:5:76: error: format 'slack' has no signing secret in channel 'slack'",
                    "etc/tickler.yaml:5:76: note: signed formats are 'generic', 'dingtalk' and 'feishu'; for the others the URL carries the token",
                ])
    }

    @Test func yamlSyntaxErrorsHaveTheirPlace() {
        #expect(
            diagnostics("timezone: UTC\nowners:\n\tli: {name: x}\n") == [
                "etc/tickler.yaml:3:1: error: tab character where YAML expects spaces",
                "etc/tickler.yaml:3:1: note: YAML indents with spaces only; replace the tab with spaces",
            ])
        #expect(
            diagnostics("timezone: UTC\ntimezone: Asia/Shanghai\n") == [
                "etc/tickler.yaml:2:1: error: duplicate key 'timezone'",
                "etc/tickler.yaml:1:1: note: 'timezone' is already set here; a key may appear once in a map",
            ])
    }

    @Test func deepNestingIsRejectedBeforeParsing() {
        let deep = "timezone: UTC\nrules: " + String(repeating: "[", count: 100_000)
        #expect(
            diagnostics(deep) == [
                "etc/tickler.yaml:2:70: error: nesting deeper than 64 levels",
                "etc/tickler.yaml:2:70: note: configuration and contact files need only a few levels of lists and maps",
            ])
    }

    @Test func anchorsAndMergeKeysAreRead() throws {
        let config = try parse(
            Self.base + """
                rules:
                  - &base { name: a, date: birthday, to: owner, channel: outbox, template: t }
                  - { <<: *base, name: b, before: [3d] }
                """)
        #expect(config.rules.map(\.name) == ["a", "b"])
        #expect(config.rules[1].trigger == .date(DateTrigger(field: .birthday, leads: [TimeSpan(3, .days)])))
    }
}

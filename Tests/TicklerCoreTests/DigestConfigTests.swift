import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct DigestConfigTests {
    func diagnostics(_ text: String) -> [String] {
        let (_, diagnostics) = ConfigParser.parse(SourceText(path: "etc/tickler.yaml", text: text), zones: systemZones)
        return diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
    }

    func config(owner: String, rule: String = "digest: true, to: owner") -> String {
        """
        timezone: Asia/Shanghai
        owners:
          li.na: { name: 李娜, \(owner) }
        channels:
          email: { type: file, path: out }
        rules:
          - { name: r, date: birthday, channel: email, template: t, \(rule) }
        """
    }

    @Test func digestSettingsAreRead() throws {
        let (parsed, diagnostics) = ConfigParser.parse(
            SourceText(
                path: "etc/tickler.yaml",
                text: config(owner: #"digest: { at: "08:30", channel: email, template: digest }"#)),
            zones: systemZones)
        #expect(diagnostics.all.isEmpty)
        let config = try #require(parsed)
        #expect(config.owners["li.na"]?.digest?.at == TimeOfDay(hour: 8, minute: 30))
        #expect(config.owners["li.na"]?.digest?.channel == "email")
        #expect(config.owners["li.na"]?.digest?.template == "digest")
        #expect(config.rules.first?.digest == true)
    }

    @Test func misspeltKeysBadTimesAndUnknownChannelsAreErrors() {
        #expect(
            diagnostics(config(owner: #"digest: { at: "8h30", chanel: mail, template: digest }"#)) == [
                "etc/tickler.yaml:3:30: error: 'digest' of owner 'li.na' is missing 'channel'",
                "etc/tickler.yaml:3:30: note: name one of the channels under 'channels:'",
                "etc/tickler.yaml:3:37: error: invalid time '8h30' for 'at' in 'digest' of owner 'li.na'",
                "etc/tickler.yaml:3:37: note: write a 24-hour time as HH:MM, e.g. '08:30'",
                "etc/tickler.yaml:3:44: error: unknown key 'chanel' in 'digest' of owner 'li.na'",
                "etc/tickler.yaml:3:44: note: did you mean 'channel'?",
                "etc/tickler.yaml:7:7: warning: rule 'r' has 'digest: true' but no owner has a 'digest:'",
                #"etc/tickler.yaml:7:7: note: its reminders go out one by one; give an owner e.g. 'digest: { at: "08:30", channel: email, template: digest }'"#,
            ])
        #expect(
            diagnostics(config(owner: #"digest: { at: "08:30", channel: emial, template: digest }"#)) == [
                "etc/tickler.yaml:3:54: error: unknown channel 'emial' in 'digest' of owner 'li.na'",
                "etc/tickler.yaml:3:54: note: did you mean 'email'?",
                "etc/tickler.yaml:3:54: note: channels: email",
            ])
    }

    @Test func aDigestRuleToTheContactIsAnError() {
        #expect(
            diagnostics(
                config(
                    owner: #"digest: { at: "08:30", channel: email, template: digest }"#,
                    rule: "digest: true, to: contact")) == [
                    "etc/tickler.yaml:7:7: error: 'digest: true' in rule 'r' cannot apply: the rule goes 'to: contact'",
                    "etc/tickler.yaml:7:7: note: a digest bundles what goes to an owner or a manager who has 'digest:'; remove 'digest: true' or use 'to: owner'",
                ])
    }

    @Test func aDigestRuleWithoutAnyDigestIsAWarningAndDigestIsAReservedName() {
        #expect(
            diagnostics(config(owner: "email: a@example.com", rule: "digest: yes, to: owner")) == [
                "etc/tickler.yaml:7:69: error: invalid digest 'yes' in rule 'r'",
                "etc/tickler.yaml:7:69: note: 'digest' is 'true' or 'false'",
            ])
        #expect(
            diagnostics(config(owner: "email: a@example.com")) == [
                "etc/tickler.yaml:7:7: warning: rule 'r' has 'digest: true' but no owner has a 'digest:'",
                #"etc/tickler.yaml:7:7: note: its reminders go out one by one; give an owner e.g. 'digest: { at: "08:30", channel: email, template: digest }'"#,
            ])
        #expect(
            diagnostics(
                config(owner: "email: a@example.com", rule: "to: owner").replacingOccurrences(
                    of: "name: r,", with: "name: digest,")) == [
                    "etc/tickler.yaml:7:7: error: rule name 'digest' is reserved",
                    "etc/tickler.yaml:7:7: note: owners' digests have the keys 'digest/OWNER/YYYY-MM-DD'; name the rule otherwise",
                ])
    }
}

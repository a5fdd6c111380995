import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput
@testable import TicklerMessages

@Suite struct DigestRenderingTests {
    static func workspace(template: String, contacts: Int = 2) throws -> (Workspace, [Diagnostic]) {
        var list = ""
        for number in 1...contacts {
            list += "- { id: c\(number), name: 客户\(number), owner: li.na, birthday: 1980-11-25"
            list += number == 1 ? ", phone: '+86 10 1234'" : ""
            list += " }\n"
        }
        let files = [
            "etc/tickler.yaml": """
            timezone: Asia/Shanghai
            contacts: [contacts.yaml]
            templates: ../templates
            owners:
              li.na: { name: 李娜, email: li.na@example.com, digest: { at: "08:30", channel: out, template: digest } }
            channels:
              out: { type: file, path: ../out }
            rules:
              - { name: heads-up, date: birthday, before: [3d], to: owner, channel: out, template: t, digest: true }
              - { name: bought, after: purchase, delay: 1h, to: owner, channel: out, template: t, digest: true }
            """,
            "etc/contacts.yaml": list,
            "templates/t.txt": "Subject: x\n\n{{contact.name}}\n",
            "templates/digest.txt": template,
        ]
        let (loaded, diagnostics) = WorkspaceLoader.load(
            configPath: "etc/tickler.yaml", reader: MemoryReader(files), zones: systemZones)
        return (try #require(loaded), diagnostics.sorted)
    }

    static let grouped = """
        Subject: {{count}} 项（{{date}}）

        {{owner.name}}：
        {{#groups}}
        【{{rule.name}}】{{count}}
        {{#items}}
        - {{due}} {{contact.name}}{{#days_until}} 还有{{days_until}}天{{/days_until}}{{#event}} {{event.type}}{{/event}}
        {{/items}}
        {{/groups}}
        """

    @Test func theDigestGroupsItsItemsByRuleWithTheirOwnValues() throws {
        let (workspace, diagnostics) = try Self.workspace(template: Self.grouped)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.description) == [])
        let schedule = Schedule(config: workspace.config, contacts: workspace.contacts, zones: systemZones)
        let now = try #require(Timestamp.parse("2026-11-22T00:00:00+08:00"))
        let events = [Event(id: "5", contact: "c2", type: "purchase", at: now + 3_600)]
        let digest = try #require(
            schedule.digest("digest/li.na/2026-11-22", history: .init(events: EventIndex(events)), now: now))
        let (message, problems) = MessageRenderer(workspace: workspace, schedule: schedule).render(digest)
        #expect(problems.all.isEmpty)
        #expect(message?.subject == "3 项（2026-11-22）")
        #expect(
            message?.text == """
                李娜：
                【heads-up】2
                - 09:00 客户1 还有3天
                - 09:00 客户2 还有3天
                【bought】1
                - 02:00 客户2 purchase

                """)
        #expect(message?.recipient.email == "li.na@example.com")
    }

    @Test func valuesThatDoNotExistAreErrorsAtCheckTime() throws {
        let (_, diagnostics) = try Self.workspace(
            template: "Subject: x\n\n{{#items}}{{contact.nmae}} {{days_until}}{{/items}}{{owner.nmae}}\n")
        let lines: [String] = diagnostics.map(\.description).flatMap { $0.split(separator: "\n").map(String.init) }
        let expected: [String] = [
            "templates/digest.txt:3:13: error: unknown value 'contact.nmae'",
            "templates/digest.txt:3:13: note: did you mean 'contact.name'?",
            "templates/digest.txt:3:30: error: 'items.days_until' is empty in the items of other rules",
            "templates/digest.txt:3:30: note: 'days_until' has a value only in the items of 'date' rules; use it inside '{{#days_until}}…{{/days_until}}'",
            "templates/digest.txt:3:54: error: unknown value 'owner.nmae'",
            "templates/digest.txt:3:54: note: did you mean 'owner.name'?",
        ]
        #expect(lines == expected)
    }

    @Test func aValueAnItemLacksIsAnErrorNotABlank() throws {
        let (workspace, _) = try Self.workspace(template: "Subject: x\n\n{{#items}}{{contact.phone}}{{/items}}\n")
        let schedule = Schedule(config: workspace.config, contacts: workspace.contacts, zones: systemZones)
        let now = try #require(Timestamp.parse("2026-11-22T00:00:00+08:00"))
        let digest = try #require(schedule.digest("digest/li.na/2026-11-22", history: .init(), now: now))
        let (message, problems) = MessageRenderer(workspace: workspace, schedule: schedule).render(digest)
        #expect(message == nil)
        #expect(
            problems.sorted.map(\.message) == [
                "no value for 'items.contact.phone' in the digest 'digest/li.na/2026-11-22'"
            ])
    }

    @Test func fiveHundredItemsAllRender() throws {
        let (workspace, _) = try Self.workspace(template: Self.grouped, contacts: 500)
        let schedule = Schedule(config: workspace.config, contacts: workspace.contacts, zones: systemZones)
        let now = try #require(Timestamp.parse("2026-11-22T00:00:00+08:00"))
        let digest = try #require(schedule.digest("digest/li.na/2026-11-22", history: .init(), now: now))
        let renderer = MessageRenderer(workspace: workspace, schedule: schedule)
        #expect(renderer.render(digest).message?.text.components(separatedBy: "\n- ").count == 501)
        // The time it takes, for the figures (a debug build is several times slower than release).
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<20 { _ = renderer.render(digest) } }
        print("digest of 500 items rendered in \(elapsed / 20)")
    }
}

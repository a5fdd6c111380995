import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// Unsubscribe as the commands show it: `upcoming` says what it holds back and for whom, `render`
/// explains why a contact gets nothing, `render --raw` shows the headers the daemon sends, and
/// `check` warns about email to contacts without a public URL for the links.
@Suite struct UnsubscribeCommandTests {
    let directory: TemporaryDirectory
    let config: String

    init() throws {
        (directory, config) = try UpcomingCommandTests.workspace()
    }

    private func tickler(_ arguments: String..., config: String? = nil) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try TicklerProcess.run(
            arguments: arguments + ["--config", config ?? self.config], currentDirectory: directory.path)
    }

    private func addEvent(_ contact: String, _ type: String, at: String) throws {
        let result = try tickler("event", "add", contact, type, "--at", at)
        #expect(result.status == 0, "\(result.stderr)")
    }

    private func upcoming(_ options: String...) throws -> String {
        let result = try TicklerProcess.run(
            arguments: ["upcoming", "--now", UpcomingCommandTests.now] + options + ["--config", config],
            currentDirectory: directory.path)
        #expect(result.stderr == "")
        #expect(result.status == 0)
        return result.stdout
    }

    private func jsonKeys() throws -> [String] {
        let parsed = try JSONSerialization.jsonObject(with: Data(try upcoming("--format", "json").utf8))
        return try #require(parsed as? [[String: String]]).compactMap { $0["key"] }
    }

    private func lastLine(_ text: String) -> Substring? {
        text.split(separator: "\n").last
    }

    @Test func upcomingHoldsBackWhatGoesToAnUnsubscribedContactAndSaysSo() throws {
        try addEvent("zhang", "unsubscribed", at: "2026-12-01T10:00:00+08:00")
        #expect(
            try jsonKeys() == [
                "heads-up/bo/2027-03-11", "heads-up/zhang/2027-03-11", "greeting/bo/2027-03-14",
                "greeting/al/2027-03-14",
            ])
        let table = try upcoming()
        #expect(lastLine(table) == "held back: 1 reminder to contacts who unsubscribed: zhang (since 2026-12-01)")
        let lines = table.split(separator: "\n")
        #expect(!lines.contains { $0.contains("greeting") && $0.contains("(zhang)") })
        #expect(lines.contains { $0.contains("heads-up") && $0.contains("(zhang)") })
        // A purchase makes a thank-you that is held back too; JSON and the feed list only what is sent.
        try addEvent("zhang", "purchase", at: "2027-03-10T15:00:00+08:00")
        #expect(
            lastLine(try upcoming()) == "held back: 2 reminders to contacts who unsubscribed: zhang (since 2026-12-01)")
        #expect(!(try upcoming("--format", "json")).contains("held back"))
        #expect(!(try upcoming("--format", "ics")).contains("held back"))
        #expect(!(try jsonKeys()).contains("thanks/zhang/2"))

        // Resubscribed later: everything is back, and nothing is said.
        try addEvent("zhang", "resubscribed", at: "2027-01-05T09:00:00+08:00")
        #expect(try jsonKeys().contains("greeting/zhang/2027-03-14"))
        #expect(try jsonKeys().contains("thanks/zhang/2"))
        #expect(!(try upcoming()).contains("held back"))
    }

    @Test func eachContactIsNamedWithTheDayItUnsubscribedInItsOwnZone() throws {
        try addEvent("zhang", "unsubscribed", at: "2026-12-01T10:00:00+08:00")
        // 00:00 in Shanghai is 21:45 the day before in Kathmandu, where Al lives.
        try addEvent("al", "unsubscribed", at: "2026-12-01T00:00:00+08:00")
        #expect(
            lastLine(try upcoming())
                == "held back: 2 reminders to contacts who unsubscribed: al (since 2026-11-30), zhang (since 2026-12-01)"
        )
        #expect(!(try upcoming("--contact", "bo")).contains("held back"))
        #expect(try upcoming("--contact", "al", "--owner", "li.na") == "nothing due\n")
        // With nothing else due the table says so, then what it held back.
        #expect(
            try upcoming("--contact", "al")
                == "nothing due\nheld back: 1 reminder to contacts who unsubscribed: al (since 2026-11-30)\n")
    }

    @Test func renderExplainsWhyAnUnsubscribedContactGetsNothing() throws {
        try addEvent("zhang", "unsubscribed", at: "2026-12-01T10:00:00+08:00")
        let result = try tickler("render", "greeting", "zhang", "--now", UpcomingCommandTests.now)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderr == """
                tickler: error: contact 'zhang' unsubscribed at 2026-12-01T10:00:00+08:00 (event 1); rule 'greeting' \
                sends to the contact and is held back until an event 'resubscribed'
                tickler: note: when the contact asks for messages again: tickler event add zhang resubscribed

                """)
        // The owner's reminder about zhang still renders, and so does another contact's greeting.
        #expect(try tickler("render", "heads-up", "zhang", "--now", UpcomingCommandTests.now).status == 0)
        #expect(try tickler("render", "greeting", "bo", "--now", UpcomingCommandTests.now).status == 0)
        try addEvent("zhang", "resubscribed", at: "2026-12-02T10:00:00+08:00")
        let again = try tickler("render", "greeting", "zhang", "--now", UpcomingCommandTests.now)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("key: greeting/zhang/2027-03-14\n"))
    }

    /// With `http.public_url` and the store's secret, `render` shows the link and `--raw` the
    /// headers the daemon sends; the token is the one Python's hmac makes with that secret.
    @Test func renderShowsTheLinkAndRawTheHeaders() throws {
        let publicConfig = try directory.write(
            "etc/public.yaml",
            UpcomingCommandTests.configuration + "http: { public_url: https://tickler.example.com/ }\n")
        let secret = String(repeating: "0f", count: 32)
        // Without a secret in the store (the daemon has not run with a public URL yet) nothing to show.
        #expect(try tickler("event", "add", "bo", "call", config: publicConfig).status == 0)
        let before = try tickler("render", "greeting", "bo", "--now", UpcomingCommandTests.now, config: publicConfig)
        #expect(before.status == 0)
        #expect(!before.stdout.contains("unsubscribe:"))
        try SQLiteStore.open(path: directory.path("var/tickler.sqlite")).setMetaValue(secret, for: "unsubscribe_secret")

        let token = try DebianPython.run(
            """
            import base64, hashlib, hmac
            b64 = lambda data: base64.urlsafe_b64encode(data).decode().rstrip('=')
            mac = hmac.new(bytes([15] * 32), b'tickler-unsubscribe:bo', hashlib.sha256).digest()[:16]
            print(b64(b'bo') + '.' + b64(mac), end='')
            """)
        let url = "https://tickler.example.com/u/" + token
        let shown = try tickler("render", "greeting", "bo", "--now", UpcomingCommandTests.now, config: publicConfig)
        #expect(shown.stdout.contains("\nunsubscribe: \(url)\n\n"), "\(shown.stdout)")
        let raw = try tickler(
            "render", "greeting", "bo", "--now", UpcomingCommandTests.now, "--raw", config: publicConfig)
        #expect(raw.status == 0)
        #expect(
            raw.stdout.contains(
                "\r\nList-Unsubscribe: <\(url)>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        let owner = try tickler(
            "render", "heads-up", "bo", "--now", UpcomingCommandTests.now, "--raw", config: publicConfig)
        #expect(owner.status == 0)
        #expect(!owner.stdout.contains("List-Unsubscribe"))
    }

    /// No rule names them, yet `event add` knows both types, and a typo of one is pointed out.
    @Test func eventAddKnowsTheUnsubscribeTypes() throws {
        let unsubscribed = try tickler("event", "add", "bo", "unsubscribed")
        #expect(unsubscribed.status == 0)
        #expect(unsubscribed.stderr == "")
        let typo = try tickler("event", "add", "bo", "resubscribe")
        #expect(typo.status == 0)
        #expect(
            typo.stderr
                == "tickler: warning: no rule reacts to event type 'resubscribe'\ntickler: note: did you mean 'resubscribed'?\n"
        )
    }

    @Test func checkWarnsAboutEmailToContactsWithoutAPublicURL() throws {
        try directory.write("check/templates/t.txt", "Subject: hi\n\nHello {{contact.name}}\n")
        try directory.write("check/c.yaml", "- { id: c1, name: Ann, email: c1@example.com, owner: li.na }\n")
        let body = """
            timezone: UTC
            contacts: [c.yaml]
            templates: templates
            owners: { li.na: { name: Li Na, email: li.na@example.com } }
            channels:
              email: { type: smtp, url: "smtp://127.0.0.1:2525", from: "a@example.com" }
              out: { type: file, path: out }
            rules:
              - { name: r, date: birthday, to: contact, channel: email, template: t }
              - { name: o, date: birthday, to: owner, channel: email, template: t }
              - { name: f, date: birthday, to: contact, channel: out, template: t }

            """
        let path = try directory.write("check/t.yaml", body)
        let result = try TicklerProcess.run(arguments: ["check", "--config", path])
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(
            warnings == [
                "\(path):9:7: warning: messages to contacts carry no unsubscribe link: rule 'r' emails contacts "
                    + "and 'http' has no 'public_url'"
            ])
        #expect(result.stderr.contains("note: set 'public_url' under 'http:'"))
        #expect(result.stdout.hasSuffix("; 1 warning\n"))

        let linked = try directory.write(
            "check/linked.yaml", body + "http: { public_url: https://tickler.example.com }\n")
        let quiet = try TicklerProcess.run(arguments: ["check", "--config", linked])
        #expect(quiet.status == 0)
        #expect(quiet.stderr == "")
    }
}

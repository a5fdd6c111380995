import Foundation
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// The digest against a real SMTP server, the built `tickler run` in real time: one message per
/// owner and day carrying every item; killed (SIGKILL) as the digest reaches the server and started
/// again, at most the digest again with the same Message-ID, no item on its own, nothing lost.
@Suite struct DaemonDigestSMTPTests {
    @Test func oneMessagePerOwnerAndDayAndAKillResendsAtMostTheDigest() async throws {
        let smtp = try SMTPSink()
        let workspace = try DaemonWorkspace(contacts: 1, channels: "  out: { type: file, path: ../var/out }", rules: "")
        // The digest goes out at the next whole minute in Shanghai (a little later near its end).
        let now = SQLiteStore.now()
        let local = now + 8 * 3_600
        var minute = (local / 60 + 1) * 60
        if minute - local < 20 { minute += 60 }
        let at = String(format: "%02d:%02d", Int(minute % 86_400 / 3_600), Int(minute % 3_600 / 60))
        guard minute / 86_400 == local / 86_400 else { return }  // the day ends within the minute
        let day = CivilDate(daysSinceEpoch: Int(minute / 86_400)).description
        let digest = #"digest: { at: "\#(at)", channel: email, template: digest }"#
        try workspace.writeInPlace(
            workspace.config,
            """
            timezone: Asia/Shanghai
            language: en
            state: ../var/tickler.sqlite
            contacts: [contacts.yaml]
            templates: ../templates
            owners:
              li.na: { name: Li Na, email: li.na@example.com, \(digest) }
              zhao: { name: Zhao Min, email: zhao@example.com, \(digest) }
            channels:
              email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(DaemonWorkspace.from)" }
            rules:
              - { name: bought, after: purchase, to: owner, channel: email, template: heads-up, digest: true }

            """)
        var contacts = ""
        for number in 1...4 {
            contacts += "- { id: c\(number), name: Customer \(number), owner: \(number <= 2 ? "li.na" : "zhao") }\n"
        }
        try workspace.writeInPlace(workspace.directory.path("etc/contacts.yaml"), contacts)
        try workspace.directory.write(
            "templates/digest.txt", "Subject: {{count}} today\n\n{{#items}}{{contact.name}}\n{{/items}}")
        // Purchases a few minutes ago: the items are due, and wait for the digest.
        var csv = "contact,type,at\n"
        for number in 1...4 { csv += "c\(number),purchase,\(Timestamp.format(now - 120, offset: 0))\n" }
        let imported = try workspace.tickler("event", "import", try workspace.directory.write("events.csv", csv))
        #expect(imported.status == 0, "\(imported.stderr)")

        let daemon = try await workspace.startDaemon()
        try await Poll.act(when: "a digest at the server", timeout: .seconds(150)) {
            try smtp.messages().count >= 1
        } action: {
            daemon.kill9()
        }
        _ = try await daemon.waitForExit()
        let again = try await workspace.startDaemon()
        try await Poll.until("both digests delivered", timeout: .seconds(60), context: again.logTail) {
            try workspace.count(.delivered) == 2
        }
        try await Task.sleep(for: .seconds(2))
        again.signal(SIGTERM)
        #expect(try await again.waitForExit() == 0)

        let keys = ["digest/li.na/\(day)", "digest/zhao/\(day)"]
        let ids = try smtp.messageIDs()
        // Only digests arrived: each once, or twice when the kill cut its attempt off.
        #expect(Set(ids) == Set(keys.map(messageID)))
        #expect(ids.count <= 3)
        // The text part is base64 (one part: the template has no HTML twin).
        let texts = try smtp.messages().map { message in
            let parts = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")
            let body = parts.dropFirst().joined().filter { !$0.isWhitespace }
            return String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
        }
        #expect(texts.contains { $0.contains("Customer 1") && $0.contains("Customer 2") && !$0.contains("Customer 3") })
        #expect(texts.contains { $0.contains("Customer 3") && $0.contains("Customer 4") })
        #expect(try workspace.count(.bundled) == 4)
    }
}

import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// `tickler run` end to end: an event recorded with `tickler event add` becomes, a few seconds later,
/// an email at a real SMTP server (aiosmtpd) and a signed webhook at a real HTTP server, and both are
/// in `tickler history` and `tickler status`.
@Suite struct DaemonEndToEndTests {
    static let secret = "whsec_" + Data("tickler-daemon-test-signing-key!".utf8).base64EncodedString()

    @Test func anEventBecomesAnEmailAndASignedWebhookShownInHistoryAndStatus() async throws {
        let smtp = try SMTPSink()
        let http = try HTTPSink(HTTPSink.Configuration(signature: .standardWebhooks(secret: Self.secret)))
        let workspace = try DaemonWorkspace(
            channels: """
                  email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(DaemonWorkspace.from)" }
                  hook: { type: webhook, format: generic, url: "\(http.url)/hooks/tickler", secret_env: HOOK_SECRET }
                """,
            rules: """
                  - { name: thank-you, after: purchase, delay: 2s, to: contact, channel: email, template: thanks }
                  - { name: heads-up, after: purchase, delay: 2s, to: owner, channel: hook, template: heads-up }
                """)
        let daemon = try await workspace.startDaemon(environment: ["HOOK_SECRET": Self.secret])
        let id = try workspace.addEvent("c1", "purchase")
        let mailKey = "thank-you/c1/\(id)"
        let hookKey = "heads-up/c1/\(id)"

        try await Poll.until("the email and the webhook", context: daemon.logTail) {
            try smtp.messages().count == 1 && http.requests().count == 1
        }

        let mail = try #require(try smtp.messages().first)
        #expect(try smtp.messageIDs() == [messageID(mailKey)])
        #expect(mail.recipients == ["c1@example.com"])
        #expect(mail.mailFrom == "service@example.com")
        #expect(String(decoding: mail.bytes, as: UTF8.self).contains("Subject: Thank you, Customer 1\r\n"))

        let request = try #require(try http.requests().first)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/tickler")
        #expect(request.header("webhook-id") == hookKey)
        #expect(request.header("Idempotency-Key") == hookKey)
        #expect(request.signature == "valid")
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["key"] as? String == hookKey)
        #expect(body?["subject"] as? String == "Customer 1 bought")

        // Logged once the store holds the outcome; not before it was due (2 s after the event), and
        // promptly then.
        let delivered = try await daemon.waitForLog(containing: "msg=delivered", count: 2)
        let event = try #require(try workspace.store().events().first)
        let due = Date(timeIntervalSince1970: TimeInterval(event.at + 2))
        let noticed = try logTime(try #require(daemon.logLines(containing: "msg=events ").first))
        let sent = try logTime(delivered)
        #expect(sent >= due, "delivered \(due.timeIntervalSince(sent)) s before it was due")
        #expect(sent.timeIntervalSince(max(due, noticed)) < 5, "delivered \(sent), due \(due), noticed \(noticed)")
        let history = try workspace.tickler("history", "c1")
        #expect(history.status == 0)
        let rows = history.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        #expect(
            Set(rows.map { [$0[1], $0[2], $0[3], $0[4]] }) == [
                [mailKey, "email", "1", "delivered"], [hookKey, "hook", "1", "delivered"],
            ])
        #expect(try workspace.statusCounts() == [["delivered", "email", "1"], ["delivered", "hook", "1"]])

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        #expect(smtp.connectionCount() == 1)
    }
}

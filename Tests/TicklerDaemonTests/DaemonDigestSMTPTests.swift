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
        guard
            let keys = try workspace.writeNextMinuteDigests(
                smtp: smtp, state: "state: ../var/tickler.sqlite", perOwner: 2)
        else { return }  // the day ends within the minute

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

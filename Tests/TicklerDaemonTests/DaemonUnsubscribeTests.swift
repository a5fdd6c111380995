import Foundation
import Testing
import TicklerMessages
import TicklerStore
import TicklerTestSupport

@testable import TicklerDaemon

/// `tickler run` with `http.public_url`: an email to a contact reaches a real SMTP server (aiosmtpd)
/// with `List-Unsubscribe` and `List-Unsubscribe-Post`, its link verifies with the store's secret,
/// and once the contact has unsubscribed only the owner hears of their next purchase.
@Suite struct DaemonUnsubscribeTests {
    static let publicURL = "https://tickler.example.com"

    /// A message's header fields, unfolded, by lowercase name.
    static func headers(_ bytes: [UInt8]) -> [String: String] {
        let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
        var fields: [String: String] = [:]
        for line in unfolded.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    @Test func aContactsEmailCarriesAVerifiableLinkAndAfterUnsubscribingOnlyTheOwnerHears() async throws {
        let smtp = try SMTPSink()
        let workspace = try DaemonWorkspace(
            channels: """
                  email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(DaemonWorkspace.from)", unsubscribe_mailto: unsubscribe@example.com }
                """,
            rules: """
                  - { name: thank-you, after: purchase, delay: 2s, to: contact, channel: email, template: thanks }
                  - { name: heads-up, after: purchase, delay: 2s, to: owner, channel: email, template: heads-up }
                """,
            // A free port: the default 127.0.0.1:8025 may be another test's at the moment (CI: "Address already in use").
            extra: "http: { listen: \"127.0.0.1:0\", public_url: \"\(Self.publicURL)\" }")
        let daemon = try await workspace.startDaemon()
        try workspace.addEvent("c1", "purchase")
        try await Poll.until("two emails", context: daemon.logTail) { try smtp.messages().count == 2 }

        let messages = try smtp.messages()
        let toContact = try #require(messages.first { $0.recipients == ["c1@example.com"] })
        let toOwner = try #require(messages.first { $0.recipients == ["li.na@example.com"] })
        let headers = Self.headers(toContact.bytes)
        #expect(headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
        let unsubscribe = try #require(headers["list-unsubscribe"])
        let mailto = ", <mailto:unsubscribe@example.com?subject=unsubscribe>"
        #expect(unsubscribe.hasPrefix("<\(Self.publicURL)/u/") && unsubscribe.hasSuffix(">" + mailto), "\(unsubscribe)")
        let url = String(unsubscribe.dropFirst().prefix { $0 != ">" })
        let token = String(url.dropFirst("\(Self.publicURL)/u/".count))

        // The secret the daemon made and stored verifies the token, and names the contact.
        let secret = try #require(try Daemon.storedUnsubscribeSecret(workspace.store()))
        #expect(secret.count == 32)
        #expect(try workspace.store().metaValue("unsubscribe_secret")?.count == 64)
        let links = UnsubscribeLinks(publicURL: Self.publicURL, secret: secret)
        #expect(links.contact(fromToken: token) == "c1")
        #expect(links.url(for: "c1") == url)
        // A token made with any other secret is refused.
        let forged = UnsubscribeLinks(publicURL: Self.publicURL, secret: Array(repeating: 0, count: 32))
        #expect(links.contact(fromToken: forged.token(for: "c1")) == nil)

        let ownerHeaders = Self.headers(toOwner.bytes)
        #expect(ownerHeaders["list-unsubscribe"] == nil)
        #expect(ownerHeaders["list-unsubscribe-post"] == nil)
        #expect(ownerHeaders["auto-submitted"] == "auto-generated")

        // The contact unsubscribes (as the HTTP service records it): the next purchase reaches the
        // owner, and the thank-you due at the same instant is held back.
        try workspace.addEvent("c1", "unsubscribed")
        let second = try workspace.addEvent("c1", "purchase")
        try await Poll.until("the owner's second email", context: daemon.logTail) { try smtp.messages().count == 3 }
        try await Task.sleep(for: .seconds(3))
        let later = try smtp.messages().dropFirst(2)
        #expect(later.map(\.recipients) == [["li.na@example.com"]])
        #expect(try smtp.messageIDs().last == messageID("heads-up/c1/\(second)"))

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        // The secret stays what it was: links already sent keep working.
        #expect(try Daemon.unsubscribeSecret(SQLiteStore.open(path: workspace.statePath)) == secret)
    }
}

import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// The link in an email's `List-Unsubscribe`, followed: the page behind `GET`, the one click of
/// `POST`, a forged token, and the reminders to the contact held back afterwards.
@Suite struct HTTPUnsubscribeTests {
    @Test func theLinkOfAnEmailUnsubscribesWithOneClickAndAForgedOneDoesNothing() async throws {
        let http = try HTTPWorkspace()
        try await http.start()
        #expect(try http.post(#"{"contact": "c1", "type": "purchase"}"#).status == 201)
        try await Poll.until("the thank-you", timeout: .seconds(10)) { !http.workspace.files(in: "out").isEmpty }
        let file = try #require(http.workspace.files(in: "out").first)
        let mail = try String(contentsOfFile: http.workspace.directory.path("var/out/" + file), encoding: .utf8)
        let header = try #require(
            mail.components(separatedBy: "\r\n").first { $0.hasPrefix("List-Unsubscribe:") }, "\(mail)")
        #expect(mail.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
        let link = try #require(header.split(separator: "<").dropFirst().first?.split(separator: ">").first)
        #expect(link.hasPrefix("https://tickler.example.com/u/"))
        let path = String(link.dropFirst("https://tickler.example.com".count))

        let page = try http.get(path, bearer: nil)
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("<form method=\"post\""))
        #expect(try unsubscribeEvents(http).isEmpty, "a GET (a mail scanner following links) must record nothing")

        let oneClick = try http.request(
            "POST", path, headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: Array("List-Unsubscribe=One-Click".utf8))
        #expect(oneClick.status == 200)
        #expect(try unsubscribeEvents(http).map(\.event.type) == ["unsubscribed"])
        #expect(try unsubscribeEvents(http).map(\.source) == ["unsubscribe-link"])
        // A second click changes nothing.
        #expect(try http.request("POST", path, body: Array("List-Unsubscribe=One-Click".utf8)).status == 200)
        #expect(try unsubscribeEvents(http).count == 1)

        // A forged or altered token: 404, nothing recorded.
        var altered = Array(path)
        altered[altered.count - 2] = altered[altered.count - 2] == "A" ? "B" : "A"
        #expect(try http.request("POST", String(altered), body: []).status == 404)
        #expect(try http.request("POST", "/u/" + "c2.AAAAAAAAAAAAAAAAAAAAAA", body: []).status == 404)
        #expect(try unsubscribeEvents(http).count == 1)

        // From now on the contact's thank-you is held back; the owner's call-back is not.
        try await Task.sleep(for: .milliseconds(300))
        #expect(
            try http.post(#"[{"contact": "c1", "type": "purchase"}, {"contact": "c1", "type": "callback-requested"}]"#)
                .status == 201)
        try await Task.sleep(for: .seconds(1))
        #expect(http.workspace.files(in: "out").count == 1, "\(http.workspace.files(in: "out"))")
        let render = try http.workspace.tickler("render", "thank-you", "c1")
        #expect(render.status == 1)
        #expect(render.stderr.contains("contact 'c1' unsubscribed"), "\(render.stderr)")
        let upcoming = try http.workspace.tickler("upcoming", "--days", "1")
        #expect(upcoming.stdout.contains("call-back  Customer 1 (c1)"), "\(upcoming.stdout)")

        let again = try http.request("POST", path, body: Array("action=resubscribe".utf8))
        #expect(again.status == 200)
        #expect(try unsubscribeEvents(http).map(\.event.type) == ["unsubscribed", "resubscribed"])
    }

    private func unsubscribeEvents(_ http: HTTPWorkspace) throws -> [ListedEvent] {
        try http.workspace.store().listedEvents(contact: "c1", type: nil).filter {
            $0.event.type != "purchase" && $0.event.type != "callback-requested"
        }
    }
}

import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// `status --format json` and `history --format json`, read back with Foundation's JSON parser: every
/// field the README documents, times in the configuration's zone, and text a customer or a server
/// wrote (quotes, backslashes, line breaks, Chinese) escaped, never breaking the document.
@Suite struct StatusHistoryJSONTests {
    let directory: TemporaryDirectory
    let config: String

    /// 2027-03-01T00:00:00Z.
    static let start: Int64 = 1_803_859_200

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("etc/contacts.yaml", "- { id: zhang, name: 张伟, email: zhang@example.com }\n")
        try directory.write("templates/hello.txt", "Subject: 你好\n\n你好 {{contact.name}}。\n")
        config = try directory.write(
            "etc/tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: ../var/tickler.sqlite
            contacts: [contacts.yaml]
            templates: ../templates
            channels:
              out: { type: file, path: ../var/out }
            rules:
              - { name: hello, after: inquiry, delay: 1h, to: contact, channel: out, template: hello }

            """)
        let store = try SQLiteStore.open(path: directory.path("var/tickler.sqlite"))
        try store.recordDelivered(
            key: "hello/zhang/1", rule: "hello", contact: "zhang", channel: "out", due: Self.start, at: Self.start + 5)
        let item = { (key: String, state: OutboxItem.State) in
            OutboxItem(
                key: key, rule: "hello", contact: "zhang", channel: "out", due: Self.start, to: .contact,
                recipient: "zhang", message: nil, state: state)
        }
        try store.enqueue(
            [
                item("hello/zhang/2", .failed(reason: "模板 \"hello\" 无法渲染\\n\nsecond line")),
                item("hello/zhang/3", .missed(reason: "beyond catch_up")),
            ], at: Self.start + 60)
    }

    private func json(_ arguments: String...) throws -> Any {
        let result = try TicklerProcess.run(arguments: arguments + ["--format", "json", "--config", config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("}\n") || result.stdout.hasSuffix("]\n"))
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test func historyListsEveryAttemptWithItsFields() throws {
        let entries = try #require(try json("history") as? [[String: Any]])
        let delivered = try #require(entries.first { $0["key"] as? String == "hello/zhang/1" })
        #expect(delivered["outcome"] as? String == "delivered")
        #expect(delivered["at"] as? String == "2027-03-01T08:00:05+08:00")
        #expect(delivered["due"] as? String == "2027-03-01T08:00:00+08:00")
        #expect(delivered["attempt"] as? Int == 1)
        #expect(delivered["rule"] as? String == "hello" && delivered["contact"] as? String == "zhang")
        #expect(delivered["channel"] as? String == "out")
        #expect(
            Set(delivered.keys) == [
                "at", "key", "rule", "contact", "recipient", "channel", "due", "attempt", "outcome", "finished_at",
                "detail",
            ])
        let failed = try #require(entries.first { $0["key"] as? String == "hello/zhang/2" })
        #expect(failed["outcome"] as? String == "failed")
        #expect(failed["attempt"] is NSNull)
        #expect(failed["detail"] as? String == "模板 \"hello\" 无法渲染\\n\nsecond line")
    }

    @Test func statusHasTheOutboxFailuresAndMissedEntries() throws {
        let status = try #require(try json("status") as? [String: Any])
        let outbox = try #require(status["outbox"] as? [[String: Any]])
        let counts = outbox.map { "\($0["state"]!) \($0["channel"]!) \($0["count"]!)" }
        #expect(Set(counts) == ["delivered out 1", "failed out 1", "missed out 1"])
        let failed = try #require(status["failed"] as? [[String: Any]])
        #expect(failed.map { $0["error"] as? String } == ["模板 \"hello\" 无法渲染\\n\nsecond line"])
        let missed = try #require(status["missed"] as? [[String: Any]])
        #expect(missed.first?["reason"] as? String == "beyond catch_up")
        #expect(missed.first?["due"] as? String == "2027-03-01T08:00:00+08:00")
        #expect(status["retrying"] as? [Any] != nil)
        #expect(status["due_now"] as? Int == 0)
        #expect(status["next_due"] is NSNull)
        #expect(status["scheduled_through"] is NSNull)
        #expect((status["latest_attempts"] as? [Any])?.isEmpty == false)
    }

    @Test func withoutAStoreBothAreEmptyDocuments() throws {
        try FileManager.default.removeItem(atPath: directory.path("var/tickler.sqlite"))
        #expect((try json("history") as? [Any])?.isEmpty == true)
        let status = try #require(try json("status") as? [String: Any])
        #expect((status["outbox"] as? [Any])?.isEmpty == true)
    }
}

import Foundation
import TicklerCore
import TicklerStore
import TicklerTestSupport

extension DaemonWorkspace {
    /// What the digest tests send: two owners, `li.na` and `zhao`, each with a digest at the next
    /// whole minute in Shanghai (at least 20 s away), `perOwner` contacts of each (Customer 1, 2, …),
    /// a rule `bought` whose items go in the digests, and a purchase of every contact two minutes ago
    /// (so the items are due and wait for their digest), imported with `environment`.
    ///
    /// - Parameter state: the configuration's lines that say where the store is.
    /// - Returns: the digests' keys, or `nil` when the day ends within the minute (nothing to test).
    func writeNextMinuteDigests(
        smtp: SMTPSink, state: String, perOwner: Int, environment: [String: String] = [:]
    ) throws -> [String]? {
        let now = SQLiteStore.now()
        let local = now + 8 * 3_600
        var minute = (local / 60 + 1) * 60
        if minute - local < 20 { minute += 60 }
        guard minute / 86_400 == local / 86_400 else { return nil }
        let at = String(format: "%02d:%02d", Int(minute % 86_400 / 3_600), Int(minute % 3_600 / 60))
        let digest = #"digest: { at: "\#(at)", channel: email, template: digest }"#
        try writeInPlace(
            config,
            """
            timezone: Asia/Shanghai
            language: en
            \(state)
            contacts: [contacts.yaml]
            templates: ../templates
            owners:
              li.na: { name: Li Na, email: li.na@example.com, \(digest) }
              zhao: { name: Zhao Min, email: zhao@example.com, \(digest) }
            channels:
              email: { type: smtp, url: "\(smtp.url)", starttls: off, from: "\(Self.from)" }
            rules:
              - { name: bought, after: purchase, to: owner, channel: email, template: heads-up, digest: true }

            """)
        let count = 2 * perOwner
        var contacts = ""
        var csv = "contact,type,at\n"
        for number in 1...count {
            contacts +=
                "- { id: c\(number), name: Customer \(number), owner: \(number <= perOwner ? "li.na" : "zhao") }\n"
            csv += "c\(number),purchase,\(Timestamp.format(now - 120, offset: 0))\n"
        }
        try writeInPlace(directory.path("etc/contacts.yaml"), contacts)
        try directory.write(
            "templates/digest.txt", "Subject: {{count}} today\n\n{{#items}}{{contact.name}}\n{{/items}}")
        let imported = try tickler("event", "import", try directory.write("events.csv", csv), environment: environment)
        guard imported.status == 0 else { throw Failure(description: imported.stderr) }
        let day = CivilDate(daysSinceEpoch: Int(minute / 86_400)).description
        return ["digest/li.na/\(day)", "digest/zhao/\(day)"]
    }
}

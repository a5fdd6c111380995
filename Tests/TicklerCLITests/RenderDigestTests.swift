import Foundation
import Testing
import TicklerTestSupport

/// `tickler render digest OWNER` on the example configuration, in a copy (nothing is written to the
/// repository): 李娜's digest, and the note on a rule whose reminders go in it.
@Suite struct RenderDigestTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        for part in ["etc", "templates"] {
            try FileManager.default.copyItem(
                atPath: RepositoryRoot.path(part), toPath: directory.path + "/" + part)
        }
    }

    func render(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(
            arguments: ["render"] + arguments + ["--config", "etc/tickler.yaml", "--now", "2027-01-01T00:00:00+08:00"],
            currentDirectory: directory.path)
    }

    @Test func theOwnersNextDigestListsItsItems() throws {
        let result = try render(["digest", "li.na"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("key: digest/li.na/2027-03-11\ndue: 2027-03-11T08:30:00+08:00\n"))
        #expect(result.stdout.contains("Subject: 今日客户提醒（2027-03-11）：共1项"))
        #expect(result.stdout.contains("- 09:00  张伟（还有3天）"))
    }

    @Test func aRuleInADigestSaysSo() throws {
        let result = try render(["birthday-heads-up", "acme-zhang"])
        #expect(result.status == 0)
        #expect(
            result.stderr
                == "tickler: note: rule 'birthday-heads-up' goes in li.na's digest: this message is not sent on its own"
                + " but listed in digest/li.na/2027-03-11 (tickler render digest li.na)\n")
    }

    @Test func anOwnerWithoutADigestIsAnError() throws {
        let result = try render(["digest", "zhao.min"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("tickler: error: owner 'zhao.min' has no digest\n"))
        let unknown = try render(["digest", "li.nb"])
        #expect(unknown.stderr.hasPrefix("tickler: error: unknown owner 'li.nb'\ntickler: note: did you mean 'li.na'?"))
    }
}

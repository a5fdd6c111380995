import Foundation
import Testing
import TicklerTestSupport

/// `tickler check` as a user runs it: the example, the ways to name the configuration, exit codes.
@Suite struct CheckCommandTests {
    @Test func exampleConfigurationIsValid() throws {
        let result = try TicklerProcess.run(
            arguments: ["check", "--config", "etc/tickler.yaml"], currentDirectory: RepositoryRoot.path)
        // The shipped China calendar ends on 2026-12-31: within 90 days of that, `check` says it needs
        // next year's schedule (the only warning the example may give).
        let today = Date()
        let end = try #require(ISO8601DateFormatter().date(from: "2026-12-31T23:59:59+08:00"))
        let warns = end.timeIntervalSince(today) < 90 * 86_400
        #expect(
            result.stderr.isEmpty != warns,
            "unexpected diagnostics: \(result.stderr)")
        if warns {
            #expect(result.stderr.contains(": warning: calendar 'cn' ends on 2026-12-31, before the next 90 days do"))
            #expect(result.stderr.split(separator: "\n").count == 3)
        }
        #expect(result.status == 0)
        #expect(
            result.stdout
                == "etc/tickler.yaml: ok: 15 rules, 14 contacts, 3 channels, 14 templates, 2 calendars"
                + " (32 files in en, zh)\(warns ? "; 1 warning" : "")\n")
    }

    @Test func configurationComesFromTheEnvironmentWithoutAnOption() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.yaml", "timezone: Europe/London\n")
        let result = try TicklerProcess.run(arguments: ["check"], environment: ["TICKLER_CONFIG": path])
        #expect(result.status == 0)
        #expect(result.stdout == "\(path): ok: 0 rules, 0 contacts, 0 channels, 0 templates\n")
    }

    @Test func optionWinsOverTheEnvironment() throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write("good.yaml", "timezone: UTC\n")
        let result = try TicklerProcess.run(
            arguments: ["check", "--config", good], environment: ["TICKLER_CONFIG": directory.path("missing.yaml")])
        #expect(result.status == 0)
    }

    @Test func missingConfigurationIsABadInputError() throws {
        let result = try TicklerProcess.run(
            arguments: ["check", "--config", "nowhere/tickler.yaml"], currentDirectory: "/tmp")
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                nowhere/tickler.yaml:1:1: error: no configuration file 'nowhere/tickler.yaml'
                nowhere/tickler.yaml:1:1: note: pass --config PATH or set TICKLER_CONFIG to the file; etc/tickler.yaml is an example
                tickler: error: nowhere/tickler.yaml: 1 error found

                """)
    }

    @Test func warningsDoNotFailTheCheck() throws {
        let directory = try TemporaryDirectory()
        _ = try directory.write("templates/t.txt", "Subject: hi\n\nHello {{contact.name}}\n")
        _ = try directory.write("c.yaml", "- { id: c1, name: Ann }\n")
        let path = try directory.write(
            "t.yaml",
            """
            timezone: UTC
            contacts: [c.yaml]
            channels: { out: { type: file, path: out } }
            rules:
              - { name: r, date: birthday, where: { teir: key }, to: contact, channel: out, template: t }
            """)
        let result = try TicklerProcess.run(arguments: ["check", "--config", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("t.yaml:5:41: warning: no contact has a field 'teir' in 'where' of rule 'r'\n"))
        #expect(result.stderr.contains("note: did you mean 'tier'?"))
        #expect(result.stdout.hasSuffix("1 template (1 file in zh); 1 warning\n"))
    }

    @Test func usageErrorsExitWith64() throws {
        let result = try TicklerProcess.run(arguments: ["check", "--no-such-flag"])
        #expect(result.status == 64)
    }

    @Test func helpShowsAnExample() throws {
        let result = try TicklerProcess.run(arguments: ["check", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("tickler check --config etc/tickler.yaml"))
    }
}

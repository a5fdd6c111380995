import Foundation
import Testing
import TicklerTestSupport

/// A configuration whose channels need libcurl is refused at once by `check` and `run` when libcurl
/// cannot be loaded, with what to install — never found when the first reminder is due. A broken
/// `libcurl.so.4` first on `LD_LIBRARY_PATH` stands in for a missing or unusable one.
@Suite struct CurlRequirementTests {
    let directory: TemporaryDirectory
    let environment: [String: String]

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("lib/libcurl.so.4", "not a library\n")
        environment = ["LD_LIBRARY_PATH": directory.path("lib")]
        try directory.write("templates/hello.txt", "Subject: Hello\n\nHello {{contact.name}}.\n")
        try directory.write("contacts.yaml", "- { id: c1, name: Customer, email: c1@example.com }\n")
    }

    private func config(channels: String) throws -> String {
        try directory.write(
            "tickler.yaml",
            """
            timezone: UTC
            contacts: [contacts.yaml]
            templates: templates
            state: tickler.sqlite
            channels:
            \(channels)
            rules:
              - { name: hello, after: inquiry, delay: 1h, to: contact, channel: out, template: hello }

            """)
    }

    @Test(arguments: ["check", "run"])
    func aChannelNeedingLibcurlFailsAtOnceWithWhatToInstall(command: String) throws {
        let path = try config(
            channels: """
                  out: { type: file, path: out }
                  email: { type: smtp, url: "smtp://127.0.0.1:2525", from: "a@example.com" }
                  hook: { type: webhook, url: "http://127.0.0.1:9/x" }
                """)
        let result = try TicklerProcess.run(
            arguments: [command, "--config", path], environment: environment, timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        let line = try #require(lines.first)
        #expect(
            line.hasPrefix(
                "tickler: error: \(path): the channels 'email', 'hook' need libcurl: cannot load libcurl.so.4 ("))
        #expect(line.hasSuffix("); install it: apt-get install libcurl4"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("tickler.sqlite")), "the daemon started")
    }

    @Test func onlyFileChannelsNeedNoLibcurl() throws {
        let path = try config(channels: "  out: { type: file, path: out }")
        let result = try TicklerProcess.run(arguments: ["check", "--config", path], environment: environment)
        #expect(result.stderr == "")
        #expect(result.status == 0)
    }
}

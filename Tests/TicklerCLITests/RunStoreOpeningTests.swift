import Foundation
import Testing
import TicklerTestSupport

/// `tickler run` opens an existing store while the contacts load: what it reports is still what
/// a start that opened it afterwards would, in the same order.
@Suite struct RunStoreOpeningTests {
    let directory: TemporaryDirectory
    let config: String

    init() throws {
        directory = try TemporaryDirectory()
        config = try directory.write(
            "tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: var/tickler.sqlite
            contacts: [contacts.yaml]

            """)
    }

    private func run() throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(arguments: ["run", "--config", config], timeout: .seconds(20))
    }

    @Test func aStoreThatCannotBeOpenedIsReportedAfterTheWorkspaceLoads() throws {
        try directory.write("contacts.yaml", "- { id: acme-zhang, name: 张伟 }\n")
        try directory.write("var/tickler.sqlite", "not a database, just text\n")
        let result = try run()
        #expect(result.status == 1)
        #expect(
            result.stderr == """
                tickler: error: '\(directory.path("var/tickler.sqlite"))' is not an SQLite database
                tickler: note: 'state:' must name Tickler's state file; move this file away or choose another path

                """)
    }

    @Test func workspaceErrorsComeAloneEvenWhenTheStoreIsDamagedToo() throws {
        let contacts = try directory.write("contacts.yaml", "- { id: acme-zhang, name: 张伟, birthday: 1990-02-30 }\n")
        try directory.write("var/tickler.sqlite", "not a database, just text\n")
        let result = try run()
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(contacts):1:"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("tickler: error: \(config): 1 error found\n"), "\(result.stderr)")
        #expect(!result.stderr.contains("SQLite"), "\(result.stderr)")
    }

    @Test func aWorkspaceWithErrorsCreatesNoStore() throws {
        try directory.write("contacts.yaml", "- { id: acme-zhang, name: 张伟, birthday: 1990-02-30 }\n")
        let result = try run()
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.path("var/tickler.sqlite")))
    }
}

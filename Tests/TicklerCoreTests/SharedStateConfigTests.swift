import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// `state: postgres://…` with `state_password_env`, `state_password_file` and `lease`: read as
/// written, a password in the URL refused, each mistake reported where it is.
@Suite struct SharedStateConfigTests {
    func parse(_ text: String) -> (config: Config?, lines: [String]) {
        let (config, diagnostics) = ConfigParser.parse(
            SourceText(path: "etc/tickler.yaml", text: "timezone: Asia/Shanghai\n" + text), zones: systemZones)
        return (config, diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) })
    }

    @Test func aDatabaseURLIsKeptAsWrittenWithItsSettings() throws {
        let (config, lines) = parse(
            """
            state: postgres://tickler@db.example.com:5432/tickler?sslmode=verify-full
            state_password_file: secrets/db
            lease: 45s
            """)
        #expect(lines.isEmpty, "\(lines)")
        let parsed = try #require(config)
        #expect(parsed.statePath == "postgres://tickler@db.example.com:5432/tickler?sslmode=verify-full")
        #expect(parsed.shared.passwordFile == "etc/secrets/db")
        #expect(parsed.shared.passwordVariable == nil)
        #expect(parsed.shared.lease.seconds == 45)
        // Defaults: a SQLite file beside the configuration, a 30 s lease.
        let plain = try #require(parse("").config)
        #expect(plain.statePath == "etc/tickler.sqlite")
        #expect(plain.shared == Config.SharedState())
        #expect(plain.shared.lease.seconds == 30)
        #expect(parse("state: postgresql://u@h/d\nstate_password_env: PW\n").config?.shared.passwordVariable == "PW")
    }

    @Test func mistakesAreReportedWhereTheyAre() {
        let (_, lines) = parse(
            """
            state: postgres://tickler:hunter2@db.example.com/tickler
            state_password_env: A
            state_password_file: b
            lease: 2s
            """)
        #expect(
            lines == [
                "etc/tickler.yaml:2:8: error: the state URL holds a password",
                "etc/tickler.yaml:2:8: note: take it out, and give it with state_password_env or state_password_file",
                "etc/tickler.yaml:4:1: error: give the database password one way: state_password_env or state_password_file",
                "etc/tickler.yaml:5:1: error: a lease of 2s is too short",
                "etc/tickler.yaml:5:1: note: replicas renew leases every lease/3; give at least 3s (default 30s)",
            ], "\(lines)")
        #expect(!lines.joined().contains("hunter2"))
        let (_, sqlite) = parse("lease: 30s\nstate_password_env: A\n")
        #expect(
            sqlite == [
                "etc/tickler.yaml:2:1: error: 'lease' applies to a PostgreSQL store only",
                "etc/tickler.yaml:2:1: note: 'state:' names a SQLite file here; a shared store is 'state: postgres://…'",
                "etc/tickler.yaml:3:1: error: 'state_password_env' applies to a PostgreSQL store only",
                "etc/tickler.yaml:3:1: note: 'state:' names a SQLite file here; a shared store is 'state: postgres://…'",
            ], "\(sqlite)")
    }
}

import Foundation
import Testing
import TicklerPostgres
import TicklerStore
import TicklerTestSupport

/// `state: postgres://…` as libpq reads it, and where the password comes from.
@Suite struct PostgresLocationTests {
    @Test func aURLIsReadAsLibpqReadsIt() throws {
        let full = try PostgresLocation(
            url:
                "postgres://tickler@db.example.com:6543/crm?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=4"
        )
        #expect(full.host == "db.example.com")
        #expect(full.port == 6543)
        #expect(full.user == "tickler")
        #expect(full.database == "crm")
        #expect(full.tls == .verifyFull)
        #expect(full.rootCertificate == "/etc/ca.pem")
        #expect(full.connectTimeout == 4)
        #expect(full.description == "postgres://tickler@db.example.com:6543/crm")
        let short = try PostgresLocation(url: "postgresql://ops@10.0.0.5")
        #expect(short.port == 5432)
        #expect(short.database == "ops")
        #expect(short.tls == .prefer)
        for mode in PostgresLocation.TLSMode.allCases {
            #expect(try PostgresLocation(url: "postgres://u@h/d?sslmode=\(mode.rawValue)").tls == mode)
        }
    }

    @Test func aBadURLSaysWhatIsWrongWithoutThePassword() {
        func message(_ url: String) -> String {
            do {
                _ = try PostgresLocation(url: url)
                return "accepted"
            } catch {
                return error.description
            }
        }
        let secret = message("postgres://tickler:s3cret@db/x")
        #expect(secret.contains("holds a password"))
        #expect(!secret.contains("s3cret"))
        #expect(message("postgres://u@h/d?sslmode=verify").contains("not one of libpq's"))
        #expect(message("postgres://u@h/d?sslmode=verify").contains("verify-full"))
        #expect(message("postgres://u@h/d?pool=3").contains("parameter 'pool'"))
        #expect(message("postgres://u@h/d?connect_timeout=soon").contains("connect_timeout"))
        #expect(message("postgres:///d").contains("names no host"))
        #expect(message("mysql://u@h/d").contains("is not a postgres:// URL"))
    }

    @Test func thePasswordComesFromTheConfiguredPlaceThenLibpqs() throws {
        let directory = try TemporaryDirectory()
        let location = try PostgresLocation(url: "postgres://tickler@db.example.com:5432/crm")
        let file = try directory.write("password", "from-file\nignored\n")
        let passfile = try directory.write(
            "pgpass", "# comment\nother:5432:crm:tickler:wrong\ndb.example.com:*:crm:tickler:pa\\:ss\n")
        #expect(
            try PostgresPassword.resolve(for: location, variable: "PW", file: nil, environment: ["PW": "env"]) == "env")
        #expect(try PostgresPassword.resolve(for: location, variable: nil, file: file, environment: [:]) == "from-file")
        #expect(
            try PostgresPassword.resolve(for: location, variable: nil, file: nil, environment: ["PGPASSWORD": "pg"])
                == "pg")
        #expect(
            try PostgresPassword.resolve(for: location, variable: nil, file: nil, environment: ["PGPASSFILE": passfile])
                == "pa:ss")
        #expect(try PostgresPassword.resolve(for: location, variable: nil, file: nil, environment: [:]) == nil)
        #expect(throws: StoreError.self) {
            try PostgresPassword.resolve(for: location, variable: "UNSET", file: nil, environment: [:])
        }
        #expect(throws: StoreError.self) {
            try PostgresPassword.resolve(for: location, variable: nil, file: directory.path("none"), environment: [:])
        }
    }
}

import Foundation
import Testing
import TicklerPostgres
import TicklerStore
import TicklerTestSupport

/// `sslmode` against a server that takes TCP connections only over TLS, with a certificate for
/// `localhost` signed by a certificate authority made for the test (openssl): each mode connects or
/// is refused as libpq's would be.
@Suite(.serialized) struct PostgresTLSTests {
    let cluster: PostgresCluster
    let database: String
    let certificates: TemporaryDirectory

    init() throws {
        cluster = try PostgresCluster()
        database = try PostgresLocation(url: try cluster.createDatabase()).database
        certificates = try TemporaryDirectory()
        try Self.makeCertificates(in: certificates)
        try cluster.requireTLS(
            certificate: certificates.path("server.crt"), key: certificates.path("server.key"))
    }

    /// A CA, a server certificate for `localhost` (no IP address) that it signs, and another CA.
    static func makeCertificates(in directory: TemporaryDirectory) throws {
        try directory.write("server.ext", "subjectAltName = DNS:localhost\n")
        let steps = [
            "req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=Tickler-Test-CA -keyout ca.key -out ca.crt",
            "req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=Another-CA -keyout other.key -out other.crt",
            "req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key -out server.csr",
            "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt",
        ]
        for step in steps {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = step.split(separator: " ").map(String.init)
            process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "openssl \(step)")
        }
    }

    private func open(host: String, _ parameters: String) throws(StoreError) -> PostgresStore {
        let location = try PostgresLocation(url: "postgres://tickler@\(host):\(cluster.port)/\(database)?\(parameters)")
        return try PostgresStore.open(location, password: cluster.password, executor: StoreKind.executor)
    }

    private var ca: String { certificates.path("ca.crt") }

    @Test func verifyFullConnectsToTheCertificatesHostSignedByTheGivenAuthority() throws {
        let store = try open(host: "localhost", "sslmode=verify-full&sslrootcert=\(ca)")
        defer { store.close() }
        try store.ping()
        #expect(try store.firstSeen().isEmpty)
    }

    @Test func verifyFullRefusesAHostTheCertificateDoesNotName() throws {
        let error = try #require(throws: StoreError.self) {
            try open(host: "127.0.0.1", "sslmode=verify-full&sslrootcert=\(ca)")
        }
        #expect(error.kind == .cannotOpen, "\(error.message)")
        #expect(error.message.contains("over TLS"), "\(error.message)")
        #expect(error.note?.hasPrefix("sslmode=verify-full: the certificate must name '127.0.0.1'") == true)
        #expect(!error.message.contains(cluster.password))
    }

    @Test func verifyCAChecksTheAuthorityButNotTheHost() throws {
        let store = try open(host: "127.0.0.1", "sslmode=verify-ca&sslrootcert=\(ca)")
        store.close()
        let other = certificates.path("other.crt")
        for mode in ["verify-ca", "verify-full"] {
            let error = try #require(throws: StoreError.self) {
                try open(host: "localhost", "sslmode=\(mode)&sslrootcert=\(other)")
            }
            #expect(error.kind == .cannotOpen && error.message.contains("over TLS"), "\(error.message)")
            #expect(error.note?.hasPrefix("sslmode=\(mode): the certificate must") == true)
        }
    }

    @Test(arguments: ["require", "prefer", "allow"])
    func unverifiedModesUseTheServersTLS(mode: String) throws {
        let store = try open(host: "127.0.0.1", "sslmode=\(mode)")
        defer { store.close() }
        try store.ping()
    }

    @Test func disableIsRefusedByAServerThatWantsTLS() throws {
        let error = try #require(throws: StoreError.self) { try open(host: "127.0.0.1", "sslmode=disable") }
        #expect(error.message.contains("no encryption"), "\(error.message)")
    }
}

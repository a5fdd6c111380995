import Foundation
import Testing
import TicklerTestSupport

/// The private PostgreSQL cluster the tests of the PostgreSQL store run against.
@Suite struct PostgresClusterTests {
    @Test func theSharedClusterAnswersThroughPsql() throws {
        let cluster = try PostgresCluster.shared()
        #expect(try cluster.psql("postgres", "select 1") == "1")
        #expect(try cluster.psql("postgres", "select current_user") == "tickler")
        #expect(try cluster.psql("postgres", "show server_encoding") == "UTF8")
        #expect(try cluster.psql("postgres", "show fsync") == "off")
        #expect(try cluster.psql("postgres", "show max_connections") == "200")
        #expect(try PostgresCluster.shared().port == cluster.port)
    }

    @Test func createDatabaseMakesADifferentDatabaseEachTime() throws {
        let cluster = try PostgresCluster.shared()
        let first = try cluster.createDatabase()
        let second = try cluster.createDatabase()
        #expect(first != second)
        #expect(first.hasPrefix("postgres://tickler@127.0.0.1:\(cluster.port)/"))
        #expect(first.hasSuffix("?sslmode=disable"))
        #expect(!first.contains(cluster.password))
        try cluster.psql(first, "create table marks (n int); insert into marks values (1), (2)")
        #expect(try cluster.psql(first, "select count(*) from marks") == "2")
        #expect(throws: PostgresCluster.Failure.self) { try cluster.psql(second, "select count(*) from marks") }
    }

    @Test func aFailingStatementThrowsWithPsqlsError() throws {
        let cluster = try PostgresCluster.shared()
        let error = #expect(throws: PostgresCluster.Failure.self) {
            try cluster.psql("postgres", "select * from no_such_table")
        }
        #expect(error?.description.contains("no_such_table") == true)
    }

    @Test func aWrongPasswordIsRefused() throws {
        let cluster = try PostgresCluster.shared()
        let psql = cluster.binDirectory + "/psql"
        func connect(password: String) throws -> String {
            let output = try Subprocess.run(
                "/usr/bin/env",
                [
                    "-i", "PGPASSWORD=" + password, psql, "-X", "-A", "-t", "-w", "--dbname=" + cluster.url("postgres"),
                    "--command=select 1",
                ])
            return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try connect(password: cluster.password) == "1")
        let error = #expect(throws: Subprocess.Failure.self) { try connect(password: "wrong-" + cluster.password) }
        #expect(error?.description.contains("password authentication failed") == true)
    }

    @Test func anOwnClusterKeepsItsRowsThroughRestartAndKill() throws {
        let cluster = try PostgresCluster()
        #expect(try cluster.psql("postgres", "select 1") == "1")
        try cluster.psql("postgres", "create table kept (n int); insert into kept values (1), (2), (3)")
        let port = cluster.port

        try cluster.restart()
        #expect(try cluster.psql("postgres", "select sum(n) from kept") == "6")

        try cluster.kill()
        #expect(throws: PostgresCluster.Failure.self) { try cluster.psql("postgres", "select 1") }
        try cluster.start()
        #expect(cluster.port == port)
        #expect(try cluster.psql("postgres", "select sum(n) from kept") == "6")

        try cluster.stop()
        try cluster.start()
        #expect(try cluster.psql("postgres", "select count(*) from kept") == "3")
    }

    @Test func releasingAnOwnClusterStopsItAndDeletesItsDirectory() throws {
        var cluster: PostgresCluster? = try PostgresCluster()
        let directory = URL(fileURLWithPath: cluster!.logPath).deletingLastPathComponent().path
        #expect(FileManager.default.fileExists(atPath: directory))
        cluster = nil
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}

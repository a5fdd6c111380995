import Foundation
import Testing
import TicklerTestSupport

/// Operating several replicas: events through any replica's HTTP API reach all and are sent once,
/// `status` lists the replicas and warns when their configurations differ, the metrics count them,
/// and `/readyz` says 503 while the database is down.
@Suite struct ReplicaOperationsTests {
    @Test func eventsStatusMetricsAndReadinessAcrossReplicas() async throws {
        let cluster = try PostgresCluster()
        let url = try cluster.createDatabase()
        let extra = "state_password_env: \(ReplicaWorkspace.passwordVariable)\nlease: 3s"
        let http = try HTTPWorkspace(extra: extra, state: url)
        let environment = [ReplicaWorkspace.passwordVariable: cluster.password]
        let first = try await http.start(environment: environment)
        let workspace = http.workspace
        let second = try DaemonProcess(
            arguments: ["run", "--config", workspace.config],
            environment: HTTPWorkspace.environment.merging(environment) { _, new in new },
            log: workspace.directory.path("second.log"))
        try await second.waitForLog(containing: "msg=started")

        // An event answered by the first replica: one thank-you, whichever replica sends it.
        #expect(try http.post(#"{"contact": "c1", "type": "purchase", "id": "crm-1"}"#).status == 201)
        try await Poll.until("the thank-you", timeout: .seconds(5)) { workspace.files(in: "out").count == 1 }
        try await Task.sleep(for: .seconds(1))
        #expect(workspace.files(in: "out").count == 1)
        // The second replica heard of it (it replanned its contact) without a file change.
        try await second.waitForLog(containing: "msg=events contacts=1", timeout: .seconds(2))

        let metrics = try http.get("/metrics", bearer: nil)
        #expect(metrics.body.contains("tickler_replicas 2"), "\(metrics.body)")
        for series in ["tickler_claims_total", "tickler_claims_lost_total", "tickler_lease_renewals_total"] {
            #expect(metrics.body.contains(series + " "), "no \(series)")
        }
        let promtool = try HTTPWorkspace.run(
            "/usr/bin/promtool", ["check", "metrics"], input: Array(metrics.body.utf8))
        #expect(promtool.isEmpty, "\(String(decoding: promtool, as: UTF8.self))")

        // status: both replicas, no warning; a third with another configuration brings the warning.
        let run = { (arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) in
            try TicklerProcess.run(arguments: arguments, environment: environment)
        }
        var status = try run(["status", "--config", workspace.config])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("REPLICAS"))
        #expect(status.stdout.components(separatedBy: " running").count - 1 == 2, "\(status.stdout)")
        #expect(!status.stdout.contains("warning:"))
        let other = workspace.directory.path("etc/other.yaml")
        try workspace.directory.write(
            "etc/other.yaml", try String(contentsOfFile: workspace.config, encoding: .utf8) + "# another\n")
        let third = try DaemonProcess(
            arguments: ["run", "--config", other], environment: HTTPWorkspace.environment.merging(environment) { $1 },
            log: workspace.directory.path("third.log"))
        try await third.waitForLog(containing: "msg=started")
        status = try run(["status", "--config", workspace.config, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((json["replicas"] as? [[String: Any]])?.filter { $0["running"] as? Bool == true }.count == 3)
        #expect((json["replica_warning"] as? String)?.contains("different configurations") == true, "\(json)")
        third.signal(SIGTERM)
        #expect(try await third.waitForExit() == 0)

        // The database goes away: not ready (503), and ready again once it is back.
        try cluster.stop()
        try await Poll.until("readyz to say 503", timeout: .seconds(15)) {
            try http.get("/readyz", bearer: nil).status == 503
        }
        #expect(try http.get("/readyz", bearer: nil).body.contains("does not answer"))
        try cluster.start()
        try await Poll.until("readyz to say 200 again", timeout: .seconds(30)) {
            try http.get("/readyz", bearer: nil).status == 200
        }
        first.signal(SIGTERM)
        second.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        #expect(try await second.waitForExit() == 0)
        status = try run(["status", "--config", workspace.config])
        #expect(status.stdout.components(separatedBy: " stopped ").count - 1 == 3, "\(status.stdout)")
    }
}

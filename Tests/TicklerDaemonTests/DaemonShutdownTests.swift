import Foundation
import Testing
import TicklerStore
import TicklerTestSupport

/// SIGTERM while a delivery is in flight: the daemon lets it finish (at most 10 s), records how it
/// ended, and exits 0; an attempt still running after 10 s is left `sending` and sent again, with the
/// same key, by the next start.
@Suite struct DaemonShutdownTests {
    /// A daemon that sends one reminder to `http`, which takes `answerDelay` seconds to answer, and is
    /// sent SIGTERM the moment the request has arrived. Returns when it has exited, with its status
    /// and how long it took to stop, by its log ("shutting down" to "stopped").
    static func terminateDuringDelivery(answerDelay: Double) async throws -> (
        http: HTTPSink, workspace: DaemonWorkspace, daemon: DaemonProcess, key: String, status: Int32,
        waited: TimeInterval
    ) {
        let http = try HTTPSink(HTTPSink.Configuration(answers: [HTTPSink.Answer(body: "ok", delay: answerDelay)]))
        let workspace = try DaemonWorkspace(
            channels: "  hook: { type: webhook, format: generic, url: \"\(http.url)/hook\" }",
            rules: "  - { name: heads-up, after: purchase, delay: 1s, to: owner, channel: hook, template: heads-up }")
        let daemon = try await workspace.startDaemon()
        let id = try workspace.addEvent("c1", "purchase")
        try await Poll.act(when: "the request at the receiver") {
            try http.requests().count == 1
        } action: {
            daemon.signal(SIGTERM)
        }
        let status = try await daemon.waitForExit()
        let stopping = try logTime(try #require(daemon.logLines(containing: "msg=\"shutting down\"").first))
        let stopped = try logTime(try #require(daemon.logLines(containing: "msg=stopped").first))
        return (http, workspace, daemon, "heads-up/c1/\(id)", status, stopped.timeIntervalSince(stopping))
    }

    @Test func sigtermWaitsForASlowDeliveryRecordsItAndExitsZero() async throws {
        let (_, workspace, daemon, key, status, waited) = try await Self.terminateDuringDelivery(answerDelay: 5)
        #expect(status == 0)
        // It waited for the answer (5 s after the request arrived), and no longer than the grace.
        #expect(waited < 10, "stopped \(waited) s after SIGTERM")
        let log = daemon.log()
        let order = ["msg=\"shutting down\" in_flight=1", "msg=delivered ", "msg=stopped"].compactMap {
            log.range(of: $0)?.lowerBound
        }
        #expect(order.count == 3 && order == order.sorted(), "\(daemon.logTail())")

        let history = try workspace.store().history(contact: "c1", limit: 10)
        #expect(history.map(\.key) == [key])
        #expect(history.map(\.outcome) == [.delivered])
        #expect(history.first?.finishedAt != nil)
        #expect(try workspace.statusCounts() == [["delivered", "hook", "1"]])
    }

    @Test func anAttemptOutlastingTheGraceIsLeftSendingAndSentAgainWithTheSameKey() async throws {
        let (http, workspace, daemon, key, status, waited) = try await Self.terminateDuringDelivery(answerDelay: 14)
        #expect(status == 0)
        #expect(waited > 9.9 && waited < 11, "stopped \(waited) s after SIGTERM")
        #expect(daemon.logLines(containing: "deliveries still in flight at shutdown").count == 1)
        #expect(try workspace.statusCounts() == [["sending", "hook", "1"]])

        let restarted = try await workspace.startDaemon()
        try await restarted.waitForLog(containing: "msg=delivered ")
        let requests = try http.requests()
        #expect(requests.map { $0.header("Idempotency-Key") } == [key, key])
        let history = try workspace.store().history(contact: "c1", limit: 10)
        #expect(history.map(\.outcome) == [.delivered, .interrupted])
        #expect(history.map(\.attempt) == [2, 1])
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)
    }
}

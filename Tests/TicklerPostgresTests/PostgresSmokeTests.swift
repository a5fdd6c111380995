import Foundation
import Testing
import TicklerCore
import TicklerDaemon
import TicklerPostgres
import TicklerStore
import TicklerTestSupport

@Suite struct PostgresSmokeTests {
    @Test func eventsAndOutbox() throws {
        let cluster = try PostgresCluster.shared()
        let url = try cluster.createDatabase()
        let store = try PostgresStore.open(
            try PostgresLocation(url: url), password: cluster.password,
            executor: SerialTaskExecutor(label: "test.pg"))
        let event = try store.addEvent(
            contact: "张伟", type: "purchase", at: 100, note: "a\tb\nc", recordedAt: 100, source: "cli")
        #expect(event.id == "1")
        #expect(try store.events(contact: nil, type: nil).map(\.note) == ["a\tb\nc"])
        try store.recordFirstSeen(["a", "b"], at: 5)
        try store.recordFirstSeen(["b", "c"], at: 6)
        #expect(try store.firstSeen().dictionary == ["a": 5, "b": 5, "c": 6])
        let result = try store.importEvents([ImportedEvent(id: "250", contact: "x", type: "t", at: 1)], recordedAt: 1)
        #expect(result.inserted == 1)
        #expect(try store.addEvent(contact: "y", type: "t", at: 2, recordedAt: 2, source: "cli").id == "251")
        #expect(try store.status(now: 0, limit: 10).dueNow == 0)
        #expect(try store.history(contact: nil, limit: 10).isEmpty)
    }
}

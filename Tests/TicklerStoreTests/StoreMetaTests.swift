import Dispatch
import Foundation
import Testing
import TicklerCore
import TicklerStore

/// The named values (`meta`), on both stores: the daemon's marks and the unsubscribe secret.
@Suite struct StoreMetaTests {
    @Test(arguments: StoreKind.allCases) func metaValuesAreKeptAndRemoved(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        #expect(try store.metaValue("scheduled_through") == nil)
        try store.setMetaValue("1700000000", for: "scheduled_through")
        try store.setMetaValue("1700086400", for: "scheduled_through")
        #expect(try store.metaValue("scheduled_through") == "1700086400")
        let reopened = try store.reopened()
        #expect(try reopened.metaValue("scheduled_through") == "1700086400")
        try store.setMetaValue(nil, for: "scheduled_through")
        #expect(try store.metaValue("scheduled_through") == nil)
        #expect(try reopened.metaValue("scheduled_through") == nil)
        try store.setMetaValue(nil, for: "never_set")  // removing what is not there is no error
        #expect(try store.metaValue("never_set") == nil)
    }

    /// The unsubscribe secret is made once: whoever stores first, every caller gets that value.
    @Test(arguments: StoreKind.allCases) func aValueStoredIfAbsentKeepsTheFirst(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        #expect(try store.metaValue("unsubscribe_secret", storingIfAbsent: "first") == "first")
        let other = try store.reopened()
        #expect(try other.metaValue("unsubscribe_secret", storingIfAbsent: "second") == "first")
        #expect(try store.metaValue("unsubscribe_secret") == "first")
        try store.setMetaValue("third", for: "unsubscribe_secret")
        #expect(try other.metaValue("unsubscribe_secret", storingIfAbsent: "fourth") == "third")
    }

    /// Processes starting together (two replicas, the daemon and a command) race to make the secret:
    /// every one gets the value stored first.
    @Test(arguments: StoreKind.allCases) func racingToStoreAFirstValueEveryoneGetsTheSame(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let handles = try (0..<4).map { _ in try store.reopened() }
        let answers = Answers()
        let started = DispatchGroup()
        for (index, handle) in handles.enumerated() {
            started.enter()
            Thread {
                answers.append(Result { try handle.metaValue("unsubscribe_secret", storingIfAbsent: "value-\(index)") })
                started.leave()
            }.start()
        }
        started.wait()
        let values = try answers.values.map { try $0.get() }
        #expect(values.count == 4)
        #expect(Set(values).count == 1)
        #expect(try store.metaValue("unsubscribe_secret") == values.first)
    }

    /// `/readyz`: a store that can be read answers.
    @Test(arguments: StoreKind.allCases) func aStoreThatCanBeReadAnswersThePing(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.ping()
        try store.reopened().ping()
    }
}

/// Results collected from threads.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Result<String, any Error>] = []

    func append(_ value: Result<String, any Error>) { lock.withLock { stored.append(value) } }
    var values: [Result<String, any Error>] { lock.withLock { stored } }
}

import Dispatch
import TicklerCore
import TicklerStore

/// What a daemon reads from its store before it can plan: every first-seen time and every event.
///
/// With a million contacts that is most of a second, and none of it depends on the contacts: so
/// `tickler run` reads it on another thread while the contacts load, and gives it to the daemon
/// (``Daemon/init(configuration:workspace:store:history:clock:makeTransport:logger:)``). A daemon
/// given none reads it when it starts. Either way the events recorded after it was read are read
/// at start as new events.
public struct StoreHistory: Sendable {
    var firstSeen: FirstSeenTimes
    var events: [Event]
    var index: EventIndex
    /// The sequence number of the last event read.
    var lastSequence: Int64

    /// Reads the first-seen times and the events at once, each on a thread of its own (both
    /// stores serve concurrent readers: SQLite in WAL mode, PostgreSQL on two connections), and
    /// indexes the events.
    public static func read(from store: any StateStore) throws(StoreError) -> StoreHistory {
        nonisolated(unsafe) var firstSeen: Result<FirstSeenTimes, StoreError> = .success(FirstSeenTimes())
        let reading = DispatchGroup()
        DispatchQueue(label: "tickler.first-seen").async(group: reading) {
            firstSeen = Result { () throws(StoreError) in try store.firstSeen() }
        }
        let events = Result { () throws(StoreError) in try store.events(afterSequence: 0) }
            .map { ($0, EventIndex($0.events)) }
        reading.wait()
        let ((read, last), index) = try events.get()
        return StoreHistory(firstSeen: try firstSeen.get(), events: read, index: index, lastSequence: last)
    }
}

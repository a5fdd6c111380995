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

    /// Reads the first-seen times and the events, and indexes the events, on the calling thread
    /// (a daemon's `begin()` blocks its own queue on it, and must not wait for another thread).
    public static func read(from store: any StateStore) throws(StoreError) -> StoreHistory {
        let firstSeen = try store.firstSeen()
        let (events, last) = try store.events(afterSequence: 0)
        return StoreHistory(firstSeen: firstSeen, events: events, index: EventIndex(events), lastSequence: last)
    }
}

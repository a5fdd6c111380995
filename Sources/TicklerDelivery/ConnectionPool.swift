import Dispatch
import Synchronization

/// A fixed set of connections (the channel's `connections:`), each used by one transfer at a time.
///
/// `acquire()` hands out an idle connection, or waits for one in first-come order. The most recently
/// released connection is handed out first, so a sender that sends one message after another keeps
/// using one warm connection and the others stay closed until there is parallel work for them.
final class ConnectionPool<Connection: Sendable>: Sendable {
    private struct State {
        var idle: [Connection]
        var waiters: [CheckedContinuation<Connection, Never>] = []
    }

    private let state: Mutex<State>

    /// A pool of `connections`, all idle; it must not be empty.
    init(_ connections: [Connection]) {
        precondition(!connections.isEmpty, "a connection pool needs at least one connection")
        state = Mutex(State(idle: connections))
    }

    /// An idle connection, waiting for one to be released if all are busy. Waiting is not cancellable:
    /// a busy connection is released within its transfer's timeout.
    func acquire() async -> Connection {
        await withCheckedContinuation { continuation in
            let ready: Connection? = state.withLock { state in
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Gives `connection` back: to the longest waiter, or to the idle set.
    func release(_ connection: Connection) {
        let waiter: CheckedContinuation<Connection, Never>? = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }
}

/// A connection whose blocking libcurl transfers run on its own serial queue, never on the Swift
/// concurrency pool.
protocol QueuedConnection: Sendable {
    var queue: DispatchQueue { get }
}

extension ConnectionPool where Connection: QueuedConnection {
    /// Takes an idle connection (waiting for one if all are busy), runs `transfer` on its queue, and
    /// gives it back: how webhooks and file writes are sent (SMTP batches through `SMTPDispatcher`).
    func run<Outcome: Sendable>(_ transfer: @escaping @Sendable (Connection) -> Outcome) async -> Outcome {
        let connection = await acquire()
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            connection.queue.async { continuation.resume(returning: transfer(connection)) }
        }
        release(connection)
        return outcome
    }
}

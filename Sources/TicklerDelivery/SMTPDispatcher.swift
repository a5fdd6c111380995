import Synchronization
import TicklerCore
import TicklerMessages

/// Hands a transport's messages to its connections in batches: a message waits in line, and an idle
/// connection takes everything waiting (at most `batchLimit`) and sends it in one go — pipelined from
/// one message to the next when the server offers `PIPELINING`. With one message at a time this is
/// one message per batch; with several senders, the messages that arrive while a connection is busy
/// go out together, one round trip each.
///
/// The most recently idle connection is used first, so one sender keeps one warm connection and the
/// others stay closed until there is parallel work for them.
final class SMTPDispatcher: Sendable {
    typealias Outcome = Result<SMTPReceipt, DeliveryFailure>

    private struct Waiting {
        var message: MailMessage
        var continuation: CheckedContinuation<Outcome, Never>
    }

    private struct State {
        var idle: [SMTPConnection]
        var waiting: [Waiting] = []
    }

    /// The most messages one connection takes at once.
    static let batchLimit = 32

    private let state: Mutex<State>

    init(_ connections: [SMTPConnection]) {
        precondition(!connections.isEmpty, "a transport needs at least one connection")
        state = Mutex(State(idle: connections))
    }

    /// Sends `message` on the first connection free to take it.
    func send(_ message: MailMessage) async -> Outcome {
        await withCheckedContinuation { continuation in
            let free: SMTPConnection? = state.withLock { state in
                state.waiting.append(Waiting(message: message, continuation: continuation))
                return state.idle.popLast()
            }
            if let free { free.queue.async { self.drain(free) } }
        }
    }

    /// Sends batches on `connection` until nothing waits, then puts it back among the idle ones.
    private func drain(_ connection: SMTPConnection) {
        while true {
            let batch: [Waiting] = state.withLock { state in
                let taken = Array(state.waiting.prefix(Self.batchLimit))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.idle.append(connection) }
                return taken
            }
            guard !batch.isEmpty else { return }
            let outcomes = connection.send(batch.map(\.message))
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(returning: outcome) }
        }
    }
}

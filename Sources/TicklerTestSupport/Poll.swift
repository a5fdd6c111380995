import Foundation

/// Waiting for a condition instead of sleeping for a guessed time: tests of real processes poll what
/// they can see (a log line, a file, a row) until it holds, and fail with what they waited for.
///
///     try await Poll.until("3 messages at the sink", timeout: .seconds(20)) { try sink.messages().count >= 3 }
///
/// It sleeps with `Task.sleep`, not by blocking its thread: Swift Testing runs tests on the
/// cooperative pool (a thread per core), which a blocked test would take from every other test. The
/// other side of that: in a busy run a waiting test may get its thread back seconds late. Where the
/// moment matters — a signal while a delivery is in flight — use ``act(when:timeout:condition:action:)``.
public enum Poll {
    public struct Timeout: Error, CustomStringConvertible {
        public var description: String
    }

    /// Calls `condition` every `interval` until it returns `true`; throws ``Timeout`` (naming `what`
    /// and adding `context()`, e.g. a log's end) after `timeout` — generous, since a loaded machine
    /// may be slow and only a failing test waits that long. Errors `condition` throws end the wait.
    public static func until(
        _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(20),
        context: () -> String = { "" }, _ condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try condition() { return }
            guard ContinuousClock.now < deadline else {
                let extra = context()
                throw Timeout(description: "waited \(timeout) for \(what)" + (extra.isEmpty ? "" : ":\n" + extra))
            }
            try await Task.sleep(for: interval)
        }
    }

    /// Runs `action` the moment `condition` holds, both on a thread of its own that checks every
    /// 10 ms, so the moment does not wait for a free thread of the cooperative pool; returns when
    /// the action has run. Throws ``Timeout`` (naming `what`) after `timeout`, without acting.
    public static func act(
        when what: String, timeout: Duration = .seconds(60), condition: @escaping @Sendable () throws -> Bool,
        action: @escaping @Sendable () -> Void
    ) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                let deadline = ContinuousClock.now + timeout
                do {
                    while try !condition() {
                        guard ContinuousClock.now < deadline else {
                            throw Timeout(description: "waited \(timeout) for \(what)")
                        }
                        Thread.sleep(forTimeInterval: 0.01)
                    }
                    action()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}

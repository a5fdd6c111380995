import Dispatch
import Foundation

/// Where the daemon gets the time and its wake-ups: the wall clock and Dispatch timers in
/// production (``WallClock``), a clock a test moves by hand in the timing tests.
///
/// Instants are whole seconds since the epoch, as the store keeps them.
public protocol DaemonClock: Sendable {
    /// The current instant.
    func now() -> Int64
    /// A timer, disarmed, that calls `handler` on `queue` once the instant it is armed at has come.
    func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> any DaemonTimer
}

/// A one-shot timer of a ``DaemonClock``: armed again, it forgets the previous instant.
public protocol DaemonTimer: AnyObject, Sendable {
    /// Calls the handler once `instant` has come (at once when it has passed).
    func arm(at instant: Int64)
    /// Never calls the handler again.
    func cancel()
}

/// The system's clock: `Date()` for now, and one `DispatchSourceTimer` per timer on a wall-clock
/// deadline, so that a suspended machine or a clock set forward wakes it when the instant comes.
public struct WallClock: DaemonClock {
    public init() {}

    public func now() -> Int64 {
        Int64(Date().timeIntervalSince1970.rounded(.down))
    }

    public func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> any DaemonTimer {
        DispatchWallTimer(queue: queue, handler: handler)
    }
}

/// A ``DaemonTimer`` over a `DispatchSourceTimer` with a wall-clock deadline.
final class DispatchWallTimer: DaemonTimer, @unchecked Sendable {
    // A Dispatch source is safe to schedule and cancel from any thread.
    private let source: DispatchSourceTimer

    init(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) {
        source = DispatchSource.makeTimerSource(queue: queue)
        source.setEventHandler(handler: handler)
        source.schedule(wallDeadline: .distantFuture)
        source.resume()
    }

    func arm(at instant: Int64) {
        source.schedule(wallDeadline: DispatchWallTime(timespec: timespec(tv_sec: Int(instant), tv_nsec: 0)))
    }

    func cancel() {
        source.cancel()
    }
}

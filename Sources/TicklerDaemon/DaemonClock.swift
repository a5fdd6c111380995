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
///
/// A replica of a shared store runs on the database's clock: `offset` is how far the database's
/// clock is ahead of this machine's (seconds), added to what it reads and taken from its deadlines.
public struct WallClock: DaemonClock {
    public let offset: Double

    public init(offset: Double = 0) {
        self.offset = offset
    }

    public func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 + offset).rounded(.down))
    }

    public func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> any DaemonTimer {
        DispatchWallTimer(queue: queue, offset: offset, handler: handler)
    }
}

/// A ``DaemonTimer`` over a `DispatchSourceTimer` with a wall-clock deadline.
final class DispatchWallTimer: DaemonTimer, @unchecked Sendable {
    // A Dispatch source is safe to schedule and cancel from any thread.
    private let source: DispatchSourceTimer
    private let offset: Double

    init(queue: DispatchQueue, offset: Double = 0, handler: @escaping @Sendable () -> Void) {
        self.offset = offset
        source = DispatchSource.makeTimerSource(queue: queue)
        source.setEventHandler(handler: handler)
        source.schedule(wallDeadline: .distantFuture)
        source.resume()
    }

    func arm(at instant: Int64) {
        let local = Double(instant) - offset
        let seconds = local.rounded(.down)
        source.schedule(
            wallDeadline: DispatchWallTime(
                timespec: timespec(tv_sec: Int(seconds), tv_nsec: Int((local - seconds) * 1e9))))
    }

    func cancel() {
        source.cancel()
    }
}

import Dispatch
import Synchronization
import TicklerDaemon

/// A ``DaemonClock`` a test moves by hand: `now()` is what the test set, and a timer fires — its
/// handler queued on its queue — when ``advance(to:)`` reaches the instant it is armed at.
final class ManualClock: DaemonClock {
    private struct State {
        var now: Int64
        var timers: [ManualTimer] = []
    }

    private let state: Mutex<State>

    init(now: Int64) {
        state = Mutex(State(now: now))
    }

    func now() -> Int64 { state.withLock { $0.now } }

    func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> any DaemonTimer {
        let timer = ManualTimer(clock: self, queue: queue, handler: handler)
        state.withLock { $0.timers.append(timer) }
        return timer
    }

    /// The earliest instant a live timer is armed at.
    var nextDeadline: Int64? {
        state.withLock { state in state.timers.compactMap(\.deadline).min() }
    }

    /// Sets the time to `instant` and fires every timer armed at or before it.
    func advance(to instant: Int64) {
        let due = state.withLock { state in
            state.now = instant
            return state.timers.filter { ($0.deadline ?? .max) <= instant }
        }
        for timer in due { timer.fire() }
    }

    fileprivate func remove(_ timer: ManualTimer) {
        state.withLock { $0.timers.removeAll { $0 === timer } }
    }
}

final class ManualTimer: DaemonTimer {
    private unowned let clock: ManualClock
    private let queue: DispatchQueue
    private let handler: @Sendable () -> Void
    private let armed = Mutex<Int64?>(nil)

    fileprivate init(clock: ManualClock, queue: DispatchQueue, handler: @escaping @Sendable () -> Void) {
        self.clock = clock
        self.queue = queue
        self.handler = handler
    }

    var deadline: Int64? { armed.withLock { $0 } }

    func arm(at instant: Int64) {
        armed.withLock { $0 = instant }
        // As a Dispatch timer does, one armed in the past fires at once.
        if instant <= clock.now() { fire() }
    }

    func cancel() {
        armed.withLock { $0 = nil }
        clock.remove(self)
    }

    fileprivate func fire() {
        guard
            armed.withLock({ deadline in
                defer { deadline = nil }
                return deadline != nil
            })
        else { return }
        queue.async(execute: handler)
    }
}

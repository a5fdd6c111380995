import Dispatch

/// Runs the steps of the daemon's delivery tasks — short: composing, handing a transfer to a
/// connection's queue, taking its result — on a serial queue instead of Swift's global concurrent
/// executor.
///
/// On Linux the global executor runs on libdispatch's concurrent pools, and their first use starts a
/// timer that checks on the pools' threads every second for as long as the process lives: an idle
/// daemon would wake once a second. Serial queues run on threads that timer does not watch.
final class SerialTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

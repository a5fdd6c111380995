import Dispatch

/// Runs the steps of the daemon's tasks — its service group's, and its deliveries', which are short:
/// composing, handing a transfer to a connection's queue, taking its result — on a serial queue
/// instead of Swift's global concurrent executor.
///
/// On Linux the global executor runs on libdispatch's concurrent pools, and their first use starts a
/// timer that checks on the pools' threads every second for as long as the process lives: an idle
/// daemon would wake once a second. Serial queues run on threads that timer does not watch.
public final class SerialTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

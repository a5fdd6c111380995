import ServiceLifecycle
import TicklerStore

/// The daemon as a swift-service-lifecycle `Service`: `tickler run` runs it in a `ServiceGroup`,
/// which turns SIGTERM and SIGINT into a graceful shutdown.
extension Daemon: Service {
    /// Starts the daemon on its queue and returns once it has stopped: after a graceful shutdown (or
    /// the task's cancellation) has let the deliveries in flight finish. Throws the ``StoreError``
    /// when the store cannot be read at start, after logging it.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    queue.async { [self] in
                        // A shutdown that came before the start: nothing to start.
                        guard !stopping else { return continuation.resume() }
                        running = continuation
                        do throws(StoreError) {
                            try begin()
                        } catch {
                            logger.critical("cannot start", metadata: ["error": "\(error.message)"])
                            running = nil
                            stopping = true
                            releaseSources()
                            continuation.resume(throwing: error)
                        }
                    }
                }
            } onCancel: { [self] in
                queue.async { [self] in shutDown() }
            }
        } onGracefulShutdown: { [self] in
            queue.async { [self] in shutDown() }
        }
    }
}

import TicklerCore
import TicklerDelivery

/// What the daemon needs of delivery: how many messages a channel may have in flight, and sending
/// one. ``Courier`` (every configured channel over libcurl and the file system) is the
/// implementation; the timing tests use transports that fail as told.
public protocol DaemonTransport: Sendable {
    /// How many messages `channel` may have in flight at once.
    func parallelism(of channel: String) -> Int
    /// Sends `message` through its channel at `now`: the server's answer in one line, or why not.
    func deliver(_ message: RenderedMessage, now: Int64) async throws(DeliveryFailure) -> String
}

extension Courier: DaemonTransport {}

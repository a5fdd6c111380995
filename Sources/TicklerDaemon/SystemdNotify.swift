import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `sd_notify(3)` without libsystemd: a datagram to `$NOTIFY_SOCKET` (a path, or `@name` in the
/// abstract namespace). Nothing happens when the variable is unset (not run by systemd as
/// `Type=notify`).
public enum SystemdNotify {
    /// Sends `state` (e.g. `READY=1`); returns whether it was sent.
    @discardableResult
    public static func send(_ state: String, environment: [String: String]) -> Bool {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return false }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, socketAddress, length) }
            }
        }
        return sent == message.count
    }
}

/// Sends `READY=1` once every part of the service has said it is ready (the daemon has planned,
/// the HTTP server listens).
public final class Readiness: @unchecked Sendable {
    private let lock = NSLock()
    private var waiting: Set<String>
    private let environment: [String: String]

    public init(parts: Set<String>, environment: [String: String]) {
        waiting = parts
        self.environment = environment
    }

    public func ready(_ part: String) {
        let all = lock.withLock { waiting.remove(part) != nil && waiting.isEmpty }
        if all { SystemdNotify.send("READY=1", environment: environment) }
    }
}

import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// Raw bytes over a connection libcurl set up with `CURLOPT_CONNECT_ONLY` (connected, and for SMTP
/// greeted, upgraded to TLS and authenticated): `curl_easy_send` and `curl_easy_recv`, which never
/// block, with `poll(2)` on the connection's socket to wait until a deadline. libcurl does the TLS.
extension CurlHandle {
    /// Writes all of `bytes`, waiting as long as `deadline` allows.
    public func send(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(CurlError) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { buffer in
                tickler_curl_easy_send(raw, buffer.baseAddress! + offset, buffer.count - offset, &sent)
            }
            switch code {
            case CURLE_OK: offset += sent
            case CURLE_AGAIN: try wait(for: Int16(POLLOUT), until: deadline, doing: "sending")
            default: throw CurlError(code, detail: "while sending")
            }
        }
    }

    /// Appends what has arrived to `input`, waiting until something has or `deadline` passes. The
    /// server closing the connection is an error (`CURLE_RECV_ERROR`): SMTP servers only close after
    /// their last reply, and a reply was awaited.
    public func receive(appendingTo input: inout [UInt8], deadline: ContinuousClock.Instant) throws(CurlError) {
        let chunk = 16_384
        while true {
            let start = input.count
            var received = 0
            input.append(contentsOf: repeatElement(0, count: chunk))
            let code = input.withUnsafeMutableBytes {
                tickler_curl_easy_recv(raw, $0.baseAddress! + start, chunk, &received)
            }
            input.removeLast(chunk - (code == CURLE_OK ? received : 0))
            switch code {
            case CURLE_OK where received > 0: return
            case CURLE_OK: throw CurlError(CURLE_RECV_ERROR, detail: "the server closed the connection")
            case CURLE_AGAIN: try wait(for: Int16(POLLIN), until: deadline, doing: "waiting for the server's reply")
            default: throw CurlError(code, detail: "while receiving")
            }
        }
    }

    /// Whether the server has said something or hung up while nobody was waiting for it (an idle
    /// connection it timed out: `421 …`, then closed). Reads at most one byte, without waiting; TLS
    /// records that carry no data (session tickets) do not count.
    public var hasSpokenOrClosed: Bool {
        var byte: UInt8 = 0
        var received = 0
        return tickler_curl_easy_recv(raw, &byte, 1, &received) != CURLE_AGAIN
    }

    /// Waits until the connection's socket is ready for `events`, or fails with
    /// `CURLE_OPERATION_TIMEDOUT` at `deadline`.
    private func wait(for events: Int16, until deadline: ContinuousClock.Instant, doing what: String)
        throws(CurlError)
    {
        var socket = curl_socket_t(-1)
        guard tickler_curl_easy_getinfo_socket(raw, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else {
            throw CurlError(CURLE_RECV_ERROR, detail: "the connection is gone")
        }
        while true {
            let left = ContinuousClock.now.duration(to: deadline).components
            let milliseconds = max(0, left.seconds * 1_000 + left.attoseconds / 1_000_000_000_000_000)
            guard milliseconds > 0 else {
                throw CurlError(CURLE_OPERATION_TIMEDOUT, detail: "timed out \(what)")
            }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(milliseconds, Int64(Int32.max))))
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw CurlError(CURLE_RECV_ERROR, detail: "poll failed while \(what)") }
        }
    }
}

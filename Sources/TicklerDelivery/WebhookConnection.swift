import CCurl
import Dispatch
import TicklerCore
import TicklerMessages

/// One HTTP connection of a webhook transport: a libcurl easy handle (and the keep-alive connection
/// libcurl keeps open for it) together with the serial queue that alone touches it.
///
/// `@unchecked Sendable` because the handle, its only mutable part, is confined to `queue`: `post`
/// checks that it runs there, and the pool hands a connection to one transfer at a time. Closing an
/// HTTP connection sends nothing, so the handle may be destroyed on any thread once no transfer holds
/// the connection.
final class WebhookConnection: QueuedConnection, @unchecked Sendable {
    let queue: DispatchQueue
    private let configuration: CurlHandle.Configuration
    /// Created on first use; only touched on `queue`.
    private var handle: CurlHandle?

    init(number: Int, channel: String, configuration: CurlHandle.Configuration) {
        queue = DispatchQueue(label: "tickler.webhook.\(channel).\(number)")
        self.configuration = configuration
    }

    /// POSTs `request` with `Content-Type: application/json` and returns the answer, whatever its
    /// status; only failures to get one (refused, timed out, TLS) are errors. Call on `queue` only.
    func post(_ request: WebhookRequest) -> Result<WebhookResponse, CurlError> {
        dispatchPrecondition(condition: .onQueue(queue))
        do {
            let handle = try prepared()
            try handle.set(CURLOPT_URL, request.url)
            // "Expect:" stops libcurl from waiting for a "100 Continue" before larger bodies. A header
            // with an empty value is written "Name;" (libcurl reads "Name:" as "remove this header").
            let headers = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
            try handle.set(CURLOPT_HTTPHEADER, list: ["Content-Type: application/json", "Expect:"] + headers)
            try handle.setPostBody(request.body)
            try handle.perform()
            return .success(
                WebhookResponse(
                    status: handle.responseCode, retryAfter: handle.header("Retry-After"),
                    rateLimitReset: handle.header("x-ogw-ratelimit-reset"), body: handle.responseBody,
                    bodyTruncated: handle.responseTruncated, reusedConnection: handle.newConnections == 0))
        } catch {
            return .failure(error)
        }
    }

    /// The handle, set up for HTTP on first use: no redirects followed, compressed answers accepted.
    private func prepared() throws(CurlError) -> CurlHandle {
        if let handle { return handle }
        let handle = try CurlHandle.make(configuration)
        try handle.set(CURLOPT_FOLLOWLOCATION, 0)
        try handle.set(CURLOPT_ACCEPT_ENCODING, "")
        try handle.set(CURLOPT_USERAGENT, "Tickler")
        self.handle = handle
        return handle
    }
}

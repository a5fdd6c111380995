import CCurl

/// A libcurl call that did not return `CURLE_OK`: the `CURLcode`, libcurl's text for it
/// (`curl_easy_strerror`) and, when libcurl wrote one, the transfer's own detail (`CURLOPT_ERRORBUFFER`,
/// e.g. "Failed to connect to 127.0.0.1 port 2525 after 0 ms: Couldn't connect to server").
///
/// The detail is libcurl's text about the connection; Tickler never puts credentials in a URL it hands
/// to libcurl, so it carries no password (`DeliveryFailure` still redacts known secrets from it).
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `CURLcode` (`CURLE_COULDNT_CONNECT` is 7).
    public var code: UInt32
    /// `curl_easy_strerror(code)`: "Couldn't connect to server".
    public var summary: String
    /// The transfer's error buffer, when libcurl filled it.
    public var detail: String?
    /// The `setopt`/`getinfo` call that failed, for errors outside a transfer (`CURLOPT_URL`).
    public var call: String?

    /// The error for `code`, with libcurl's text for it.
    public init(_ code: CURLcode, detail: String? = nil, call: String? = nil) {
        self.code = code.rawValue
        summary = String(cString: tickler_curl_easy_strerror(code))
        let trimmed = detail?.trimmingTrailingWhitespace
        self.detail = trimmed?.isEmpty == false && trimmed != summary ? trimmed : nil
        self.call = call
    }

    /// The `CURLcode` as libcurl declares it.
    public var curlCode: CURLcode { CURLcode(rawValue: code) }

    /// `libcurl error 7: Couldn't connect to server (Failed to connect to … port 2525 …)`.
    public var description: String {
        var text = "libcurl error \(code): \(summary)"
        if let detail { text += " (\(detail))" }
        if let call { text += " in \(call)" }
        return text
    }
}

extension String {
    fileprivate var trimmingTrailingWhitespace: String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

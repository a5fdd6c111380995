import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process-wide libcurl setup, done exactly once before the first easy handle exists.
///
/// `curl_global_init` is not thread-safe in every libcurl build, so it runs inside a Swift `static let`
/// initializer, which the runtime executes once under a lock (`swift_once`). SIGPIPE is ignored in the
/// same step: a server closing a connection while libcurl writes must fail that write with EPIPE, not
/// kill the daemon (libcurl suppresses it per socket on some platforms only, and `CURLOPT_NOSIGNAL`
/// makes libcurl leave signal handling to the application).
public enum CurlGlobal {
    /// Runs the setup once; later calls return the first result at once.
    public static func initialize() throws(CurlError) {
        if let reason = loadFailure { throw CurlError(CURLE_FAILED_INIT, detail: reason, call: "dlopen") }
        let code = CURLcode(rawValue: initialized)
        guard code == CURLE_OK else { throw CurlError(code, call: "curl_global_init") }
    }

    /// Why libcurl could not be opened (see CCurl.h), or `nil` once it is; opens it on first use.
    public static var loadFailure: String? { tickler_curl_load_error().map { String(cString: $0) } }

    /// The `CURLcode` that `curl_global_init` returned.
    private static let initialized: UInt32 = {
        signal(SIGPIPE, SIG_IGN)
        // CURL_GLOBAL_ALL: the SSL and (on Windows) socket set-up.
        return tickler_curl_global_init(Int(CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32)).rawValue
    }()
}

import CCurl
import TicklerCore
import TicklerMessages

/// One libcurl easy handle, kept alive across transfers so that libcurl reuses its connection.
///
/// Options are set through the typed wrappers of `CCurl.h`; every `CURLcode` becomes a `CurlError`.
/// A handle is not thread-safe and `perform()` blocks: each one belongs to a single serial
/// `DispatchQueue` (see `SMTPConnection`) and is only touched there — never on the Swift concurrency
/// pool. It is therefore not `Sendable`.
///
/// Every handle has, from the start: `CURLOPT_NOSIGNAL` (no SIGALRM for DNS timeouts; SIGPIPE is
/// ignored process-wide by `CurlGlobal`), the allowed protocols (`CURLOPT_PROTOCOLS_STR`, also for
/// redirects), TLS peer and host verification on (`CURLOPT_SSL_VERIFYPEER` 1, `VERIFYHOST` 2) with an
/// optional extra CA file (`CURLOPT_CAINFO`; Debian's libcurl keeps `/etc/ssl/certs` as its CA path, so
/// the system authorities stay trusted), connect and whole-transfer timeouts, TCP keep-alive, a
/// longer idle age for reusing a connection (`CURLOPT_MAXAGE_CONN`; libcurl's default is 118 s), an
/// error buffer, and a write callback that collects `responseBody` (up to `maxResponseBytes`; the rest
/// is read and dropped).
public final class CurlHandle {
    /// How a handle is set up once, before its first transfer.
    public struct Configuration: Sendable, Hashable {
        /// `CURLOPT_PROTOCOLS_STR`: `"smtp,smtps"` or `"http,https"`.
        public var protocols: String
        /// `CURLOPT_CONNECTTIMEOUT_MS`.
        public var connectTimeoutMilliseconds: Int
        /// `CURLOPT_TIMEOUT_MS`: the whole transfer, connecting included.
        public var timeoutMilliseconds: Int
        /// `CURLOPT_CAINFO`: PEM certificates to trust besides the system's.
        public var caFile: String?
        /// `CURLOPT_MAXAGE_CONN`: how long (seconds) an idle connection may wait to be reused.
        public var maxIdleSeconds: Int
        /// How much of a response body `responseBody` keeps; the rest is read and dropped.
        public var maxResponseBytes: Int

        public init(
            protocols: String, connectTimeoutMilliseconds: Int, timeoutMilliseconds: Int, caFile: String? = nil,
            maxIdleSeconds: Int = 3_600, maxResponseBytes: Int = 65_536
        ) {
            self.protocols = protocols
            self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
            self.timeoutMilliseconds = timeoutMilliseconds
            self.caFile = caFile
            self.maxIdleSeconds = maxIdleSeconds
            self.maxResponseBytes = maxResponseBytes
        }

        /// A channel's settings: `timeout:` (at most a day) for connecting and for the whole transfer,
        /// and its `ca_file:`.
        public init(protocols: String, transport: TransportOptions) {
            let milliseconds = Int(min(transport.timeout.seconds, 86_400) * 1_000)
            self.init(
                protocols: protocols, connectTimeoutMilliseconds: milliseconds, timeoutMilliseconds: milliseconds,
                caFile: transport.caFile)
        }
    }

    /// A protocol line seen by libcurl's debug callback: a command sent or a reply line received.
    public typealias ProtocolObserver = (_ incoming: Bool, _ line: UnsafeRawBufferPointer) -> Void

    /// The `CURL *`; only for this file and `CurlHandle+Stream.swift`.
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// `curl_slist`s handed to libcurl, by option: freed when replaced or with the handle.
    private var lists: [UInt32: UnsafeMutablePointer<curl_slist>] = [:]
    private var observer: ProtocolObserver?
    private var maxResponseBytes = 65_536

    /// What the server sent as the body of the last transfer (HTTP), at most `maxResponseBytes` of it;
    /// empty for SMTP.
    public private(set) var responseBody: [UInt8] = []
    /// Whether the last transfer's body was longer than `responseBody` holds.
    public private(set) var responseTruncated = false

    /// A new easy handle set up with `configuration`.
    public static func make(_ configuration: Configuration) throws(CurlError) -> CurlHandle {
        try CurlGlobal.initialize()
        guard let raw = tickler_curl_easy_init() else { throw CurlError(CURLE_FAILED_INIT, call: "curl_easy_init") }
        let handle = CurlHandle(raw: raw)
        try handle.configure(configuration)
        return handle
    }

    private init(raw: UnsafeMutableRawPointer) {
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        // Closing an SMTP connection sends QUIT, which the debug callback would see: detach it first,
        // so that nothing calls back into an object being destroyed.
        _ = tickler_curl_easy_setopt_long(raw, CURLOPT_VERBOSE, 0)
        _ = tickler_curl_easy_setopt_debug_callback(raw, CURLOPT_DEBUGFUNCTION, nil)
        tickler_curl_easy_cleanup(raw)
        for list in lists.values { tickler_curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    private func configure(_ configuration: Configuration) throws(CurlError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        maxResponseBytes = max(0, configuration.maxResponseBytes)
        try set(CURLOPT_NOSIGNAL, 1)
        try check(
            tickler_curl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try set(CURLOPT_PROTOCOLS_STR, configuration.protocols)
        try set(CURLOPT_REDIR_PROTOCOLS_STR, configuration.protocols)
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = configuration.caFile { try set(CURLOPT_CAINFO, caFile) }
        try set(CURLOPT_CONNECTTIMEOUT_MS, max(1, configuration.connectTimeoutMilliseconds))
        try set(CURLOPT_TIMEOUT_MS, max(1, configuration.timeoutMilliseconds))
        try set(CURLOPT_MAXAGE_CONN, max(1, configuration.maxIdleSeconds))
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try check(
            tickler_curl_easy_setopt_write_callback(
                raw, CURLOPT_WRITEFUNCTION,
                { buffer, size, count, context in
                    guard let context else { return 0 }
                    let handle = Unmanaged<CurlHandle>.fromOpaque(context).takeUnretainedValue()
                    let length = size * count
                    let kept = min(length, handle.maxResponseBytes - handle.responseBody.count)
                    if kept < length { handle.responseTruncated = true }
                    if let buffer, kept > 0 {
                        handle.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: kept))
                    }
                    return length
                }), "CURLOPT_WRITEFUNCTION")
        try check(tickler_curl_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
    }

    // MARK: Options

    /// Sets a `long` option.
    public func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(tickler_curl_easy_setopt_long(raw, option, value), option)
    }

    /// Sets a string option (libcurl copies it), or clears it with `nil`.
    public func set(_ option: CURLoption, _ value: String?) throws(CurlError) {
        guard let value else {
            try check(tickler_curl_easy_setopt_string(raw, option, nil), option)
            return
        }
        let code = value.withCString { tickler_curl_easy_setopt_string(raw, option, $0) }
        try check(code, option)
    }

    /// Sets a list option (`CURLOPT_HTTPHEADER`). The `curl_slist` stays alive
    /// with the handle until the option is set again, as libcurl requires.
    public func set(_ option: CURLoption, list values: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = tickler_curl_slist_append(list, value) else {
                if let list { tickler_curl_slist_free_all(list) }
                throw CurlError(CURLE_OUT_OF_MEMORY, call: "curl_slist_append")
            }
            list = appended
        }
        let code = tickler_curl_easy_setopt_slist(raw, option, list)
        if let old = lists.removeValue(forKey: option.rawValue) { tickler_curl_slist_free_all(old) }
        if let list { lists[option.rawValue] = list }
        try check(code, option)
    }

    /// The body of the next HTTP transfers, which become POSTs: `CURLOPT_POSTFIELDSIZE_LARGE`, then
    /// `CURLOPT_COPYPOSTFIELDS` (libcurl keeps its own copy).
    public func setPostBody(_ bytes: [UInt8]) throws(CurlError) {
        try check(
            tickler_curl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
            CURLOPT_POSTFIELDSIZE_LARGE)
        let code = bytes.withUnsafeBytes { buffer in
            // An empty array may have no storage: hand libcurl an empty C string then.
            guard let start = buffer.baseAddress else {
                return tickler_curl_easy_setopt_string(raw, CURLOPT_COPYPOSTFIELDS, "")
            }
            return tickler_curl_easy_setopt_bytes(raw, CURLOPT_COPYPOSTFIELDS, start)
        }
        try check(code, CURLOPT_COPYPOSTFIELDS)
    }

    /// Reports every protocol line (SMTP commands and replies, HTTP header lines) to `observer`, through
    /// `CURLOPT_DEBUGFUNCTION` with `CURLOPT_VERBOSE`; `nil` stops it. Lines may hold credentials
    /// (`AUTH PLAIN …`): an observer must look only at what it needs and never keep or log the rest.
    public func observeProtocol(_ observer: ProtocolObserver?) throws(CurlError) {
        self.observer = observer
        guard observer != nil else {
            try set(CURLOPT_VERBOSE, 0)
            try check(
                tickler_curl_easy_setopt_debug_callback(raw, CURLOPT_DEBUGFUNCTION, nil), CURLOPT_DEBUGFUNCTION)
            return
        }
        try check(
            tickler_curl_easy_setopt_debug_callback(
                raw, CURLOPT_DEBUGFUNCTION,
                { _, type, data, size, context in
                    guard let context, let data, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else {
                        return 0
                    }
                    let handle = Unmanaged<CurlHandle>.fromOpaque(context).takeUnretainedValue()
                    handle.observer?(type == CURLINFO_HEADER_IN, UnsafeRawBufferPointer(start: data, count: size))
                    return 0
                }), CURLOPT_DEBUGFUNCTION)
        try check(
            tickler_curl_easy_setopt_pointer(raw, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(self).toOpaque()),
            CURLOPT_DEBUGDATA)
        try set(CURLOPT_VERBOSE, 1)
    }

    // MARK: Transfers

    /// Runs one transfer (`curl_easy_perform`), blocking until it ends. A failure carries the error
    /// buffer's detail. An HTTP 500 or an SMTP reply libcurl accepted is not an error here: read
    /// `responseCode`.
    public func perform() throws(CurlError) {
        errorBuffer[0] = 0
        responseBody.removeAll(keepingCapacity: true)
        responseTruncated = false
        let code = tickler_curl_easy_perform(raw)
        guard code == CURLE_OK else { throw CurlError(code, detail: String(cString: errorBuffer)) }
    }

    /// `CURLINFO_RESPONSE_CODE`: the last SMTP reply code or HTTP status of the last transfer (0 if none).
    public var responseCode: Int { long(CURLINFO_RESPONSE_CODE) ?? 0 }

    /// `CURLINFO_NUM_CONNECTS`: new connections the last transfer opened (0 when it reused one).
    public var newConnections: Int { long(CURLINFO_NUM_CONNECTS) ?? 0 }

    /// The value of the last response header called `name` (any case) in the last transfer's final
    /// response (`curl_easy_header`), or `nil` when there was none.
    public func header(_ name: String) -> String? {
        var header: UnsafeMutablePointer<curl_header>?
        let code = name.withCString { tickler_curl_easy_header(raw, $0, 0, UInt32(CURLH_HEADER), -1, &header) }
        guard code == CURLHE_OK, let header, let value = header.pointee.value else { return nil }
        // Several headers of one name: libcurl counts them in `amount`; the last one counts.
        let amount = header.pointee.amount
        guard amount > 1 else { return String(cString: value) }
        var last: UnsafeMutablePointer<curl_header>?
        let lastCode = name.withCString {
            tickler_curl_easy_header(raw, $0, amount - 1, UInt32(CURLH_HEADER), -1, &last)
        }
        guard lastCode == CURLHE_OK, let lastValue = last?.pointee.value else { return String(cString: value) }
        return String(cString: lastValue)
    }

    /// A `long` piece of information about the last transfer.
    public func long(_ info: CURLINFO) -> Int? {
        var value = 0
        return tickler_curl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : nil
    }

    /// A `curl_off_t` piece of information (`CURLINFO_RETRY_AFTER`).
    public func offset(_ info: CURLINFO) -> Int64? {
        var value: curl_off_t = 0
        return tickler_curl_easy_getinfo_off_t(raw, info, &value) == CURLE_OK ? Int64(value) : nil
    }

    // MARK: Private

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        try check(code, "curl_easy_setopt option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ call: String) throws(CurlError) {
        guard code == CURLE_OK else { throw CurlError(code, call: call) }
    }
}

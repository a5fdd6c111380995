import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a message was not delivered, classified once for every channel: transient (retried with backoff)
/// or permanent (failed at once), and described as operation, target and cause:
///
///     sending mail via channel 'email' (smtp.example.com:587) failed: the server answered
///     451 4.3.0 try again later (transient)
///
/// Transient: connection refused or reset, timeouts, DNS, TLS handshakes cut short, SMTP 4xx replies,
/// HTTP 408, 425, 429 and 5xx, services' rate limits. Permanent: SMTP 5xx replies, refused logins,
/// certificates that do not verify, other HTTP 4xx, redirects, configuration errors (an unset
/// environment variable, an unreadable password file).
///
/// The description never holds a message body, a password, a token, URL userinfo or a query string:
/// the target is only `host:port` (or the file channel's directory), server replies are cut to one line
/// with e-mail addresses masked, and every secret the transport knows is redacted from libcurl's text.
public struct DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for callers that react to it (`send-test` hints, metrics). New kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case connection, timeout, dns, tls, certificate, authentication, reply, recipientsRefused
            case httpStatus, redirect, service, configuration, file
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The server could not be reached or the connection broke (refused, reset, closed).
        public static let connection = Kind(.connection)
        /// Connecting or the transfer took longer than the channel's `timeout:`.
        public static let timeout = Kind(.timeout)
        /// The host name did not resolve.
        public static let dns = Kind(.dns)
        /// TLS failed for a reason other than the certificate (handshake, STARTTLS not offered).
        public static let tls = Kind(.tls)
        /// The server's certificate did not verify (untrusted issuer, wrong host name, expired).
        public static let certificate = Kind(.certificate)
        /// The server refused the login (SMTP 535, HTTP 401/403).
        public static let authentication = Kind(.authentication)
        /// The SMTP server refused a command with a 4xx or 5xx reply (MAIL FROM, DATA, the message).
        public static let reply = Kind(.reply)
        /// The SMTP server refused every recipient; `refusedRecipients` says which and why.
        public static let recipientsRefused = Kind(.recipientsRefused)
        /// The web server answered with an HTTP error status.
        public static let httpStatus = Kind(.httpStatus)
        /// The web server answered with a redirect, which Tickler does not follow.
        public static let redirect = Kind(.redirect)
        /// The service answered success but reported an error in its body (DingTalk `errcode`, …).
        public static let service = Kind(.service)
        /// The channel's configuration cannot work (an unset variable, a bad URL, an unreadable secret).
        public static let configuration = Kind(.configuration)
        /// Writing a file failed.
        public static let file = Kind(.file)

        public var description: String { value.rawValue }
    }

    private enum Reason: Sendable, Hashable {
        case curl(CurlError, Kind, transient: Bool)
        case reply(code: Int, text: String)
        case authentication(code: Int, text: String)
        case recipientsRefused([RefusedRecipient])
        case http(status: Int, detail: String?)
        case service(detail: String, transient: Bool)
        case configuration(String)
        case file(errno: Int32, action: String)
    }

    private let reason: Reason
    /// The channel's name in `tickler.yaml`.
    public let channel: String
    /// What was being done: "sending mail", "writing a file".
    public let operation: String
    /// Where: `host:port` for network channels, the directory for the file channel; `nil` if unknown.
    public let target: String?
    /// For transient failures, how long the server asked to wait (seconds, from `Retry-After`).
    public let retryAfter: Int64?

    private init(_ reason: Reason, channel: String, operation: String, target: String?, retryAfter: Int64? = nil) {
        self.reason = reason
        self.channel = channel
        self.operation = operation
        self.target = target
        self.retryAfter = retryAfter
    }

    // MARK: Classification

    public var kind: Kind {
        switch reason {
        case .curl(_, let kind, _): kind
        case .reply: .reply
        case .authentication: .authentication
        case .recipientsRefused: .recipientsRefused
        case .http(let status, _):
            (300..<400).contains(status) ? .redirect : [401, 403].contains(status) ? .authentication : .httpStatus
        case .service: .service
        case .configuration: .configuration
        case .file: .file
        }
    }

    /// Whether retrying later may succeed (the outbox backs off and retries for up to 24 h).
    public var isTransient: Bool {
        switch reason {
        case .curl(_, _, let transient): transient
        case .reply(let code, _), .authentication(let code, _): (400..<500).contains(code)
        case .recipientsRefused(let refused): refused.contains { (400..<500).contains($0.code) }
        case .http(let status, _): [408, 425, 429].contains(status) || (500..<600).contains(status)
        case .service(_, let transient): transient
        case .configuration: false
        case .file(let errno, _): Self.transientErrnos.contains(errno)
        }
    }

    /// The SMTP reply code or HTTP status the failure rests on, if the server answered.
    public var responseCode: Int? {
        switch reason {
        case .reply(let code, _), .authentication(let code, _): code
        case .http(let status, _): status
        case .recipientsRefused(let refused): refused.last?.code
        default: nil
        }
    }

    /// The libcurl error, when the failure is one.
    public var curlError: CurlError? {
        if case .curl(let error, _, _) = reason { return error }
        return nil
    }

    /// The recipients the SMTP server refused, with its reply to each (only for `.recipientsRefused`;
    /// a message accepted for some recipients succeeds and lists the others in `SMTPReceipt`).
    public var refusedRecipients: [RefusedRecipient] {
        if case .recipientsRefused(let refused) = reason { return refused }
        return []
    }

    /// The cause alone: "the server answered 554 5.7.1 rejected".
    public var cause: String {
        switch reason {
        case .curl(let error, let kind, _):
            if kind == .certificate {
                return "the server's TLS certificate did not verify: \(error)"
                    + " (to trust a private certificate authority, name its PEM file in ca_file)"
            }
            return error.description
        case .reply(_, let text): return "the server answered \(text)"
        case .authentication(_, let text): return "the server refused the login: \(text)"
        case .recipientsRefused(let refused):
            let replies = refused.map { Self.sanitized($0.reply) }
            return refused.count == 1
                ? "the server refused the recipient: \(replies[0])"
                : "the server refused all \(refused.count) recipients: " + replies.joined(separator: "; ")
        case .http(let status, let detail):
            var text = "the server answered HTTP \(status)"
            if (300..<400).contains(status) { text += " (a redirect, which is not followed: correct the URL)" }
            if let detail, !detail.isEmpty { text += ": \(detail)" }
            return text
        case .service(let detail, _): return detail
        case .configuration(let text): return text
        case .file(let errno, let action): return "\(action): \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }

    public var description: String {
        var text = "\(operation) via channel '\(channel)'"
        if let target { text += " (\(target))" }
        text += " failed: \(cause)"
        if isTransient {
            text += retryAfter.map { " (transient; retry after \($0) s)" } ?? " (transient)"
        } else {
            text += " (permanent)"
        }
        return text
    }

    // MARK: Making failures

    /// An HTTP answer that is not a success: 408, 425, 429 and 5xx are transient (with the server's
    /// `Retry-After`, see `RetryAfter.seconds(from:now:)`), 3xx are permanent redirects, every other
    /// status permanent. `detail` is a short, secret-free excerpt of the answer, if any.
    public static func http(
        status: Int, retryAfter: Int64? = nil, channel: String, target: String?,
        operation: String = "posting the message", detail: String? = nil
    ) -> DeliveryFailure {
        let failure = DeliveryFailure(
            .http(status: status, detail: detail.map { sanitized($0) }), channel: channel, operation: operation,
            target: target)
        guard failure.isTransient, let retryAfter else { return failure }
        return DeliveryFailure(
            failure.reason, channel: channel, operation: operation, target: target, retryAfter: max(0, retryAfter))
    }

    /// A service that answered success but reported an error in its body (DingTalk or WeCom `errcode`,
    /// Feishu `code`, Telegram `ok: false`, Slack `ok`): transient for its rate-limit codes.
    public static func service(
        _ detail: String, isTransient: Bool, retryAfter: Int64? = nil, channel: String, target: String?,
        operation: String = "posting the message"
    ) -> DeliveryFailure {
        DeliveryFailure(
            .service(detail: sanitized(detail), transient: isTransient), channel: channel, operation: operation,
            target: target, retryAfter: isTransient ? retryAfter.map { max(0, $0) } : nil)
    }

    /// A libcurl failure that no server reply explains, classified by its `CURLcode`. Every string in
    /// `secrets` is removed from libcurl's text.
    public static func curl(
        _ error: CurlError, channel: String, target: String?, operation: String, secrets: [String] = []
    ) -> DeliveryFailure {
        var error = error
        error.detail = error.detail.map { redacted($0, secrets) }
        let (kind, transient) = classify(error.curlCode)
        return DeliveryFailure(
            .curl(error, kind, transient: transient), channel: channel, operation: operation, target: target)
    }

    /// An SMTP reply of 400 or more to a command (`reply` is the server's last line, code included):
    /// 4xx transient, 5xx permanent; a refused AUTH is an authentication failure.
    public static func smtpReply(
        code: Int, reply: String, isAuthentication: Bool = false, channel: String, target: String?,
        operation: String, secrets: [String] = []
    ) -> DeliveryFailure {
        let text = sanitized(redacted(reply, secrets))
        return DeliveryFailure(
            isAuthentication ? .authentication(code: code, text: text) : .reply(code: code, text: text),
            channel: channel, operation: operation, target: target)
    }

    /// Every recipient refused: transient if any refusal was a 4xx.
    public static func recipientsRefused(
        _ refused: [RefusedRecipient], channel: String, target: String?, operation: String
    ) -> DeliveryFailure {
        DeliveryFailure(.recipientsRefused(refused), channel: channel, operation: operation, target: target)
    }

    /// A configuration that cannot work; always permanent. `problem` must hold no secret.
    public static func configuration(
        _ problem: String, channel: String, target: String?, operation: String
    ) -> DeliveryFailure {
        DeliveryFailure(.configuration(problem), channel: channel, operation: operation, target: target)
    }

    /// A failed file operation: transient for a full disk, I/O errors and running out of descriptors
    /// or memory; permanent otherwise (permissions, a read-only file system, a path that is a file).
    public static func file(
        errno: Int32, action: String, channel: String, directory: String, operation: String = "writing a file"
    ) -> DeliveryFailure {
        DeliveryFailure(.file(errno: errno, action: action), channel: channel, operation: operation, target: directory)
    }

    // MARK: Private

    private static let transientErrnos: Set<Int32> = [
        ENOSPC, EDQUOT, EIO, EINTR, EAGAIN, ENFILE, EMFILE, ENOMEM, EBUSY, ETIMEDOUT,
    ]

    /// The kind and transience of a `CURLcode` that no server reply explains.
    private static func classify(_ code: CURLcode) -> (Kind, Bool) {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return (.dns, true)
        case CURLE_OPERATION_TIMEDOUT:
            return (.timeout, true)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS:
            return (.certificate, false)
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_SHUTDOWN_FAILED:
            // A handshake cut short by the network looks the same as one the server refused.
            return (.tls, true)
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CIPHER, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CLIENTCERT:
            return (.tls, false)
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT,
            CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION:
            return (.configuration, false)
        case CURLE_FAILED_INIT:
            // libcurl could not be loaded (or initialized): waiting does not install it.
            return (.configuration, false)
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR, CURLE_REMOTE_ACCESS_DENIED:
            return (.authentication, false)
        case CURLE_TOO_MANY_REDIRECTS:
            return (.redirect, false)
        case CURLE_READ_ERROR, CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK, CURLE_SEND_FAIL_REWIND,
            CURLE_FILESIZE_EXCEEDED, CURLE_BAD_CONTENT_ENCODING:
            return (.connection, false)
        default:
            // Refused, reset, closed, nothing received, HTTP/2 stream errors, out of memory: the network
            // or the server's state, which may recover. Unknown codes count as transient: a wrong
            // "transient" delays a failure report, a wrong "permanent" loses a message.
            return (.connection, true)
        }
    }

    /// One line, at most 300 characters, control characters as spaces, e-mail addresses masked.
    static func sanitized(_ text: String) -> String {
        if text.utf8.count <= 300, isCleanLine(text.utf8) { return text }
        var line = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        line = line.split(separator: " ", omittingEmptySubsequences: true)
            .map { $0.contains("@") ? "<address>" : String($0) }
            .joined(separator: " ")
        if line.count > 300 { line = String(line.prefix(300)) + "…" }
        return line
    }

    /// Whether `utf8` is printable ASCII without `@`, words between single spaces and none at either
    /// end: a line `sanitized` would leave as it is (most answers, such as "250 OK").
    private static func isCleanLine(_ utf8: String.UTF8View) -> Bool {
        var previous = UInt8(ascii: " ")
        for byte in utf8 {
            let printable = byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "@")
            guard printable || (byte == 0x20 && previous != 0x20) else { return false }
            previous = byte
        }
        return previous != 0x20
    }

    /// `text` with every non-empty secret replaced by `[redacted]`.
    static func redacted(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in secrets where !secret.isEmpty {
            text = text.replacing(secret, with: "[redacted]")
        }
        return text
    }
}

/// A recipient the SMTP server refused (`RCPT TO`), with its reply.
public struct RefusedRecipient: Sendable, Hashable {
    /// The address as the message listed it.
    public var address: String
    /// The reply code: 550, 451, …
    public var code: Int
    /// The reply line (`550 5.1.1 mailbox unavailable`), control characters removed.
    public var reply: String

    public init(address: String, code: Int, reply: String) {
        self.address = address
        self.code = code
        self.reply = reply
    }
}

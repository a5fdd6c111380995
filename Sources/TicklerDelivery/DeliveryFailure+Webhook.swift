import TicklerCore
import TicklerMessages

extension DeliveryFailure {
    /// What an HTTP answer to a webhook POST means: `nil` when the service took the message, otherwise
    /// the failure, classified once for every format.
    ///
    /// - 2xx is success unless the body reports an error in the format's own way: DingTalk and WeCom
    ///   `errcode` ≠ 0, Feishu `code` (or `StatusCode`) ≠ 0, Telegram `"ok": false`, Slack
    ///   `"ok": false` or a bare error word (`invalid_payload`), Teams "… returned HTTP error 429 …"
    ///   (its connectors wrap failures in a 200). Those are `.service` failures: transient for the
    ///   services' rate limits and "busy" codes, permanent otherwise.
    /// - 3xx is a permanent `.redirect` (redirects are not followed: the URL should be corrected).
    /// - 408, 425, 429 and 5xx are transient, every other status permanent. A rate-limit code in the
    ///   body of another status (Feishu answers some limits with 400) makes it a transient `.service`.
    ///
    /// The wait comes from `Retry-After` (seconds or an HTTP date, read against `now`, seconds since
    /// the epoch), Feishu's `x-ogw-ratelimit-reset`, Telegram's `parameters.retry_after`, Discord's
    /// `retry_after`, or, failing those, the window a service documents for its limit. Every string in
    /// `secrets` is removed from the server's text.
    static func webhook(
        _ response: WebhookResponse, format: WebhookChannel.Format, channel: String, target: String, now: Int64,
        secrets: [String], operation: String = "posting the message"
    ) -> DeliveryFailure? {
        let status = response.status
        if (300..<400).contains(status) {
            return .http(status: status, channel: channel, target: target, operation: operation)
        }
        let answer = response.answer
        let report = ServiceReport(format: format, status: status, answer: answer, text: response.text)
        let told =
            response.retryAfter.flatMap { RetryAfter.seconds(from: $0, now: now) }
            ?? response.rateLimitReset.flatMap { Int64($0.filter { !$0.isWhitespace }) }
            ?? answer?.retryAfter
        if (200..<300).contains(status) {
            guard let report else { return nil }
            return .service(
                redacted(report.detail, secrets), isTransient: report.isTransient,
                retryAfter: told ?? report.retryAfter, channel: channel, target: target, operation: operation)
        }
        let failure = DeliveryFailure.http(
            status: status, retryAfter: told ?? report?.retryAfter, channel: channel, target: target,
            operation: operation, detail: (report?.detail ?? response.errorDetail).map { redacted($0, secrets) })
        if let report, report.isTransient, !failure.isTransient {
            return .service(
                redacted(report.detail, secrets) + " (HTTP \(status))", isTransient: true,
                retryAfter: told ?? report.retryAfter, channel: channel, target: target, operation: operation)
        }
        return failure
    }
}

/// An error a chat service reported in its answer's body, in its own terms.
private struct ServiceReport {
    var detail: String
    var isTransient: Bool
    /// The window the service documents for this limit, when it names one.
    var retryAfter: Int64?

    /// Reads the body the way `format`'s service writes it; `nil` when it reports no error (or is not
    /// the service's kind of answer at all).
    init?(format: WebhookChannel.Format, status: Int, answer: ServiceAnswer?, text: String) {
        switch format {
        case .dingtalk, .wecom:
            guard let code = answer?.errcode, code != 0 else { return nil }
            let dingTalk = format == .dingtalk
            // DingTalk 130101 "send too fast": 20 messages a minute, then throttled for 10 minutes.
            // WeCom 45009 "api freq out of limit": 20 messages a minute. -1 is "system busy" in both.
            let limited = code == (dingTalk ? 130101 : 45009)
            self.init(
                "\(dingTalk ? "DingTalk" : "WeCom") errcode \(code)", answer?.errmsg,
                isTransient: limited || code == -1, retryAfter: limited ? (dingTalk ? 600 : 60) : nil)
        case .feishu:
            guard let code = answer?.code ?? answer?.statusCode, code != 0 else { return nil }
            let message = answer?.msg ?? answer?.statusMessage
            // 11232 and 99991400 are frequency limits (100 a minute, 5 a second for a custom bot); 9499
            // is "Bad Request", or "too many request" when it is a limit.
            let words = message?.lowercased() ?? ""
            let limited =
                [11232, 99_991_400].contains(code)
                || (code == 9499 && (words.contains("too many") || words.contains("frequency")))
            self.init("Feishu code \(code)", message, isTransient: limited, retryAfter: limited ? 60 : nil)
        case .telegram:
            guard let answer, answer.ok == false else { return nil }
            let code = answer.errorCode ?? status
            self.init(
                "Telegram error \(code)", answer.errorDescription,
                isTransient: code == 429 || (500..<600).contains(code), retryAfter: nil)
        case .slack:
            if let answer {
                guard answer.ok == false else { return nil }
                let error = answer.error ?? "unknown_error"
                self.init(
                    "Slack error '\(error)'", nil, isTransient: Self.slackTransient.contains(error), retryAfter: nil)
            } else {
                // Incoming webhooks answer "ok", or an error word (with a 4xx or 5xx status).
                guard (200..<300).contains(status), !text.isEmpty, text != "ok",
                    text.count <= 64, text.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" })
                else { return nil }
                self.init(
                    "Slack error '\(text)'", nil, isTransient: Self.slackTransient.contains(text), retryAfter: nil)
            }
        case .teams:
            // "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error
            // 429 with ContextId …", with status 200.
            guard let range = text.firstRange(of: "returned HTTP error ") else { return nil }
            guard let code = Int(text[range.upperBound...].prefix { $0.isNumber }) else { return nil }
            self.init(
                "Teams could not deliver the message: HTTP error \(code)", nil,
                isTransient: [408, 425, 429].contains(code) || (500..<600).contains(code), retryAfter: nil)
        case .generic, .discord, .mattermost, .ntfy:
            return nil
        }
    }

    private init(_ what: String, _ message: String?, isTransient: Bool, retryAfter: Int64?) {
        detail = message.map { $0.isEmpty ? what : "\(what): \($0)" } ?? what
        self.isTransient = isTransient
        self.retryAfter = retryAfter
    }

    /// Slack error words that pass: rate limits and Slack's own trouble.
    private static let slackTransient: Set<String> = [
        "rate_limited", "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    ]
}

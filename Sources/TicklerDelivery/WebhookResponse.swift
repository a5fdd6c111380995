#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a web server answered to one webhook POST: the status, the headers that say when to try again,
/// and the start of the body. `DeliveryFailure.webhook(_:format:channel:target:now:secrets:)` decides
/// what it means.
struct WebhookResponse: Sendable, Hashable {
    /// The HTTP status of the final response (no redirect is followed).
    let status: Int
    /// The `Retry-After` header, as sent.
    let retryAfter: String?
    /// Feishu's `x-ogw-ratelimit-reset` header: seconds until its rate limit resets.
    let rateLimitReset: String?
    /// The body, at most `CurlHandle.Configuration.maxResponseBytes` of it.
    let body: [UInt8]
    /// Whether the body was longer than `body`.
    let bodyTruncated: Bool
    /// Whether the POST went over a connection opened for an earlier one.
    let reusedConnection: Bool

    /// The body read as a JSON object with the fields chat services report status in (decoded once,
    /// here); `nil` when it is not a JSON object.
    let answer: ServiceAnswer?

    init(
        status: Int, retryAfter: String?, rateLimitReset: String?, body: [UInt8], bodyTruncated: Bool,
        reusedConnection: Bool
    ) {
        self.status = status
        self.retryAfter = retryAfter
        self.rateLimitReset = rateLimitReset
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.reusedConnection = reusedConnection
        answer = ServiceAnswer.decode(body)
    }

    /// The body as text without leading and trailing white space (invalid UTF-8 repaired); empty for an
    /// empty body.
    var text: String {
        var scalars = Substring(String(decoding: body, as: UTF8.self)).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// A short account of the body that is safe for logs: the status fields of a JSON answer (never
    /// fields that can echo the message, such as ntfy's `message`), a short plain-text answer ("ok",
    /// "1"), or just its size. `nil` for an empty body.
    var summary: String? {
        guard !body.isEmpty else { return nil }
        if let answer {
            let fields = answer.statusFields
            return fields.isEmpty ? "a JSON answer of \(body.count) bytes" : fields.joined(separator: ", ")
        }
        let text = text
        if text.count <= 64, !text.contains(where: \.isNewline), !text.hasPrefix("<") { return text }
        return "an answer of \(body.count)\(bodyTruncated ? "+" : "") bytes"
    }

    /// What an error answer says went wrong, for a failure's text: the error fields of a JSON answer, or
    /// the first line of a plain-text one (HTML error pages say nothing useful and are left out).
    var errorDetail: String? {
        if let answer { return answer.errorText }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !line.isEmpty, !line.hasPrefix("<") else { return nil }
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}

/// The fields chat services put their verdict in, read leniently: a field of an unexpected type is
/// absent, never an error.
///
/// DingTalk and WeCom: `errcode`, `errmsg`. Feishu: `code`, `msg` (older answers `StatusCode`,
/// `StatusMessage`). Telegram: `ok`, `error_code`, `description`, `parameters.retry_after`. Slack's
/// Web API: `ok`, `error`. ntfy: `code`, `error`. Discord and Mattermost: `message`, `code`; Discord's
/// rate limits `retry_after` (seconds, fractional).
struct ServiceAnswer: Decodable, Sendable, Hashable {
    var errcode: Int?
    var errmsg: String?
    var code: Int?
    var msg: String?
    var statusCode: Int?
    var statusMessage: String?
    var ok: Bool?
    var error: String?
    var errorCode: Int?
    var errorDescription: String?
    var message: String?
    var id: String?
    /// Seconds to wait, from `retry_after` or `parameters.retry_after`, rounded up.
    var retryAfter: Int64?

    private enum Key: String, CodingKey {
        case errcode, errmsg, code, msg, ok, error, message, id, parameters
        case statusCode = "StatusCode"
        case statusMessage = "StatusMessage"
        case errorCode = "error_code"
        case errorDescription = "description"
        case retryAfter = "retry_after"
    }

    /// An answer with none of the fields.
    private init() {}

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: Key.self)
        func value<Value: Decodable>(_ key: Key, in container: KeyedDecodingContainer<Key> = fields) -> Value? {
            (try? container.decodeIfPresent(Value.self, forKey: key)) ?? nil
        }
        errcode = value(.errcode)
        errmsg = value(.errmsg)
        code = value(.code)
        msg = value(.msg)
        statusCode = value(.statusCode)
        statusMessage = value(.statusMessage)
        ok = value(.ok)
        error = value(.error)
        errorCode = value(.errorCode)
        errorDescription = value(.errorDescription)
        message = value(.message)
        id = value(.id)
        let parameters = try? fields.nestedContainer(keyedBy: Key.self, forKey: .parameters)
        let seconds: Double? = value(.retryAfter) ?? parameters.flatMap { value(.retryAfter, in: $0) }
        if let seconds, seconds.isFinite, seconds >= 0, seconds < 1e9 { retryAfter = Int64(seconds.rounded(.up)) }
    }

    /// The answer in `body`, when it is a JSON object.
    static func decode(_ body: [UInt8]) -> ServiceAnswer? {
        let visible = { (byte: UInt8) in ![9, 10, 13, 32].contains(byte) }
        guard body.first(where: visible) == UInt8(ascii: "{") else { return nil }
        // `{}`, what many receivers answer, has none of the fields: no decoder needed.
        if body.count <= 16, body.filter(visible) == Array("{}".utf8) { return ServiceAnswer() }
        return try? JSONDecoder().decode(ServiceAnswer.self, from: Data(body))
    }

    /// `errcode 0 (ok)`, `code 0 (success)`, `ok`, `id …`: the fields a success is reported in.
    var statusFields: [String] {
        var fields: [String] = []
        if let errcode { fields.append("errcode \(errcode)" + (errmsg.map { " (\($0))" } ?? "")) }
        if let code = code ?? statusCode {
            fields.append("code \(code)" + ((msg ?? statusMessage).map { " (\($0))" } ?? ""))
        }
        if let ok { fields.append(ok ? "ok" : "not ok") }
        if let id { fields.append("id \(id)") }
        return fields
    }

    /// The error an answer reports, in the first field that carries one.
    var errorText: String? {
        let text = [errorDescription, error, errmsg, msg, statusMessage, message].compactMap { $0 }.first
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

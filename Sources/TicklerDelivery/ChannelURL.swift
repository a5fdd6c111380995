import CCurl
import TicklerCore
import TicklerMessages

/// A channel's URL with its `${VAR}` references expanded from the environment, parsed by libcurl's own
/// URL parser (the one the transfer will use), and split into what may be shown and what may not.
///
/// Only `target` (`host:port`) ever appears in messages: the full URL can hold userinfo, a token in its
/// path or query, or a variable's value that is a secret. `secrets` lists what must be redacted from
/// any text a failure carries: every expanded value that is not the host or port, the userinfo
/// password, and the query string and its values.
struct ChannelURL: Sendable, Hashable {
    /// The expanded URL, handed to libcurl and never shown.
    let url: String
    /// `smtp`, `smtps`, `https`, … (lowercase).
    let scheme: String
    /// `host:port`, with the scheme's default port when the URL names none.
    let target: String
    let secrets: [String]

    /// Expands and parses `template`. Failures are permanent configuration errors that name the variable
    /// or the URL problem, never the URL itself.
    static func resolve(
        _ template: String, environment: [String: String], schemes: Set<String>, channel: String, operation: String
    ) -> Result<ChannelURL, DeliveryFailure> {
        func failure(_ problem: String) -> Result<ChannelURL, DeliveryFailure> {
            .failure(.configuration(problem, channel: channel, target: nil, operation: operation))
        }
        let url: String
        let values: [String]
        switch EnvironmentReferences.expand(template, environment: environment, what: "the channel's url") {
        case .success(let expanded): (url, values) = expanded
        case .failure(let problem): return failure(problem.message)
        }

        if let reason = CurlGlobal.loadFailure { return failure(reason) }
        guard let handle = tickler_curl_url() else { return failure("libcurl could not allocate a URL parser") }
        defer { tickler_curl_url_cleanup(handle) }
        let parsed = tickler_curl_url_set(handle, CURLUPART_URL, url, 0)
        guard parsed == CURLUE_OK else {
            return failure("the channel's url is not valid: \(String(cString: tickler_curl_url_strerror(parsed)))")
        }
        func part(_ which: CURLUPart, _ flags: Int32 = 0) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard tickler_curl_url_get(handle, which, &value, UInt32(flags)) == CURLUE_OK, let value else { return nil }
            defer { tickler_curl_free(value) }
            return String(cString: value)
        }
        let scheme = part(CURLUPART_SCHEME)?.lowercased() ?? ""
        guard schemes.contains(scheme) else {
            return failure(
                "the channel's url must start with " + schemes.sorted().map { "'\($0)://'" }.joined(separator: " or "))
        }
        guard let host = part(CURLUPART_HOST), !host.isEmpty else { return failure("the channel's url names no host") }
        let port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT) ?? ""
        let target = port.isEmpty ? host : "\(host):\(port)"

        var secrets = values.filter { !$0.isEmpty && !target.contains($0) }
        if let password = part(CURLUPART_PASSWORD), !password.isEmpty { secrets.append(password) }
        if let query = part(CURLUPART_QUERY), !query.isEmpty {
            secrets.append(query)
            for pair in query.split(separator: "&") {
                if let value = pair.split(separator: "=", maxSplits: 1).dropFirst().first, value.count >= 4 {
                    secrets.append(String(value))
                }
            }
        }
        return .success(ChannelURL(url: url, scheme: scheme, target: target, secrets: secrets))
    }
}

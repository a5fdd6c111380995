import TicklerCore

/// `http:` — where the server listens, who may call it, and the public address of its links.
extension ConfigParser.Builder {
    mutating func parseHTTP() -> HTTPSettings? {
        guard let node = map.value("http", diagnostics: &diagnostics),
            let http = MappingReader(node, context: "'http'", allowed: ConfigKeys.http, diagnostics: &diagnostics)
        else { return nil }
        var settings = HTTPSettings(listen: HTTPSettings.defaultListen, location: map.key("http")!.location)
        if let (text, node) = http.string("listen", diagnostics: &diagnostics) {
            if let address = ListenAddress.parse(text) {
                settings.listen = address
            } else {
                diagnostics.error(
                    "invalid listen address '\(text)' in 'http'", at: node.location(atScalarOffset: 0),
                    notes: [.init("write host:port, e.g. '127.0.0.1:8025', or '[::1]:8025' for IPv6")])
            }
        }
        if let (text, node) = http.string("public_url", diagnostics: &diagnostics) {
            settings.publicURL = publicURL(text, at: node)
        }
        settings.tokens = parseTokens(in: http)
        return settings
    }

    /// `public_url: https://tickler.example.com` — an http(s) URL without query or fragment; the
    /// trailing slash is dropped.
    private mutating func publicURL(_ text: String, at node: YAMLNode) -> String? {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        let lower = url.lowercased()
        let scheme = lower.hasPrefix("https://") ? 8 : lower.hasPrefix("http://") ? 7 : 0
        let valid =
            scheme > 0 && url.count > scheme && !url.contains(where: { $0 == "?" || $0 == "#" || $0 == " " })
            && url.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 }
        guard valid else {
            diagnostics.error(
                "invalid public_url '\(text)' in 'http'", at: node.location(atScalarOffset: 0),
                notes: [
                    .init(
                        "write the address people's browsers reach this server at, e.g. 'https://tickler.example.com'"
                    )
                ])
            return nil
        }
        return url
    }

    private mutating func parseTokens(in http: MappingReader) -> [String: HTTPToken] {
        guard let node = http.value("tokens", diagnostics: &diagnostics) else { return [:] }
        guard let pairs = node.pairs else {
            diagnostics.error(
                "'tokens' in 'http' must be a map of names to settings, not \(node.kindDescription)", at: node.location)
            return [:]
        }
        var tokens: [String: HTTPToken] = [:]
        for (keyNode, value) in pairs {
            guard let name = keyNode.scalar, !keyNode.isNull else {
                diagnostics.error(
                    "token names must be plain words, not \(keyNode.kindDescription)", at: keyNode.location)
                continue
            }
            guard Names.channel.check(name, at: keyNode, diagnostics: &diagnostics) else { continue }
            if HTTPToken.reservedNames.contains(name) {
                diagnostics.error(
                    "the token name '\(name)' is reserved", at: keyNode.location,
                    notes: [
                        .init(
                            "events show their source as 'cli', 'import', 'unsubscribe-link' or a token's name: choose another name"
                        )
                    ]
                )
                continue
            }
            guard
                let entry = MappingReader(
                    value, context: "token '\(name)'", allowed: ConfigKeys.httpToken, diagnostics: &diagnostics)
            else { continue }
            let scope = entry.choice("scope", as: HTTPToken.Scope.self, diagnostics: &diagnostics)
            if !entry.has("scope") {
                diagnostics.error(
                    "token '\(name)' is missing 'scope'", at: keyNode.location,
                    notes: [.init("'scope: read' may read reports; 'scope: write' may also record events")])
            }
            let bearer = secret("token", in: entry)
            let signing = secret("secret", in: entry)
            let credential: HTTPToken.Credential?
            switch (bearer, signing) {
            case (let bearer?, nil): credential = .bearer(bearer)
            case (nil, let signing?): credential = .signingSecret(signing)
            case (.some, .some):
                diagnostics.error(
                    "token '\(name)' has both a bearer token and a signing secret", at: keyNode.location,
                    notes: [.init("a token is either 'token_env'/'token_file' or 'secret_env'/'secret_file'")])
                credential = nil
            case (nil, nil):
                if !entry.has("token_env") && !entry.has("token_file") && !entry.has("secret_env")
                    && !entry.has("secret_file")
                {
                    diagnostics.error(
                        "token '\(name)' has no credential", at: keyNode.location,
                        notes: [
                            .init(
                                "add 'token_env: VARIABLE' or 'token_file: /run/secrets/…' (a bearer token), or 'secret_env'/'secret_file' (a Standard Webhooks signing secret); secrets are never written in the configuration"
                            )
                        ])
                }
                credential = nil
            }
            if let credential, let scope {
                tokens[name] = HTTPToken(name: name, credential: credential, scope: scope, location: keyNode.location)
            }
        }
        return tokens
    }
}

extension HTTPToken {
    /// The sources events have without a token.
    public static let reservedNames: Set<String> = ["cli", "import", "unsubscribe-link"]
}

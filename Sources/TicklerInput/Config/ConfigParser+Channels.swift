import TicklerCore

extension ConfigParser.Builder {
    mutating func parseChannels() -> [String: Channel] {
        var channels: [String: Channel] = [:]
        for (name, keyNode, value) in namedEntries("channels", nameRule: Names.channel) {
            let context = "channel '\(name)'"
            guard value.pairs != nil else {
                diagnostics.error(
                    "\(context) must be a map of settings, not \(value.kindDescription)", at: value.location)
                continue
            }
            let typeNode = value.pairs?.first { $0.key.scalar == "type" }?.value
            guard let typeNode, let type = typeNode.scalar, !typeNode.isNull else {
                diagnostics.error(
                    "\(context) is missing 'type'", at: value.location,
                    notes: [.init("'type' is one of \(ConfigKeys.channelTypes.quotedList)")])
                continue
            }
            guard let allowed = ConfigKeys.channel[type] else {
                diagnostics.error(
                    "unknown channel type '\(type)' in \(context)", at: typeNode.location(atScalarOffset: 0),
                    notes: Suggestion.note(for: type, in: ConfigKeys.channelTypes)
                        + [.init("'type' is one of \(ConfigKeys.channelTypes.quotedList)")])
                continue
            }
            guard let map = MappingReader(value, context: context, allowed: allowed, diagnostics: &diagnostics)
            else { continue }
            let kind: Channel.Kind? =
                switch type {
                case "file": fileChannel(map).map(Channel.Kind.file)
                case "smtp": smtpChannel(map).map(Channel.Kind.smtp)
                default: webhookChannel(map).map(Channel.Kind.webhook)
                }
            if let kind { channels[name] = Channel(name: name, kind: kind, location: keyNode.location) }
        }
        return channels
    }

    private mutating func fileChannel(_ map: MappingReader) -> FileChannel? {
        let directory = map.required(
            "path", diagnostics: &diagnostics,
            note: "the directory the message files are written to, e.g. 'path: ../var/outbox'")
        let format = map.choice("format", as: FileChannel.Format.self, diagnostics: &diagnostics) ?? .eml
        let from = address("from", in: map) ?? FileChannel.defaultFrom
        guard let directory else { return nil }
        return FileChannel(directory: resolve(directory.text), format: format, from: from)
    }

    private mutating func smtpChannel(_ map: MappingReader) -> SMTPChannel? {
        let url = self.url(in: map, schemes: ["smtp", "smtps"])
        var startTLS = SMTPChannel.StartTLS.required
        if let choice = map.choice("starttls", as: SMTPChannel.StartTLS.self, diagnostics: &diagnostics) {
            startTLS = choice
            let written = map.node.pairs?.first { $0.key.scalar == "url" }?.value.scalar ?? ""
            if written.lowercased().hasPrefix("smtps:"), let key = map.key("starttls") {
                diagnostics.error(
                    "'starttls' does not apply to an smtps:// URL in \(map.context)", at: key.location,
                    notes: [.init("smtps:// always uses TLS from the start; remove 'starttls' or use an smtp:// URL")])
            }
        }
        let username = map.string("username", diagnostics: &diagnostics)
        if let username { checkReferences(username.text, at: username.node) }
        let password = secret("password", in: map)
        if password != nil, username == nil, let key = map.key("password_env") ?? map.key("password_file") {
            diagnostics.error(
                "a password needs a 'username' in \(map.context)", at: key.location,
                notes: [.init("add 'username:' with the account to log in as")])
        }
        if username != nil, password == nil, !map.has("password_env"), !map.has("password_file"),
            let key = map.key("username")
        {
            diagnostics.error(
                "'username' needs a password in \(map.context)", at: key.location,
                notes: [
                    .init(
                        "add 'password_env: VARIABLE' or 'password_file: /run/secrets/…'; passwords are never written in the configuration"
                    )
                ])
        }
        let from = address("from", in: map)
        if !map.has("from") {
            diagnostics.error(
                "\(map.context) is missing 'from'", at: map.node.location,
                notes: [.init("the sender of every message, e.g. 'from: \"客户服务部 <service@example.com>\"'")])
        }
        let transport = transportOptions(map)
        let unsubscribe = address("unsubscribe_mailto", in: map)
        guard let url, let from else { return nil }
        return SMTPChannel(
            url: url, startTLS: startTLS, username: username?.text, password: password, from: from,
            transport: transport,
            unsubscribeMailto: unsubscribe?.address)
    }

    private mutating func webhookChannel(_ map: MappingReader) -> WebhookChannel? {
        let url = self.url(in: map, schemes: ["https", "http"])
        let format = map.choice("format", as: WebhookChannel.Format.self, diagnostics: &diagnostics) ?? .generic
        let secret = secret("secret", in: map)
        if secret != nil, !format.isSigned, let key = map.key("secret_env") ?? map.key("secret_file") {
            diagnostics.error(
                "format '\(format.rawValue)' has no signing secret in \(map.context)", at: key.location,
                notes: [
                    .init(
                        "signed formats are 'generic', 'dingtalk' and 'feishu'; for the others the URL carries the token"
                    )
                ])
        }
        var chatID: String?
        if let (text, node) = map.string("chat_id", diagnostics: &diagnostics) {
            if format != .telegram {
                diagnostics.error(
                    "'chat_id' applies only to format 'telegram' in \(map.context)", at: map.key("chat_id")!.location)
            }
            checkReferences(text, at: node)
            chatID = text
        } else if format == .telegram, !map.has("chat_id") {
            diagnostics.error(
                "\(map.context) is missing 'chat_id'", at: map.node.location,
                notes: [.init("Telegram's sendMessage needs the chat to post to, e.g. 'chat_id: \"-1001234567890\"'")])
        }
        var priority: Int?
        if map.has("priority") {
            priority = map.integer("priority", in: 1...5, diagnostics: &diagnostics)
            if format != .ntfy, let key = map.key("priority") {
                diagnostics.error("'priority' applies only to format 'ntfy' in \(map.context)", at: key.location)
            }
        }
        let transport = transportOptions(map)
        guard let url else { return nil }
        return WebhookChannel(
            url: url, format: format, secret: secret, chatID: chatID, priority: priority, transport: transport)
    }

    private mutating func transportOptions(_ map: MappingReader) -> TransportOptions {
        var options = TransportOptions()
        if let (text, _) = map.string("ca_file", diagnostics: &diagnostics) { options.caFile = resolve(text) }
        if map.has("connections") {
            options.connections = map.integer("connections", in: 1...16, diagnostics: &diagnostics) ?? 1
        }
        if let timeout = map.duration("timeout", diagnostics: &diagnostics) {
            if timeout.seconds < 1 || timeout.seconds > 600, let node = map.value("timeout", diagnostics: &diagnostics)
            {
                diagnostics.error(
                    "timeout '\(timeout)' in \(map.context) is out of range", at: node.location(atScalarOffset: 0),
                    notes: [.init("a timeout is from 1s to 10m")])
            } else {
                options.timeout = timeout
            }
        }
        return options
    }

    /// `NAME_env` xor `NAME_file`.
    mutating func secret(_ name: String, in map: MappingReader) -> SecretSource? {
        let env = map.string(name + "_env", diagnostics: &diagnostics)
        let file = map.string(name + "_file", diagnostics: &diagnostics)
        if env != nil, let file {
            diagnostics.error(
                "both '\(name)_env' and '\(name)_file' in \(map.context)", at: map.key(name + "_file")!.location,
                notes: [
                    .init("give the \(name) one way: an environment variable or a file"),
                    .init("'\(name)_env' is set here", at: env!.node.location),
                ])
            _ = file
            return nil
        }
        if let (text, node) = env {
            let valid = !text.isEmpty && (try? EnvironmentReferences.names(in: "${\(text)}").get()) == [text]
            guard valid else {
                diagnostics.error(
                    "invalid environment variable name '\(text)'", at: node.location(atScalarOffset: 0),
                    notes: [.init("write the variable's name only, e.g. 'SMTP_PASSWORD' (letters, digits, '_')")])
                return nil
            }
            return .environment(text)
        }
        if let (text, _) = file { return .file(resolve(text)) }
        return nil
    }

    /// A `from:` address.
    private mutating func address(_ key: String, in map: MappingReader) -> EmailAddress? {
        guard let (text, node) = map.string(key, diagnostics: &diagnostics) else { return nil }
        switch EmailAddress.parse(text) {
        case .success(let address): return address
        case .failure(let problem):
            diagnostics.error(
                "invalid address '\(text)' for '\(key)' in \(map.context)", at: node.location(atScalarOffset: 0),
                notes: [.init(problem.reason), .init("write 'Name <address@example.com>' or 'address@example.com'")])
            return nil
        }
    }

    /// Reports malformed `${VAR}` references in `text`.
    private mutating func checkReferences(_ text: String, at node: YAMLNode) {
        if case .failure(let problem) = EnvironmentReferences.names(in: text) {
            diagnostics.error(
                problem.message, at: node.location(atScalarOffset: problem.offset),
                notes: [.init("reference environment variables as '${NAME}'")])
        }
    }

    /// A URL with one of `schemes`, a host, an optional port; `${VAR}` references allowed.
    private mutating func url(in map: MappingReader, schemes: [String]) -> String? {
        guard let (text, node) = map.required("url", diagnostics: &diagnostics) else { return nil }
        let examples = schemes.map { "'\($0)://…'" }.joined(separator: " or ")
        guard let colon = text.range(of: "://") else {
            diagnostics.error(
                "invalid URL '\(text)' in \(map.context)", at: node.location(atScalarOffset: 0),
                notes: [.init("write \(examples)")])
            return nil
        }
        let scheme = text[..<colon.lowerBound].lowercased()
        guard schemes.contains(scheme) else {
            diagnostics.error(
                "unsupported URL scheme '\(scheme)' in \(map.context)", at: node.location(atScalarOffset: 0),
                notes: [
                    .init(
                        "a \(map.node.pairs?.first { $0.key.scalar == "type" }?.value.scalar ?? "") channel takes \(examples)"
                    )
                ])
            return nil
        }
        if case .failure(let problem) = EnvironmentReferences.names(in: text) {
            diagnostics.error(
                problem.message, at: node.location(atScalarOffset: problem.offset),
                notes: [.init("reference environment variables as '${NAME}'")])
            return nil
        }
        let afterScheme = text[colon.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let authorityOffset = text.unicodeScalars.count - afterScheme.unicodeScalars.count
        if authority.contains("@") {
            diagnostics.error(
                "credentials in the URL of \(map.context)", at: node.location(atScalarOffset: authorityOffset),
                notes: [
                    .init(
                        "URLs end up in logs; put the user in 'username' and the password in 'password_env' or 'password_file'"
                    )
                ])
            return nil
        }
        var host = Substring(authority)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let port = host[host.index(after: close)...]
            host = host[...close]
            if !port.isEmpty, !(port.hasPrefix(":") && validPort(port.dropFirst())) {
                diagnostics.error(
                    "invalid port in URL '\(text)'", at: node.location(atScalarOffset: authorityOffset),
                    notes: [.init("a port is a number from 1 to 65535")])
                return nil
            }
        } else if let portColon = host.lastIndex(of: ":"), !host[portColon...].contains("}") {
            let port = host[host.index(after: portColon)...]
            host = host[..<portColon]
            guard validPort(port) || port.hasPrefix("${") else {
                diagnostics.error(
                    "invalid port '\(port)' in URL '\(text)'",
                    at: node.location(atScalarOffset: authorityOffset + host.unicodeScalars.count + 1),
                    notes: [.init("a port is a number from 1 to 65535")])
                return nil
            }
        }
        if host.isEmpty {
            diagnostics.error(
                "no host in URL '\(text)'", at: node.location(atScalarOffset: authorityOffset),
                notes: [.init("write \(examples)")])
            return nil
        }
        if scheme.hasPrefix("smtp"), afterScheme.count > authority.count, afterScheme.dropFirst(authority.count) != "/"
        {
            diagnostics.error(
                "an SMTP URL has no path: '\(text)'",
                at: node.location(atScalarOffset: authorityOffset + authority.unicodeScalars.count),
                notes: [.init("write 'smtp://host:port' or 'smtps://host:port'")])
            return nil
        }
        if scheme == "http", !["localhost", "127.0.0.1", "[::1]"].contains(host.lowercased()) {
            diagnostics.warning(
                "\(map.context) posts over plain http:// to '\(host)'", at: node.location(atScalarOffset: 0),
                notes: [.init("customer names would cross the network unencrypted; use https://")])
        }
        return text
    }

    private func validPort(_ text: Substring) -> Bool {
        guard let port = Int(text), text.allSatisfy(\.isASCII) else { return false }
        return (1...65535).contains(port)
    }
}

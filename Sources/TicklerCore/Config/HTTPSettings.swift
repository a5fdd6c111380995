/// `http:` — the HTTP service of `tickler run` (events from a CRM, reports, metrics, the status page,
/// unsubscribe links). Absent: no server is started.
public struct HTTPSettings: Sendable, Hashable {
    /// `listen:` — `host:port`, IPv6 as `[::1]:8025`.
    public var listen: ListenAddress
    /// `tokens:` — who may call, by name (the name is the `source` of the events they record).
    public var tokens: [String: HTTPToken]
    /// `public_url:` — how links in messages reach this server, without a trailing slash.
    public var publicURL: String?
    /// Where `http:` was written.
    public var location: SourceLocation

    public init(
        listen: ListenAddress, tokens: [String: HTTPToken] = [:], publicURL: String? = nil, location: SourceLocation
    ) {
        self.listen = listen
        self.tokens = tokens
        self.publicURL = publicURL
        self.location = location
    }

    public static let defaultListen = ListenAddress(host: "127.0.0.1", port: 8025)
}

/// A host and port to listen on.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// A name or an address; an IPv6 address without its brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, `[v6]:port`; `nil` when it is not one of them or the port is not 0–65535.
    public static func parse(_ text: String) -> ListenAddress? {
        var host: Substring
        var port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard host.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
            port.allSatisfy(\.isASCII), let number = Int(port), (0...65_535).contains(number)
        else { return nil }
        return ListenAddress(host: String(host), port: number)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// One entry of `tokens:`: a bearer token (`token_env`/`token_file`) or a Standard Webhooks signing
/// secret (`secret_env`/`secret_file`), with what it may do.
public struct HTTPToken: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// Reports, the calendar feed and the status page.
        case read
        /// Recording events, and everything `read` may.
        case write
    }

    public enum Credential: Sendable, Hashable {
        /// `Authorization: Bearer …`, or the password of HTTP Basic.
        case bearer(SecretSource)
        /// Requests signed per Standard Webhooks with this secret (`whsec_…` base64, or any text).
        case signingSecret(SecretSource)
    }

    public var name: String
    public var credential: Credential
    public var scope: Scope
    public var location: SourceLocation

    public init(name: String, credential: Credential, scope: Scope, location: SourceLocation) {
        self.name = name
        self.credential = credential
        self.scope = scope
        self.location = location
    }
}

/// This build of Tickler.
public enum TicklerVersion {
    public static let string = "0.16.0"
}

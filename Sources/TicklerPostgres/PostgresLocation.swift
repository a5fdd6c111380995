import Foundation
import TicklerCore
import TicklerStore

/// Where a PostgreSQL store is: a `postgres://` URL as libpq reads it, without its password.
///
///     postgres://tickler@db.example.com:5432/tickler?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem
///
/// The password never comes from the URL (one there is refused, so it cannot end up in a log or in
/// `status`); the caller passes it from `state_password_env`, `state_password_file`, `PGPASSWORD`
/// or `PGPASSFILE`. `sslmode` takes libpq's six values with libpq's meanings; the default is
/// libpq's too, `prefer`.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// libpq's `sslmode`.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it (postgres-nio tries TLS first, as `prefer` does).
        case allow
        /// TLS when the server offers it, without verifying the certificate.
        case prefer
        /// TLS, without verifying the certificate.
        case require
        /// TLS with a certificate signed by a trusted authority, for any host name.
        case verifyCA = "verify-ca"
        /// TLS with a trusted certificate for the host the URL names.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// The certificate authorities to trust (`sslrootcert`): a PEM file; the system's when `nil`.
    public var rootCertificate: String?
    /// Connect within this many seconds (`connect_timeout`), 10 by default.
    public var connectTimeout: Int

    /// Parses `url`; the error says what is wrong with it and how to write it.
    public init(url: String) throws(StoreError) {
        let example = "write it as postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full"
        guard Config.isDatabaseURL(url), let components = URLComponents(string: url) else {
            throw StoreError(.cannotOpen, "'\(Self.redacted(url))' is not a postgres:// URL", note: example)
        }
        guard components.password == nil else {
            throw StoreError(
                .cannotOpen, "the state URL '\(Self.redacted(url))' holds a password",
                note: "take it out of the URL and give it with state_password_env, state_password_file or PGPASSWORD")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError(.cannotOpen, "the state URL '\(url)' names no host", note: example)
        }
        self.host = host
        port = components.port ?? 5432
        user = components.user ?? ProcessInfo.processInfo.environment["PGUSER"] ?? "tickler"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        tls = .prefer
        rootCertificate = nil
        connectTimeout = 10
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw StoreError(
                        .cannotOpen, "the state URL's sslmode '\(value)' is not one of libpq's",
                        note: "use one of \(modes)")
                }
                tls = mode
            case "sslrootcert":
                rootCertificate = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else {
                    throw StoreError(
                        .cannotOpen, "the state URL's connect_timeout '\(value)' is not a number of seconds",
                        note: "write e.g. connect_timeout=10")
                }
                connectTimeout = seconds
            case "application_name":
                continue
            default:
                throw StoreError(
                    .cannotOpen, "the state URL has a parameter '\(item.name)' Tickler does not read",
                    note: "Tickler reads sslmode, sslrootcert, connect_timeout and application_name")
            }
        }
    }

    /// The URL without its query: what errors and `status` name the store by.
    public var description: String {
        "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
    }

    /// `url` with anything after `:` in its user part replaced, for an error about a URL that holds
    /// a password.
    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else {
            return url
        }
        let userPart = url[scheme.upperBound..<at]
        guard let colon = userPart.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":…" + String(url[at...])
    }
}

/// Where the password of a PostgreSQL store comes from, as the configuration and libpq's tools say.
public enum PostgresPassword {
    /// The password: the environment variable `variable` (`state_password_env`) or the file `file`
    /// (`state_password_file`, its first line) when given, otherwise `PGPASSWORD`, otherwise the
    /// matching line of `PGPASSFILE` (or `~/.pgpass`), otherwise none.
    public static func resolve(
        for location: PostgresLocation, variable: String?, file: String?, environment: [String: String]
    ) throws(StoreError) -> String? {
        if let variable {
            guard let value = environment[variable], !value.isEmpty else {
                throw StoreError(
                    .cannotOpen, "the environment variable '\(variable)' (state_password_env) is not set",
                    note: "set it to the database password, e.g. with Environment= or EnvironmentFile= in the unit")
            }
            return value
        }
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw StoreError(
                    .cannotOpen, "cannot read the password file '\(file)' (state_password_file)",
                    note: "it must exist and be readable by this user; put the password on its first line")
            }
            return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        if let value = environment["PGPASSWORD"], !value.isEmpty { return value }
        let passfile =
            environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" } ?? ""
        guard !passfile.isEmpty, let text = try? String(contentsOfFile: passfile, encoding: .utf8) else {
            return nil
        }
        return passwordLine(in: text, for: location)
    }

    /// The password of the first `hostname:port:database:username:password` line that matches
    /// (`*` matches anything; `\:` and `\\` escape), as libpq reads a `.pgpass` file.
    static func passwordLine(in text: String, for location: PostgresLocation) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [""]
            var escaped = false
            for character in line {
                if escaped {
                    fields[fields.count - 1].append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 5 {
                    fields.append("")
                } else {
                    fields[fields.count - 1].append(character)
                }
            }
            guard fields.count == 5 else { continue }
            let wanted = [location.host, String(location.port), location.database, location.user]
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}

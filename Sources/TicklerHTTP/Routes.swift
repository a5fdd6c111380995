import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import TicklerCore
import TicklerDaemon
import TicklerInput
import TicklerReports
import TicklerStore

/// The endpoints, by path and method; what each needs is checked before it runs: credentials and
/// scope, the configuration being loaded, the body's size and type.
final class Routes: @unchecked Sendable {
    let dependencies: HTTPService.Dependencies
    let logger: Logger
    let committer: EventCommitter
    private let lock = NSLock()
    private var settings: HTTPSettings
    private var credentials: Credentials
    private var signatureFailures = 0
    private var dateHeader: (second: Int64, text: String) = (0, "")
    /// The events' checks of the loaded workspace (a set of every contact id: built once per load).
    private var checks: (generation: Int, checks: EventChecks)?

    /// At most this many bytes of body.
    static let maximumBody = 10 * 1_024 * 1_024

    init(dependencies: HTTPService.Dependencies, settings: HTTPSettings, credentials: Credentials, logger: Logger) {
        self.dependencies = dependencies
        self.settings = settings
        self.credentials = credentials
        self.logger = logger
        committer = EventCommitter(
            store: dependencies.store, now: dependencies.now, recorded: dependencies.eventsRecorded)
    }

    func update(settings: HTTPSettings, credentials: Credentials) {
        lock.withLock {
            self.settings = settings
            self.credentials = credentials
        }
    }

    var current: (settings: HTTPSettings, credentials: Credentials) { lock.withLock { (settings, credentials) } }

    enum Access {
        case open
        case read
        case write
    }

    /// A path's methods and who may call them.
    struct Endpoint {
        var methods: [HTTPRequest.Method: Access]
        var handler: @Sendable (Routes, Call) async throws(Problem) -> Response
    }

    /// A request being answered: the parts the endpoints read.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var query: [String: String]
        var headers: HTTPFields
        var body: [UInt8]
        /// The token that called, once checked.
        var token: Credentials.Token?
    }

    func respond(to request: Request) async -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var response: Response
        var route = "-"
        do throws(Problem) {
            (route, response) = try await answer(request)
        } catch {
            response = error.response
        }
        response.headers[.date] = date()
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        logger.debug(
            "http",
            metadata: [
                "method": "\(request.method)", "route": "\(route)", "status": "\(response.status.code)",
                "ms": "\((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)",
            ])
        return response
    }

    private func answer(_ request: Request) async throws(Problem) -> (String, Response) {
        let path = request.uri.path
        let (route, endpoint) = try Self.endpoint(for: path)
        guard let access = endpoint.methods[request.method] ?? (request.method == .head ? endpoint.methods[.get] : nil)
        else {
            let allowed = endpoint.methods.keys.map(\.rawValue).sorted().joined(separator: ", ")
            throw Problem(
                .methodNotAllowed, "\(request.method) is not allowed on \(route); use \(allowed)",
                headers: [.allow: allowed])
        }
        let body = try await Self.collect(request)
        var call = Call(
            method: request.method, path: path, query: Self.query(request.uri.query), headers: request.headers,
            body: body, token: nil)
        call.token = try authenticate(call, access: access, route: route)
        return (route, try await endpoint.handler(self, call))
    }

    /// The body, refused with `413` past ``maximumBody`` (by its `Content-Length` before reading).
    private static func collect(_ request: Request) async throws(Problem) -> [UInt8] {
        let tooLarge = Problem(
            .contentTooLarge, "the body is larger than \(maximumBody / 1_048_576) MB; send fewer events per request",
            headers: [.connection: "close"])
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBody { throw tooLarge }
        var bytes: [UInt8] = []
        do {
            for try await buffer in request.body {
                guard bytes.count + buffer.readableBytes <= maximumBody else { throw tooLarge }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(.badRequest, "the body could not be read in full: \(error)", headers: [.connection: "close"])
        }
        return bytes
    }

    private func authenticate(_ call: Call, access: Access, route: String) throws(Problem) -> Credentials.Token? {
        guard access != .open else { return nil }
        let credentials = current.credentials
        let result: Result<Credentials.Token, Credentials.Refusal>
        if let authorization = call.headers[.authorization] {
            result = Self.authorization(authorization, credentials: credentials)
        } else if let id = call.headers[HTTPField.Name("webhook-id")!],
            let timestamp = call.headers[HTTPField.Name("webhook-timestamp")!],
            let signature = call.headers[HTTPField.Name("webhook-signature")!]
        {
            result = credentials.signed(
                id: id, timestamp: timestamp, signature: signature, body: call.body, now: dependencies.now())
            if case .failure = result { lock.withLock { signatureFailures += 1 } }
        } else if route == "/v1/upcoming.ics", let token = call.query["token"] {
            result = credentials.bearer(token)
        } else {
            result = .failure(.missing)
        }
        switch result {
        case .failure(.missing):
            throw Problem.unauthorized(
                "credentials are required: 'Authorization: Bearer TOKEN', HTTP Basic with a token as the password, or a Standard Webhooks signature"
            )
        case .failure(.wrong):
            throw Problem.unauthorized("the token is not one of this server's")
        case .failure(.badSignature(let why)):
            throw Problem.unauthorized("the request's signature is refused: \(why)")
        case .success(let token):
            if access == .write, token.scope != .write {
                throw Problem(.forbidden, "token '\(token.name)' may read but not record events (scope: read)")
            }
            return token
        }
    }

    /// `Bearer TOKEN` or `Basic base64(user:TOKEN)`.
    private static func authorization(_ header: String, credentials: Credentials) -> Result<
        Credentials.Token, Credentials.Refusal
    > {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return .failure(.wrong) }
        let scheme = parts[0].lowercased()
        let value = parts[1].trimmingCharacters(in: .whitespaces)
        if scheme == "bearer" { return credentials.bearer(value) }
        if scheme == "basic", let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        {
            return credentials.bearer(String(text[text.index(after: colon)...]))
        }
        return .failure(.wrong)
    }

    /// The query's parameters, percent-decoded; `+` stays a plus (RFC 3986), so that `now=…+08:00`
    /// works unencoded. The first of a repeated name wins.
    static func query(_ query: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).removingPercentEncoding ?? String(text)
            }
            let name = decode(parts[0])
            if result[name] == nil { result[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return result
    }

    /// The `Date` header, formatted once a second at most.
    private func date() -> String {
        let now = dependencies.now()
        return lock.withLock {
            if dateHeader.second != now {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.timeZone = TimeZone(identifier: "GMT")
                formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
                dateHeader = (now, formatter.string(from: Date(timeIntervalSince1970: TimeInterval(now))))
            }
            return dateHeader.text
        }
    }

    /// The checks for events against `loaded`, built on the first request after each load.
    func eventChecks(_ loaded: DaemonState.Loaded) -> EventChecks {
        if let cached = lock.withLock({ checks }), cached.generation == loaded.generation { return cached.checks }
        let made = EventChecks(loaded.workspace)
        lock.withLock { checks = (loaded.generation, made) }
        return made
    }

    var signatureFailureCount: Int { lock.withLock { signatureFailures } }
}

import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TicklerCore
import TicklerDaemon
import TicklerStore

/// The HTTP service of `tickler run`, a `Service` in the daemon's `ServiceGroup`: hummingbird's
/// HTTP/1.1 server (its core: no router, no once-a-second date task) answering from the daemon's
/// state and the store.
///
/// A graceful shutdown stops accepting connections and lets requests in progress finish; the
/// group shuts the daemon down after it. A reload applies new tokens and `public_url` at once; a
/// new `listen` address is taken at the next start (the server says so in the log).
public final class HTTPService: Service, @unchecked Sendable {
    /// What the service needs of the rest of the process.
    public struct Dependencies: Sendable {
        public var store: any StateStore
        public var state: DaemonState
        /// Tells the daemon that events were recorded.
        public var eventsRecorded: @Sendable () -> Void
        public var environment: [String: String]
        public var now: @Sendable () -> Int64
        /// Called once the server listens, with the address it bound.
        public var listening: @Sendable (String) -> Void

        public init(
            store: any StateStore, state: DaemonState, eventsRecorded: @escaping @Sendable () -> Void,
            environment: [String: String],
            now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
            listening: @escaping @Sendable (String) -> Void = { _ in }
        ) {
            self.store = store
            self.state = state
            self.eventsRecorded = eventsRecorded
            self.environment = environment
            self.now = now
            self.listening = listening
        }
    }

    /// Why the service cannot start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// How long a client has to send a whole request, from the connection's start or the end of
    /// the previous answer: a slow client is cut off, and an idle keep-alive connection closed.
    public static let requestTimeout: TimeAmount = .seconds(10)

    let settings: HTTPSettings
    let routes: Routes
    let logger: Logger

    /// Reads the tokens' secrets; fails naming the token whose secret cannot be read.
    public init(settings: HTTPSettings, dependencies: Dependencies, logger: Logger) throws(StartError) {
        self.settings = settings
        self.logger = logger
        let credentials: Credentials
        switch Credentials.read(settings, environment: dependencies.environment) {
        case .success(let read): credentials = read
        case .failure(let problem): throw StartError(description: "http: \(problem.message)")
        }
        routes = Routes(
            dependencies: dependencies, settings: settings, credentials: credentials, logger: logger)
        let routes = routes
        let logger = logger
        let listen = settings.listen
        dependencies.state.onLoad { loaded in
            guard let http = loaded.workspace.config.http else {
                logger.warning("'http' was removed from the configuration; the server stays on until the next start")
                return
            }
            if http.listen != listen {
                logger.warning(
                    "http.listen changed; the server stays on the address it has until the next start",
                    metadata: ["listening": "\(listen)", "configured": "\(http.listen)"])
            }
            switch Credentials.read(http, environment: dependencies.environment) {
            case .success(let credentials): routes.update(settings: http, credentials: credentials)
            case .failure(let problem):
                logger.error(
                    "http tokens not reloaded; the previous ones stay", metadata: ["error": "\(problem.message)"])
            }
        }
    }

    public func run() async throws {
        let routes = routes
        let timeout = Self.requestTimeout
        let builder = HTTPServerBuilder.http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestDeadlineHandler(timeout: timeout)]))
        let address = settings.listen
        let logger = logger
        let server = try builder.buildServer(
            configuration: ServerConfiguration(
                address: .hostname(address.host, port: address.port), serverName: nil, backlog: 1_024),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger,
            responder: { request, writer, _ in
                let response = await routes.respond(to: request)
                try await writer.write(response: response.head, body: response.body)
            },
            onServerRunning: { [routes] channel in
                let bound = channel.localAddress.map { "\($0.ipAddress ?? address.host):\($0.port ?? address.port)" }
                logger.info("http listening", metadata: ["address": "\(bound ?? address.description)"])
                routes.dependencies.listening(bound ?? address.description)
            })
        do {
            try await server.run()
        } catch {
            logger.critical("cannot listen", metadata: ["address": "\(address)", "error": "\(error)"])
            throw StartError(description: "cannot listen on \(address): \(error)")
        }
    }
}

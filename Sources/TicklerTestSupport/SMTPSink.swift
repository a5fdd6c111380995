import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real SMTP server on 127.0.0.1 for one test: Debian's aiosmtpd, run by `/usr/bin/python3` with a
/// small controller script, on a port the kernel picks.
///
///     let sink = try SMTPSink(SMTPSink.Configuration(tls: .startTLS, refusedRecipients: ["nobody@example.com"]))
///     // send to sink.url, trusting sink.certificatePath …
///     let messages = try sink.messages()   // what arrived, byte for byte
///
/// It stores every accepted message (the DATA bytes after dot-unstuffing, exactly as received) with its
/// envelope and the number of the connection it came over, and counts connections. It can require
/// AUTH (one user and password; anything else gets `535`), offer STARTTLS or speak TLS from the start
/// with a self-signed certificate made for the test (`openssl req -x509`, trusted through
/// `certificatePath`), refuse given recipients with `550`, and answer the message with a fixed reply
/// (`451 …`, `554 …`). The server stops when the sink is released, or when the test process dies (it
/// exits when its standard input closes).
public final class SMTPSink: @unchecked Sendable {
    public struct Configuration: Sendable {
        public enum TLS: String, Sendable {
            /// Plain SMTP; no STARTTLS offered.
            case none
            /// STARTTLS offered on the plain port.
            case startTLS = "starttls"
            /// TLS from the first byte (`smtps://`).
            case implicit
        }

        public var tls: TLS
        /// With both set, AUTH is required and only this user and password are accepted.
        public var username: String?
        public var password: String?
        /// Addresses answered `550 5.1.1 … mailbox unavailable` at `RCPT TO`.
        public var refusedRecipients: [String]
        /// A reply to the message (after its last line) instead of accepting it, e.g. `451 4.3.0 try later`.
        public var dataReply: String?
        /// Seconds a connection may stay idle before the server closes it (aiosmtpd's default is 300).
        public var idleTimeout: Double?
        /// Whether EHLO offers `PIPELINING` (RFC 2920; aiosmtpd reads pipelined commands either way).
        public var pipelining: Bool
        /// The port to listen on; `0` lets the kernel pick one. A test of an outage starts the sink on
        /// a port that refused connections until then (``SMTPSink/closedPort()``).
        public var port: Int

        public init(
            tls: TLS = .none, username: String? = nil, password: String? = nil, refusedRecipients: [String] = [],
            dataReply: String? = nil, idleTimeout: Double? = nil, pipelining: Bool = false, port: Int = 0
        ) {
            self.tls = tls
            self.username = username
            self.password = password
            self.refusedRecipients = refusedRecipients
            self.dataReply = dataReply
            self.idleTimeout = idleTimeout
            self.pipelining = pipelining
            self.port = port
        }
    }

    /// A message the sink accepted.
    public struct Message: Sendable, Hashable {
        public var mailFrom: String
        public var recipients: [String]
        /// The message as received, dot-unstuffed, without the final `.` line.
        public var bytes: [UInt8]
        /// 1 for the first connection the sink accepted, 2 for the second, …
        public var connection: Int
        public var overTLS: Bool
        public var authenticated: Bool
        /// Whether `RCPT TO` and `DATA` had arrived with `MAIL FROM`, before its reply (pipelined).
        public var pipelined: Bool
        /// Whether the next message's commands had arrived with this message's end, before its reply
        /// (pipelined from one message to the next).
        public var nextCommandsBuffered: Bool
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The port the server listens on (127.0.0.1).
    public let port: Int
    /// The PEM certificate the server presents, for `ca_file`; `nil` without TLS.
    public let certificatePath: String?
    /// `smtp://127.0.0.1:PORT`, or `smtps://…` with implicit TLS.
    public let url: String

    private let server: PythonServer
    private var directory: TemporaryDirectory { server.directory }

    public init(_ configuration: Configuration = Configuration()) throws {
        let directory = try TemporaryDirectory()
        try directory.createDirectory("messages")
        var settings: [String: Any] = [
            "tls": configuration.tls.rawValue,
            "refuse": configuration.refusedRecipients,
            "port": configuration.port,
            "pipelining": configuration.pipelining,
        ]
        if let username = configuration.username, let password = configuration.password {
            settings["username"] = username
            settings["password"] = password
        }
        if let dataReply = configuration.dataReply { settings["data_reply"] = dataReply }
        if let idleTimeout = configuration.idleTimeout { settings["idle_timeout"] = idleTimeout }
        if configuration.tls != .none {
            let (certificate, key) = try Self.makeCertificate(in: directory.path)
            settings["certificate"] = certificate
            settings["key"] = key
            certificatePath = certificate
        } else {
            certificatePath = nil
        }
        do {
            server = try PythonServer(
                name: "aiosmtpd", python: DebianPython.path, script: Self.script, settings: settings,
                directory: directory)
        } catch let failure as PythonServer.Failure {
            throw Failure(description: failure.description)
        }
        port = server.port
        url = (configuration.tls == .implicit ? "smtps" : "smtp") + "://127.0.0.1:\(port)"
    }

    /// Every message accepted so far, in the order they arrived.
    public func messages() throws -> [Message] {
        let folder = directory.path("messages")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let envelope = try JSONDecoder().decode(
                Envelope.self, from: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            let eml = folder + "/" + name.dropLast(".json".count) + ".eml"
            let bytes = try Data(contentsOf: URL(fileURLWithPath: eml))
            return Message(
                mailFrom: envelope.mailFrom, recipients: envelope.recipients, bytes: Array(bytes),
                connection: envelope.connection, overTLS: envelope.tls, authenticated: envelope.authenticated,
                pipelined: envelope.pipelined, nextCommandsBuffered: envelope.nextBuffered)
        }
    }

    /// How many connections the server has accepted (a STARTTLS upgrade is not a new one).
    public func connectionCount() -> Int { server.connectionCount }

    /// What the server wrote to its log (stdout and stderr), for failure messages.
    public func log() -> String { server.log }

    private struct Envelope: Decodable {
        var mailFrom: String
        var recipients: [String]
        var connection: Int
        var tls: Bool
        var authenticated: Bool
        var pipelined: Bool
        var nextBuffered: Bool

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from"
            case recipients = "rcpt_tos"
            case nextBuffered = "next_buffered"
            case connection, tls, authenticated, pipelined
        }
    }

    /// Makes a self-signed certificate for `127.0.0.1` and `localhost` (P-256, valid two days) with
    /// `openssl req -x509`; returns the paths of the certificate and its key, both PEM.
    public static func makeCertificate(in directory: String) throws -> (certificate: String, key: String) {
        let certificate = directory + "/certificate.pem"
        let key = directory + "/key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl req failed: " + String(decoding: output, as: UTF8.self))
        }
        return (certificate, key)
    }

    /// The controller: aiosmtpd's SMTP protocol on a socket bound to 127.0.0.1 port 0.
    private static let script = #"""
        import asyncio, json, os, socket, ssl, sys
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        config = json.load(open(sys.argv[1]))
        directory = config["directory"]
        refused = {address.lower() for address in config.get("refuse", [])}
        counts = {"connections": 0, "messages": 0}

        def write_atomically(path, data):
            with open(path + ".tmp", "wb") as file:
                file.write(data)
            os.rename(path + ".tmp", path)

        class Handler:
            async def handle_EHLO(self, server, session, envelope, hostname, responses):
                session.host_name = hostname
                if config["pipelining"]:
                    responses.insert(-1, "250-PIPELINING")
                return responses

            async def handle_MAIL(self, server, session, envelope, address, mail_options):
                # The commands after MAIL FROM already read (buffered): the client pipelined them.
                envelope.tickler_pipelined = b"\r\n" in bytes(server._reader._buffer)
                envelope.mail_from = address
                envelope.mail_options.extend(mail_options)
                return "250 OK"

            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.lower() in refused:
                    return "550 5.1.1 <%s>: mailbox unavailable" % address
                envelope.rcpt_tos.append(address)
                return "250 2.1.5 OK"

            async def handle_DATA(self, server, session, envelope):
                next_buffered = b"\r\n" in bytes(server._reader._buffer)
                if config.get("data_reply"):
                    return config["data_reply"]
                counts["messages"] += 1
                base = os.path.join(directory, "messages", "%05d" % counts["messages"])
                write_atomically(base + ".eml", envelope.original_content)
                envelope_json = {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "connection": server.tickler_connection,
                    "tls": server.transport.get_extra_info("ssl_object") is not None,
                    "authenticated": bool(session.authenticated),
                    "pipelined": getattr(envelope, "tickler_pipelined", False),
                    "next_buffered": next_buffered,
                }
                write_atomically(base + ".json", json.dumps(envelope_json).encode())
                return "250 2.0.0 OK: queued as %d" % counts["messages"]

        def authenticator(server, session, envelope, mechanism, auth_data):
            accepted = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login == config["username"].encode()
                and auth_data.password == config["password"].encode()
            )
            return AuthResult(success=accepted, handled=False)

        class Sink(SMTP):
            tickler_connection = 0

            def connection_made(self, transport):
                if self.transport is None:  # a new connection, not the STARTTLS upgrade of one
                    counts["connections"] += 1
                    self.tickler_connection = counts["connections"]
                    write_atomically(os.path.join(directory, "connections"), str(counts["connections"]).encode())
                super().connection_made(transport)

        async def main():
            context = None
            if config["tls"] != "none":
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.load_cert_chain(config["certificate"], config["key"])
            options = {"hostname": "tickler-sink", "ident": "tickler-sink", "enable_SMTPUTF8": True}
            if config["tls"] == "starttls":
                options["tls_context"] = context
            if "idle_timeout" in config:
                options["timeout"] = config["idle_timeout"]
            if "username" in config:
                options["authenticator"] = authenticator
                options["auth_required"] = True
                options["auth_require_tls"] = config["tls"] == "starttls"
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", config.get("port", 0)))
            listener.listen(128)
            loop = asyncio.get_running_loop()
            await loop.create_server(
                lambda: Sink(Handler(), **options), sock=listener,
                ssl=context if config["tls"] == "implicit" else None)
            write_atomically(os.path.join(directory, "port"), str(listener.getsockname()[1]).encode())
            # Serve until the test process closes our standard input (or dies).
            await loop.run_in_executor(None, sys.stdin.buffer.read)

        asyncio.run(main())
        """#
}

extension SMTPSink {
    /// A port on 127.0.0.1 with nothing listening: connecting to it is refused. (The kernel picked it
    /// as free an instant ago; another test could take it, but ports are handed out in turn, so not soon.)
    public static func closedPort() throws -> Int {
        let listener = try Listener(listen: false)
        return listener.port
    }

    /// A socket on 127.0.0.1 that accepts connections (the kernel completes them) but never says a
    /// word: for timeouts. Closed when released.
    public final class SilentServer: Sendable {
        private let listener: Listener
        public var port: Int { listener.port }

        public init() throws {
            listener = try Listener(listen: true)
        }
    }

    final class Listener: Sendable {
        let descriptor: Int32
        let port: Int

        init(listen shouldListen: Bool) throws {
            #if canImport(Glibc)
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #else
                let descriptor = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(descriptor, socketAddress, length) == 0
                        && (!shouldListen || listen(descriptor, 16) == 0)
                        && getsockname(descriptor, socketAddress, &length) == 0
                }
            }
            guard bound else {
                let problem = String(cString: strerror(errno))
                close(descriptor)
                throw Failure(description: "bind 127.0.0.1:0: \(problem)")
            }
            self.descriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(descriptor) }
    }
}

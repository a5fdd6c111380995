import Foundation
import TicklerCore
import TicklerMessages

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real HTTP/1.1 server on 127.0.0.1 for one test: Python's `http.server.ThreadingHTTPServer`
/// (keep-alive on, `protocol_version = "HTTP/1.1"`), run by Debian's `/usr/bin/python3`, on a port the
/// kernel picks.
///
///     let sink = try HTTPSink(HTTPSink.Configuration(answers: [.json(#"{"errcode":130101}"#)]))
///     // post to sink.url + "/robot/send?access_token=…" …
///     let requests = try sink.requests()   // what arrived: method, path, query, headers, body
///
/// It records every request, before answering it, with the number of the connection it came over and
/// that connection's peer port (so tests can see keep-alive reuse), and answers from a queue of
/// scripted answers (status, headers, body, a delay), then with `200 {"ok":true}`. It can check a
/// signature the way the receiving service would — DingTalk's and Feishu's recomputed in Python,
/// Standard Webhooks' with the `standardwebhooks` package from PyPI (then it runs under `VenvPython`)
/// — and records the verdict with the request. It can speak HTTPS with a self-signed certificate made
/// for the test (`SMTPSink.makeCertificate`, trusted through `certificatePath`). The server stops when the sink is released, or when
/// the test process dies (it exits when its standard input closes).
public final class HTTPSink: @unchecked Sendable {
    /// A header name and value, as the requests Tickler sends carry them.
    public typealias Header = WebhookRequest.Header

    /// One scripted answer.
    public struct Answer: Sendable, Hashable {
        public var status: Int
        public var headers: [Header]
        public var body: [UInt8]
        /// Seconds to wait before answering (after the request has been recorded).
        public var delay: Double

        public init(status: Int = 200, headers: [Header] = [], body: String = "", delay: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = Array(body.utf8)
            self.delay = delay
        }

        /// An answer with a JSON body and `Content-Type: application/json`.
        public static func json(_ body: String, status: Int = 200, headers: [Header] = []) -> Answer {
            Answer(status: status, headers: [Header("Content-Type", "application/json")] + headers, body: body)
        }

        /// An answer with a plain-text body and `Content-Type: text/plain; charset=utf-8`.
        public static func text(_ body: String, status: Int = 200, headers: [Header] = []) -> Answer {
            Answer(status: status, headers: [Header("Content-Type", "text/plain; charset=utf-8")] + headers, body: body)
        }
    }

    /// A signature the sink checks on every request, as the service would.
    public enum Signature: Sendable, Hashable {
        /// DingTalk: `timestamp` (milliseconds, within an hour) and `sign` in the query.
        case dingTalk(secret: String)
        /// Feishu: `timestamp` (seconds, within an hour) and `sign` in the JSON body.
        case feishu(secret: String)
        /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` headers, checked by
        /// `standardwebhooks.webhooks.Webhook(secret).verify(body, headers)`.
        case standardWebhooks(secret: String)
    }

    public struct Configuration: Sendable {
        /// Answers to the first requests, in order; later requests get `200 {"ok":true}`.
        public var answers: [Answer]
        /// Seconds a connection may stay idle before the server closes it; `nil` waits for ever.
        public var idleTimeout: Double?
        public var signature: Signature?
        /// HTTPS with a self-signed certificate made for the test (see `certificatePath`).
        public var tls: Bool

        public init(
            answers: [Answer] = [], idleTimeout: Double? = nil, signature: Signature? = nil, tls: Bool = false
        ) {
            self.answers = answers
            self.idleTimeout = idleTimeout
            self.signature = signature
            self.tls = tls
        }
    }

    /// A request the sink received.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// The path, without the query.
        public var path: String
        /// The query string as sent (still percent-encoded), without `?`; empty when there was none.
        public var query: String
        public var headers: [Header]
        public var body: [UInt8]
        /// 1 for the first connection the sink accepted, 2 for the second, …
        public var connection: Int
        /// The client's port on that connection.
        public var peerPort: Int
        /// `valid`, or `invalid: why`, when the sink checks a signature.
        public var signature: String?

        /// The value of the first header called `name` (any case).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The port the server listens on (127.0.0.1).
    public let port: Int
    /// `http://127.0.0.1:PORT`, or `https://…` with TLS.
    public let url: String
    /// The PEM certificate the server presents, for `ca_file`; `nil` without TLS.
    public let certificatePath: String?

    private let server: PythonServer
    private var directory: TemporaryDirectory { server.directory }

    public init(_ configuration: Configuration = Configuration()) throws {
        let directory = try TemporaryDirectory()
        var settings: [String: Any] = [
            "answers": configuration.answers.map { answer in
                [
                    "status": answer.status, "headers": answer.headers.map { [$0.name, $0.value] },
                    "body": Data(answer.body).base64EncodedString(), "delay": answer.delay,
                ] as [String: Any]
            }
        ]
        if let idleTimeout = configuration.idleTimeout { settings["idle_timeout"] = idleTimeout }
        if configuration.tls {
            let (certificate, key) = try SMTPSink.makeCertificate(in: directory.path)
            settings["certificate"] = certificate
            settings["key"] = key
            certificatePath = certificate
        } else {
            certificatePath = nil
        }
        var python = DebianPython.path
        switch configuration.signature {
        case .dingTalk(let secret): settings["signature"] = ["kind": "dingtalk", "secret": secret]
        case .feishu(let secret): settings["signature"] = ["kind": "feishu", "secret": secret]
        case .standardWebhooks(let secret):
            settings["signature"] = ["kind": "standard-webhooks", "secret": secret]
            python = VenvPython.path
        case nil: break
        }
        try directory.write("requests.jsonl", "")
        do {
            server = try PythonServer(
                name: "the HTTP sink", python: python, script: Self.script, settings: settings, directory: directory)
        } catch let failure as PythonServer.Failure {
            throw Failure(description: failure.description)
        }
        port = server.port
        url = (configuration.tls ? "https" : "http") + "://127.0.0.1:\(port)"
    }

    /// Every request received so far, in the order they arrived.
    public func requests() throws -> [Request] {
        let text = try String(contentsOfFile: directory.path("requests.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let record = try JSONDecoder().decode(Record.self, from: Data(line.utf8))
            return Request(
                method: record.method, path: record.path, query: record.query,
                headers: record.headers.map { Header($0.first ?? "", $0.dropFirst().first ?? "") },
                body: Array(Data(base64Encoded: record.body) ?? Data()), connection: record.connection,
                peerPort: record.peerPort, signature: record.signature)
        }
    }

    /// How many connections the server has accepted.
    public func connectionCount() -> Int { server.connectionCount }

    /// What the server wrote to its log (stdout and stderr), for failure messages.
    public func log() -> String { server.log }

    private struct Record: Decodable {
        var method: String
        var path: String
        var query: String
        var headers: [[String]]
        var body: String
        var connection: Int
        var peerPort: Int
        var signature: String?

        enum CodingKeys: String, CodingKey {
            case method, path, query, headers, body, connection, signature
            case peerPort = "peer_port"
        }
    }

    /// The server: http.server on a socket bound to 127.0.0.1 port 0, one thread per connection.
    private static let script = #"""
        import base64, hashlib, hmac, json, os, socketserver, ssl, sys, threading, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qs, urlsplit

        config = json.load(open(sys.argv[1]))
        directory = config["directory"]
        answers = list(config["answers"])
        default = {"status": 200, "headers": [["Content-Type", "application/json"]],
                   "body": base64.b64encode(b'{"ok":true}').decode(), "delay": 0}
        lock = threading.Lock()
        counts = {"connections": 0}

        def write_atomically(path, data):
            with open(path + ".tmp", "wb") as file:
                file.write(data)
            os.rename(path + ".tmp", path)

        def matches(given, expected):
            return "valid" if hmac.compare_digest(given, expected) else "invalid: the signature does not match"

        def check_signature(query, headers, body):
            rule = config.get("signature")
            if rule is None:
                return None
            secret = rule["secret"]
            try:
                if rule["kind"] == "dingtalk":
                    fields = parse_qs(query)
                    timestamp, sign = fields["timestamp"][0], fields["sign"][0]
                    if abs(time.time() * 1000 - int(timestamp)) > 3600 * 1000:
                        return "invalid: the timestamp is more than an hour away"
                    digest = hmac.new(secret.encode(), (timestamp + "\n" + secret).encode(), hashlib.sha256)
                    return matches(sign, base64.b64encode(digest.digest()).decode())
                if rule["kind"] == "feishu":
                    fields = json.loads(body)
                    timestamp, sign = str(fields["timestamp"]), fields["sign"]
                    if abs(time.time() - int(timestamp)) > 3600:
                        return "invalid: the timestamp is more than an hour away"
                    digest = hmac.new((timestamp + "\n" + secret).encode(), b"", hashlib.sha256)
                    return matches(sign, base64.b64encode(digest.digest()).decode())
                from standardwebhooks.webhooks import Webhook
                Webhook(secret).verify(body, dict(headers))
                return "valid"
            except Exception as error:
                return "invalid: %s: %s" % (type(error).__name__, error)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = config.get("idle_timeout")

            def setup(self):
                super().setup()
                with lock:
                    counts["connections"] += 1
                    self.tickler_connection = counts["connections"]
                    write_atomically(os.path.join(directory, "connections"), str(counts["connections"]).encode())

            def answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                headers = list(self.headers.items())
                record = {
                    "method": self.command, "path": parts.path, "query": parts.query,
                    "headers": [[name, value] for name, value in headers],
                    "body": base64.b64encode(body).decode(), "connection": self.tickler_connection,
                    "peer_port": self.client_address[1], "signature": check_signature(parts.query, headers, body),
                }
                with lock:
                    with open(os.path.join(directory, "requests.jsonl"), "a") as file:
                        file.write(json.dumps(record) + "\n")
                    answer = answers.pop(0) if answers else default
                time.sleep(answer["delay"])
                payload = base64.b64decode(answer["body"])
                self.send_response(answer["status"])
                for name, value in answer["headers"]:
                    self.send_header(name, value)
                has_body = answer["status"] not in (204, 304)
                if has_body:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if has_body:
                    self.wfile.write(payload)

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = answer

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def server_bind(self):
                socketserver.TCPServer.server_bind(self)
                self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

        server = Server(("127.0.0.1", 0), Handler)
        if "certificate" in config:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(config["certificate"], config["key"])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        write_atomically(os.path.join(directory, "port"), str(server.server_address[1]).encode())
        # Serve until the test process closes our standard input (or dies).
        sys.stdin.buffer.read()
        os._exit(0)
        """#
}

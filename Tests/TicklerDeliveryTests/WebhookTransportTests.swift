import Foundation
import Testing
import TicklerCore
import TicklerDelivery
import TicklerMessages
import TicklerTestSupport

/// `WebhookTransport` against a real HTTP/1.1 receiver on loopback: what arrives, keep-alive, the
/// network failing, configuration problems, and that no token or secret reaches a failure's text.
/// (What each answer means is in `WebhookAnswerTests`.)
@Suite struct WebhookTransportTests {
    static let body = #"{"text":"张三的生日快乐"}"#

    static func channel(
        _ url: String, format: WebhookChannel.Format = .generic, secret: SecretSource? = nil,
        caFile: String? = nil, connections: Int = 1, timeout: Int64 = 10
    ) -> WebhookChannel {
        WebhookChannel(
            url: url, format: format, secret: secret,
            transport: TransportOptions(caFile: caFile, connections: connections, timeout: TimeSpan(timeout, .seconds)))
    }

    static func transport(_ channel: WebhookChannel, environment: [String: String] = [:]) -> WebhookTransport {
        WebhookTransport(channelName: "chat", channel: channel, environment: environment)
    }

    /// Posts `request` (by default `body` to `url`) and returns the failure, recording an issue if
    /// the post succeeded.
    static func failure(
        _ transport: WebhookTransport, _ request: WebhookRequest, format: WebhookChannel.Format = .generic,
        now: Int64? = nil
    ) async -> DeliveryFailure? {
        do {
            let receipt = try await transport.post(request, format: format, now: now)
            Issue.record("expected a failure, the server answered \(receipt)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Delivery

    @Test func aPostArrivesAsJSONWithItsHeadersAndBodyByteForByte() async throws {
        let sink = try HTTPSink()
        let transport = Self.transport(Self.channel(sink.url + "/hooks/incoming"))
        let request = WebhookRequest(
            url: sink.url + "/hooks/incoming?room=sales", headers: [.init("Idempotency-Key", "birthday/zhang")],
            body: Array(Self.body.utf8))
        let receipt = try await transport.post(request, format: .generic)
        #expect(receipt.status == 200)
        #expect(receipt.summary == "ok")
        #expect(receipt.description == "HTTP 200 ok")
        #expect(!receipt.reusedConnection)

        let arrived = try #require(try sink.requests().first)
        #expect(arrived.method == "POST")
        #expect(arrived.path == "/hooks/incoming")
        #expect(arrived.query == "room=sales")
        #expect(arrived.body == request.body)
        #expect(arrived.header("Content-Type") == "application/json")
        #expect(arrived.header("Content-Length") == String(request.body.count))
        #expect(arrived.header("Idempotency-Key") == "birthday/zhang")
        #expect(arrived.header("Expect") == nil)
        #expect(arrived.header("Transfer-Encoding") == nil)
    }

    @Test func aLargeBodyArrivesWholeWithoutWaitingForContinue() async throws {
        let sink = try HTTPSink()
        let text = String(repeating: "祝您生日快乐！", count: 20_000)  // about 420 KB
        let request = WebhookRequest(url: sink.url, body: Array(#"{"text":"\#(text)"}"#.utf8))
        _ = try await Self.transport(Self.channel(sink.url)).post(request, format: .generic)
        let arrived = try #require(try sink.requests().first)
        #expect(arrived.body == request.body)
        // libcurl would otherwise ask for "100 Continue" before a body this large, and wait for it.
        #expect(arrived.header("Expect") == nil)
    }

    @Test func tenPostsShareOneKeptAliveConnection() async throws {
        let sink = try HTTPSink()
        let transport = Self.transport(Self.channel(sink.url))
        var receipts: [WebhookReceipt] = []
        for number in 1...10 {
            let request = WebhookRequest(url: sink.url + "/hook", body: Array(#"{"n":\#(number)}"#.utf8))
            receipts.append(try await transport.post(request, format: .generic))
        }
        let arrived = try sink.requests()
        #expect(arrived.count == 10)
        #expect(sink.connectionCount() == 1)
        #expect(Set(arrived.map(\.connection)) == [1])
        #expect(Set(arrived.map(\.peerPort)).count == 1)
        #expect(arrived.map(\.text) == (1...10).map { #"{"n":\#($0)}"# })
        #expect(receipts.first?.reusedConnection == false)
        #expect(receipts.dropFirst().allSatisfy { $0.reusedConnection })
    }

    @Test func parallelPostsUseAtMostTheChannelsConnections() async throws {
        let sink = try HTTPSink()
        let transport = Self.transport(Self.channel(sink.url, connections: 3))
        try await withThrowingTaskGroup(of: WebhookReceipt.self) { group in
            for number in 1...12 {
                group.addTask {
                    try await transport.post(
                        WebhookRequest(url: sink.url, body: Array(#"{"n":\#(number)}"#.utf8)), format: .generic)
                }
            }
            for try await receipt in group { #expect(receipt.status == 200) }
        }
        #expect(try sink.requests().count == 12)
        #expect((1...3).contains(sink.connectionCount()))
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplaced() async throws {
        let sink = try HTTPSink(HTTPSink.Configuration(idleTimeout: 0.5))
        let transport = Self.transport(Self.channel(sink.url))
        let request = WebhookRequest(url: sink.url, body: Array(Self.body.utf8))
        _ = try await transport.post(request, format: .generic)
        try await Task.sleep(for: .seconds(1.2))
        let second = try await transport.post(request, format: .generic)
        #expect(second.status == 200)
        #expect(!second.reusedConnection)
        #expect(sink.connectionCount() == 2)
        #expect(try sink.requests().count == 2)
    }

    @Test func variablesInTheURLComeFromTheGivenEnvironment() async throws {
        let sink = try HTTPSink()
        let transport = Self.transport(
            Self.channel("http://127.0.0.1:${SINK_PORT}/hook"), environment: ["SINK_PORT": String(sink.port)])
        #expect(transport.target == "http://127.0.0.1:\(sink.port)")
    }

    @Test(arguments: [
        ("https://oapi.dingtalk.com/robot/send?access_token=abc123", "https://oapi.dingtalk.com"),
        ("https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com"),
        ("http://user:hunter2@10.0.0.1:8080/hook", "http://10.0.0.1:8080"),
    ])
    func theTargetShowsOnlySchemeAndHost(url: String, target: String) {
        #expect(Self.transport(Self.channel(url)).target == target)
    }

    // MARK: TLS

    @Test func httpsWithTheCertificateTrustedThroughCAFileSucceeds() async throws {
        let sink = try HTTPSink(HTTPSink.Configuration(tls: true))
        #expect(sink.url.hasPrefix("https://"))
        let transport = Self.transport(Self.channel(sink.url, caFile: sink.certificatePath))
        let request = WebhookRequest(url: sink.url + "/hook", body: Array(Self.body.utf8))
        #expect(try await transport.post(request, format: .generic).status == 200)
        #expect(try await transport.post(request, format: .generic).reusedConnection)
        #expect(try sink.requests().map(\.body) == [request.body, request.body])
    }

    @Test func anUntrustedCertificateIsAPermanentCertificateFailure() async throws {
        let sink = try HTTPSink(HTTPSink.Configuration(tls: true))
        let failure = try #require(
            await Self.failure(
                Self.transport(Self.channel(sink.url)), WebhookRequest(url: sink.url, body: Array(Self.body.utf8))))
        #expect(failure.kind == .certificate)
        #expect(!failure.isTransient)
        #expect(failure.description.contains("ca_file"))
        #expect(try sink.requests().isEmpty)
    }

    // MARK: The network

    @Test func aClosedPortIsATransientConnectionFailure() async throws {
        let port = try SMTPSink.closedPort()
        let transport = Self.transport(Self.channel("http://127.0.0.1:\(port)/hook"))
        let failure = try #require(
            await Self.failure(transport, WebhookRequest(url: "http://127.0.0.1:\(port)/hook", body: [])))
        #expect(failure.kind == .connection)
        #expect(failure.isTransient)
        #expect(failure.curlError?.code == 7)
        #expect(
            failure.description.hasPrefix(
                "posting the message via channel 'chat' (http://127.0.0.1:\(port)) failed: libcurl error 7"))
        #expect(failure.description.hasSuffix("(transient)"))
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let sink = try HTTPSink(HTTPSink.Configuration(answers: [.json(#"{"ok":true}"#).delayed(6)]))
        let transport = Self.transport(Self.channel(sink.url, timeout: 1))
        // Without the 1 s timeout, the answer would come after 6 s and be a success. (No bound on the
        // time taken: tests run in parallel on two cores, and a busy pool delays the continuation.)
        let failure = try #require(
            await Self.failure(transport, WebhookRequest(url: sink.url, body: Array(Self.body.utf8))))
        #expect(failure.kind == .timeout)
        #expect(failure.isTransient)
        #expect(failure.curlError?.code == 28)
        #expect(try sink.requests().count == 1)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try SMTPSink.SilentServer()
        let url = "http://127.0.0.1:\(server.port)/hook"
        let failure = try #require(
            await Self.failure(Self.transport(Self.channel(url, timeout: 1)), WebhookRequest(url: url, body: [])))
        #expect(failure.kind == .timeout)
        #expect(failure.isTransient)
    }

    // MARK: Configuration

    @Test func anUnsetVariableInTheURLIsAPermanentFailureNamingIt() async throws {
        let transport = Self.transport(Self.channel("https://${CHAT_HOST}/hook"))
        #expect(transport.target == nil)
        let failure = try #require(
            await Self.failure(transport, WebhookRequest(url: "https://chat.example.com/hook", body: [])))
        #expect(failure.kind == .configuration)
        #expect(!failure.isTransient)
        #expect(failure.description.contains("'CHAT_HOST'"))
    }

    @Test func anUnsetSecretVariableIsAPermanentFailureNamingIt() async throws {
        let transport = Self.transport(
            Self.channel("https://oapi.dingtalk.com/robot/send", format: .dingtalk, secret: .environment("DING_SECRET"))
        )
        let failure = try #require(
            await Self.failure(transport, WebhookRequest(url: "https://oapi.dingtalk.com/robot/send", body: [])))
        #expect(failure.kind == .configuration)
        #expect(
            failure.description
                == "posting the message via channel 'chat' (https://oapi.dingtalk.com) failed: "
                + "environment variable 'DING_SECRET' (secret_env) is not set (permanent)")
    }

    @Test func anUnreadableSecretFileIsAPermanentFailureNamingIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing-secret")
        let transport = Self.transport(Self.channel("https://example.com/hook", secret: .file(path)))
        let failure = try #require(
            await Self.failure(transport, WebhookRequest(url: "https://example.com/hook", body: [])))
        #expect(failure.kind == .configuration)
        #expect(failure.description.contains("secret_file '\(path)'"))
    }

    @Test func aURLThatIsNotHTTPIsRefused() async throws {
        let transport = Self.transport(Self.channel("ftp://example.com/hook"))
        let failure = try #require(
            await Self.failure(transport, WebhookRequest(url: "ftp://example.com/hook", body: [])))
        #expect(failure.kind == .configuration)
        #expect(failure.description.contains("'http://' or 'https://'"))
    }

    @Test func aLineBreakInAHeaderIsRefusedBeforeAnythingIsSent() async throws {
        let sink = try HTTPSink()
        let request = WebhookRequest(
            url: sink.url, headers: [.init("X-Note", "a\r\nX-Injected: 1")], body: Array(Self.body.utf8))
        let failure = try #require(await Self.failure(Self.transport(Self.channel(sink.url)), request))
        #expect(failure.kind == .configuration)
        #expect(sink.connectionCount() == 0)
    }

    // MARK: Secrets

    @Test func tokensInTheURLAndTheSecretNeverAppearInAFailure() async throws {
        let secret = "SEC-signing-secret-0451"
        let pathToken = "XTOKENpath8f3a"
        let queryToken = "tokQUERY77c1"
        let echo = "/services/T0TEAM/\(pathToken)?access_token=\(queryToken) \(secret)"
        let sink = try HTTPSink(
            HTTPSink.Configuration(answers: [
                .text("Cannot POST \(echo)", status: 404),
                .json(#"{"message":"internal error at \#(echo)"}"#, status: 500),
                .json(#"{"errcode":310000,"errmsg":"sign not match \#(echo)"}"#),
                .text("moved to \(echo)", status: 301, headers: [.init("Location", redirectLocation(echo))]),
                .json(#"{"ok":true}"#).delayed(3),
            ]))
        let url = sink.url + "/services/T0TEAM/\(pathToken)?access_token=\(queryToken)"
        let transport = Self.transport(
            Self.channel(url, format: .dingtalk, secret: .environment("DING_SECRET"), timeout: 1),
            environment: ["DING_SECRET": secret])
        let closed = "http://127.0.0.1:\(try SMTPSink.closedPort())/services/T0TEAM/\(pathToken)?k=\(queryToken)"
        var failures: [DeliveryFailure] = []
        for target in [url, url, url, url, url, closed] {
            let request = WebhookRequest(url: target, body: Array(Self.body.utf8))
            if let failure = await Self.failure(transport, request, format: .dingtalk) { failures.append(failure) }
        }
        #expect(failures.map(\.kind) == [.httpStatus, .httpStatus, .service, .redirect, .timeout, .connection])
        for failure in failures {
            for text in [failure.description, String(reflecting: failure), "\(failure.curlError as Any)"] {
                for token in [secret, pathToken, queryToken, "access_token", "张三"] {
                    #expect(!text.contains(token), "\(token) in: \(text)")
                }
            }
        }
        #expect(failures[0].description.contains("HTTP 404: Cannot POST /[redacted]/[redacted]/[redacted]?[redacted]"))
    }
}

/// Where the redirect in the secrets test points: somewhere that would receive the tokens.
private func redirectLocation(_ echo: String) -> String { "https://elsewhere.example.com" + echo }

extension HTTPSink.Answer {
    /// This answer, sent after `seconds`.
    func delayed(_ seconds: Double) -> HTTPSink.Answer {
        var answer = self
        answer.delay = seconds
        return answer
    }
}

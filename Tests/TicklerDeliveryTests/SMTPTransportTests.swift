import Foundation
import Testing
import TicklerCore
import TicklerDelivery
import TicklerMessages
import TicklerTestSupport

/// `SMTPTransport` against aiosmtpd on loopback: what arrives, TLS, AUTH, refusals and how each failure
/// is classified.
@Suite struct SMTPTransportTests {
    private static let password = "s3cret-Pa55word"

    private func channel(
        _ url: String, startTLS: SMTPChannel.StartTLS = .off, username: String? = nil, password: SecretSource? = nil,
        caFile: String? = nil, connections: Int = 1, timeout: Int64 = 10
    ) -> SMTPChannel {
        SMTPChannel(
            url: url, startTLS: startTLS, username: username, password: password,
            from: EmailAddress(address: "service@example.com"),
            transport: TransportOptions(caFile: caFile, connections: connections, timeout: TimeSpan(timeout, .seconds)))
    }

    private func transport(_ channel: SMTPChannel, environment: [String: String] = [:]) -> SMTPTransport {
        SMTPTransport(channelName: "email", channel: channel, environment: environment)
    }

    /// A UTF-8 message with a Chinese subject and name, and lines that need dot-stuffing on the wire.
    private func message(to recipients: [String] = ["zhang@example.com"], number: Int = 1) -> MailMessage {
        func encoded(_ text: String) -> String { "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?=" }
        let lines = [
            "Date: Sun, 14 Mar 2027 09:00:00 +0800",
            "From: \(encoded("客户服务部")) <service@example.com>",
            "To: \(encoded("张三")) <zhang@example.com>",
            "Subject: \(encoded("生日快乐 \(number)"))",
            "Message-ID: <birthday-greeting/acme-zhang/2027-03-14@example.com>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "",
            "亲爱的张三：",
            ".a line that starts with a dot",
            ".",
            "祝您生日快乐！",
            "",
        ]
        return MailMessage(
            from: "service@example.com", recipients: recipients, bytes: Array(lines.joined(separator: "\r\n").utf8))
    }

    private func failure(_ body: () async throws(DeliveryFailure) -> SMTPReceipt) async -> DeliveryFailure? {
        do {
            let receipt = try await body()
            Issue.record("expected a failure, the server answered \(receipt.reply)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Delivery

    @Test(arguments: [false, true])
    func plainDeliveryArrivesByteForByte(pipelining: Bool) async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(pipelining: pipelining))
        let sent = message()
        let receipt = try await transport(channel(sink.url)).send(sent)
        #expect(receipt.code == 250)
        #expect(receipt.reply == "250 2.0.0 OK: queued as 1")
        #expect(receipt.refusedRecipients.isEmpty)

        let arrived = try #require(try sink.messages().first)
        #expect(arrived.bytes == sent.bytes)
        #expect(arrived.mailFrom == "service@example.com")
        #expect(arrived.recipients == ["zhang@example.com"])
        #expect(!arrived.overTLS)
        #expect(arrived.pipelined == pipelining)

        let parsed = try DebianPython.run(
            """
            import email, email.policy, json, sys
            message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
            to = message["To"].addresses[0]
            print(json.dumps({"subject": str(message["Subject"]), "name": to.display_name, "address": to.addr_spec,
                              "id": message["Message-ID"], "body": message.get_content()}, ensure_ascii=False))
            """, input: arrived.bytes)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as? [String: String])
        #expect(fields["subject"] == "生日快乐 1")
        #expect(fields["name"] == "张三")
        #expect(fields["address"] == "zhang@example.com")
        #expect(fields["id"] == "<birthday-greeting/acme-zhang/2027-03-14@example.com>")
        #expect(fields["body"] == "亲爱的张三：\r\n.a line that starts with a dot\r\n.\r\n祝您生日快乐！\r\n")
    }

    @Test(arguments: [false, true])
    func largeMessageArrivesWhole(pipelining: Bool) async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(pipelining: pipelining))
        var sent = message()
        let line = Array(("第" + String(repeating: "行", count: 60) + "\r\n").utf8)
        for _ in 0..<3_000 { sent.bytes += line }  // about 550 KB: many partial writes
        _ = try await transport(channel(sink.url)).send(sent)
        #expect(try sink.messages().first?.bytes == sent.bytes)
    }

    @Test(arguments: [false, true])
    func tenMessagesShareOneConnection(pipelining: Bool) async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(pipelining: pipelining))
        let transport = transport(channel(sink.url))
        var receipts: [SMTPReceipt] = []
        for number in 1...10 { receipts.append(try await transport.send(message(number: number))) }
        #expect(sink.connectionCount() == 1)
        let arrived = try sink.messages()
        #expect(arrived.count == 10)
        #expect(arrived.allSatisfy { $0.connection == 1 && $0.pipelined == pipelining })
        #expect(receipts.first?.reusedConnection == false)
        #expect(receipts.dropFirst().allSatisfy { $0.reusedConnection })
    }

    /// Messages that wait while the one connection is busy go out together: with PIPELINING, each
    /// message's end shares a write with the next message's commands; refusals stay per message.
    @Test(arguments: [false, true])
    func messagesWaitingForTheConnectionGoOutTogether(pipelining: Bool) async throws {
        let sink = try SMTPSink(
            SMTPSink.Configuration(refusedRecipients: ["nobody@example.com"], pipelining: pipelining))
        let transport = transport(channel(sink.url))
        let outcomes = await withTaskGroup(of: (Int, Result<SMTPReceipt, DeliveryFailure>).self) { group in
            for number in 1...16 {
                // Message 5 has only a refused recipient; message 9 has one refused among two.
                let recipients =
                    number == 5
                    ? ["nobody@example.com"]
                    : number == 9 ? ["nobody@example.com", "li@example.com"] : ["zhang@example.com"]
                group.addTask {
                    do throws(DeliveryFailure) {
                        return (
                            number, .success(try await transport.send(self.message(to: recipients, number: number)))
                        )
                    } catch {
                        return (number, .failure(error))
                    }
                }
            }
            var outcomes: [Int: Result<SMTPReceipt, DeliveryFailure>] = [:]
            for await (number, outcome) in group { outcomes[number] = outcome }
            return outcomes
        }
        for number in 1...16 where number != 5 {
            let receipt = try #require(try? outcomes[number]?.get(), "message \(number)")
            #expect(receipt.code == 250)
            #expect(receipt.refusedRecipients.map(\.address) == (number == 9 ? ["nobody@example.com"] : []))
        }
        guard case .failure(let refused) = outcomes[5] else {
            Issue.record("message 5 should have been refused")
            return
        }
        #expect(refused.kind == .recipientsRefused)
        let arrived = try sink.messages()
        #expect(arrived.count == 15)
        #expect(
            Set(arrived.map { $0.bytes })
                == Set(
                    (1...16).filter { $0 != 5 }.map { number in
                        message(number: number).bytes
                    }))
        #expect(sink.connectionCount() == 1)
        // Sixteen senders and one connection: some messages waited and went out in one batch, their
        // commands written with the previous message's end when the server allows pipelining.
        #expect(arrived.contains { $0.nextCommandsBuffered } == pipelining)
    }

    @Test func parallelSendsUseAtMostTheChannelsConnections() async throws {
        let sink = try SMTPSink()
        let transport = transport(channel(sink.url, connections: 3))
        try await withThrowingTaskGroup(of: SMTPReceipt.self) { group in
            for number in 1...12 { group.addTask { try await transport.send(self.message(number: number)) } }
            for try await receipt in group { #expect(receipt.code == 250) }
        }
        #expect(try sink.messages().count == 12)
        #expect((1...3).contains(sink.connectionCount()))
    }

    @Test func connectionTheServerClosedWhileIdleIsReplaced() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(idleTimeout: 0.5))
        let transport = transport(channel(sink.url))
        _ = try await transport.send(message(number: 1))
        try await Task.sleep(for: .seconds(1.2))
        let second = try await transport.send(message(number: 2))
        #expect(second.code == 250)
        #expect(sink.connectionCount() == 2)
        #expect(try sink.messages().count == 2)
    }

    @Test func variablesInTheURLComeFromTheGivenEnvironment() async throws {
        let sink = try SMTPSink()
        let transport = transport(
            channel("smtp://127.0.0.1:${SINK_PORT}"), environment: ["SINK_PORT": String(sink.port)])
        #expect(transport.target == "127.0.0.1:\(sink.port)")
        _ = try await transport.send(message())
        #expect(try sink.messages().count == 1)
    }

    // MARK: TLS

    @Test(arguments: [false, true])
    func startTLSWithTheCertificateTrustedThroughCAFileSucceeds(pipelining: Bool) async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(tls: .startTLS, pipelining: pipelining))
        let transport = transport(channel(sink.url, startTLS: .required, caFile: sink.certificatePath))
        _ = try await transport.send(message(number: 1))
        // The TLS connection is kept: what TLS sends unasked (session tickets) does not count as the
        // server closing it.
        let second = try await transport.send(message(number: 2))
        #expect(second.reusedConnection)
        let arrived = try sink.messages()
        #expect(arrived.map(\.overTLS) == [true, true])
        #expect(arrived.map(\.pipelined) == [pipelining, pipelining])
        #expect(sink.connectionCount() == 1)
    }

    @Test func optionalStartTLSUpgradesWhenOffered() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(tls: .startTLS))
        _ = try await transport(channel(sink.url, startTLS: .optional, caFile: sink.certificatePath)).send(message())
        #expect(try sink.messages().first?.overTLS == true)
    }

    @Test func optionalStartTLSSendsInTheClearWhenNotOffered() async throws {
        let sink = try SMTPSink()
        _ = try await transport(channel(sink.url, startTLS: .optional)).send(message())
        #expect(try sink.messages().first?.overTLS == false)
    }

    @Test func optionalStartTLSNeverFallsBackToPlainWhenTheCertificateFails() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(tls: .startTLS))
        let transport = transport(channel(sink.url, startTLS: .optional))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .certificate)
        #expect(try sink.messages().isEmpty)
    }

    @Test func startTLSWithoutTrustingTheCertificateIsAPermanentCertificateFailure() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(tls: .startTLS))
        let transport = transport(channel(sink.url, startTLS: .required))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .certificate)
        #expect(!failure.isTransient)
        #expect(failure.curlError?.code == 60)
        #expect(failure.description.contains("ca_file"))
        #expect(try sink.messages().isEmpty)
    }

    @Test func implicitTLSOverSMTPS() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(tls: .implicit))
        #expect(sink.url.hasPrefix("smtps://"))
        _ = try await transport(channel(sink.url, caFile: sink.certificatePath)).send(message())
        #expect(try sink.messages().first?.overTLS == true)
    }

    @Test func requiredStartTLSAgainstAServerWithoutItFailsPermanently() async throws {
        let sink = try SMTPSink()
        let transport = transport(channel(sink.url, startTLS: .required))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .tls)
        #expect(!failure.isTransient)
        #expect(try sink.messages().isEmpty)
    }

    // MARK: AUTH

    @Test func authenticationWithThePasswordFromTheEnvironmentSucceeds() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(username: "service", password: Self.password))
        let transport = transport(
            channel(sink.url, username: "service", password: .environment("SMTP_PASSWORD")),
            environment: ["SMTP_PASSWORD": Self.password])
        _ = try await transport.send(message())
        #expect(try sink.messages().first?.authenticated == true)
    }

    @Test func authenticationOverStartTLSWithThePasswordFromAFileSucceeds() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(tls: .startTLS, username: "service", password: Self.password))
        let directory = try TemporaryDirectory()
        let file = try directory.write("smtp-password", Self.password + "\n")
        let transport = transport(
            channel(
                sink.url, startTLS: .required, username: "service", password: .file(file),
                caFile: sink.certificatePath))
        _ = try await transport.send(message())
        let arrived = try #require(try sink.messages().first)
        #expect(arrived.authenticated && arrived.overTLS)
    }

    @Test func wrongPasswordIsAPermanentAuthenticationFailure() async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(username: "service", password: "the-right-one"))
        let transport = transport(
            channel(sink.url, username: "service", password: .environment("SMTP_PASSWORD")),
            environment: ["SMTP_PASSWORD": Self.password])
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .authentication)
        #expect(failure.responseCode == 535)
        #expect(!failure.isTransient)
        #expect(
            failure.description
                == "sending mail via channel 'email' (127.0.0.1:\(sink.port)) failed: the server refused the login: "
                + "535 5.7.8 Authentication credentials invalid (permanent)")
    }

    @Test func thePasswordNeverAppearsInAFailure() async throws {
        let refusing = try SMTPSink(
            SMTPSink.Configuration(username: "service", password: "the-right-one", dataReply: "554 5.7.1 no"))
        let accepting = try SMTPSink(
            SMTPSink.Configuration(username: "service", password: Self.password, dataReply: "451 4.3.0 later"))
        let secured = try SMTPSink(SMTPSink.Configuration(tls: .startTLS, username: "service", password: Self.password))
        let closed = try SMTPSink.closedPort()
        let environment = ["SMTP_PASSWORD": Self.password]
        let urls = [
            (refusing.url, SMTPChannel.StartTLS.off), (accepting.url, .off), (secured.url, .required),
            ("smtp://127.0.0.1:\(closed)", .off),
        ]
        for (url, startTLS) in urls {
            let transport = transport(
                channel(url, startTLS: startTLS, username: "service", password: .environment("SMTP_PASSWORD")),
                environment: environment)
            let failure = try #require(
                await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
            for text in [failure.description, String(reflecting: failure), "\(failure.curlError as Any)"] {
                #expect(!text.contains(Self.password), "\(url): \(text)")
            }
        }
    }

    // MARK: Refusals

    @Test(arguments: [false, true])
    func aRefusedRecipientIsReportedWithItsAddress(pipelining: Bool) async throws {
        let sink = try SMTPSink(
            SMTPSink.Configuration(refusedRecipients: ["nobody@example.com"], pipelining: pipelining))
        let receipt = try await transport(channel(sink.url))
            .send(message(to: ["zhang@example.com", "nobody@example.com", "li@example.com"]))
        #expect(receipt.code == 250)
        #expect(
            receipt.refusedRecipients == [
                RefusedRecipient(
                    address: "nobody@example.com", code: 550,
                    reply: "550 5.1.1 <nobody@example.com>: mailbox unavailable")
            ])
        #expect(try sink.messages().first?.recipients == ["zhang@example.com", "li@example.com"])
    }

    @Test(arguments: [false, true])
    func everyRecipientRefusedIsAPermanentFailureListingThem(pipelining: Bool) async throws {
        let sink = try SMTPSink(
            SMTPSink.Configuration(refusedRecipients: ["a@example.com", "b@example.com"], pipelining: pipelining))
        let transport = transport(channel(sink.url))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in
                try await transport.send(message(to: ["a@example.com", "b@example.com"]))
            })
        #expect(failure.kind == .recipientsRefused)
        #expect(!failure.isTransient)
        #expect(failure.refusedRecipients.map(\.address) == ["a@example.com", "b@example.com"])
        #expect(failure.refusedRecipients.map(\.code) == [550, 550])
        // Customers' addresses stay out of the text that goes to logs.
        #expect(!failure.description.contains("@example.com"))
        #expect(try sink.messages().isEmpty)
        // The connection was reset (RSET) and serves the next message.
        let next = try await transport.send(message(to: ["c@example.com"]))
        #expect(next.code == 250)
        #expect(next.reusedConnection)
        #expect(try sink.messages().map(\.recipients) == [["c@example.com"]])
        #expect(sink.connectionCount() == 1)
    }

    @Test(arguments: [false, true])
    func aTemporaryReplyToTheMessageIsTransient(pipelining: Bool) async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(dataReply: "451 4.3.0 try again later", pipelining: pipelining))
        let transport = transport(channel(sink.url))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.isTransient)
        #expect(failure.kind == .reply)
        #expect(failure.responseCode == 451)
        #expect(failure.description.contains("451 4.3.0 try again later"))
    }

    @Test(arguments: [false, true])
    func aPermanentReplyToTheMessageIsPermanent(pipelining: Bool) async throws {
        let sink = try SMTPSink(SMTPSink.Configuration(dataReply: "554 5.7.1 rejected as spam", pipelining: pipelining))
        let transport = transport(channel(sink.url))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(!failure.isTransient)
        #expect(failure.kind == .reply)
        #expect(failure.responseCode == 554)
    }

    // MARK: The network and the configuration

    @Test func aClosedPortIsATransientConnectionFailure() async throws {
        let port = try SMTPSink.closedPort()
        let transport = transport(channel("smtp://127.0.0.1:\(port)"))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .connection)
        #expect(failure.isTransient)
        #expect(failure.curlError?.code == 7)
        #expect(
            failure.description.hasPrefix(
                "sending mail via channel 'email' (127.0.0.1:\(port)) failed: libcurl error 7"))
        #expect(failure.description.hasSuffix("(transient)"))
    }

    // Without the channel's 1 s timeout, libcurl would wait 300 s for the greeting: the time limit
    // catches that. Wall time is not asserted: with the whole suite on two cores, this test's task can
    // wait for a thread of the cooperative pool for many seconds after the timeout fired.
    @Test(.timeLimit(.minutes(1)))
    func aServerThatNeverAnswersTimesOut() async throws {
        let server = try SMTPSink.SilentServer()
        let transport = transport(channel("smtp://127.0.0.1:\(server.port)", timeout: 1))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .timeout)
        #expect(failure.isTransient)
        #expect(failure.curlError?.code == 28)
    }

    @Test func anUnsetVariableInTheURLIsAPermanentFailureNamingIt() async throws {
        let transport = transport(channel("smtp://${SMTP_HOST}:587"))
        #expect(transport.target == nil)
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .configuration)
        #expect(!failure.isTransient)
        #expect(failure.description.contains("'SMTP_HOST'"))
    }

    @Test func anUnsetPasswordVariableIsAPermanentFailureNamingIt() async throws {
        let transport = transport(
            channel("smtp://127.0.0.1:25", username: "service", password: .environment("SMTP_PASSWORD")))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in try await transport.send(message()) })
        #expect(failure.kind == .configuration)
        #expect(failure.description.contains("'SMTP_PASSWORD'"))
    }

    @Test func aLineBreakInARecipientIsRefusedBeforeAnythingIsSent() async throws {
        let sink = try SMTPSink()
        let transport = transport(channel(sink.url))
        let failure = try #require(
            await failure { () async throws(DeliveryFailure) in
                try await transport.send(message(to: ["zhang@example.com>\r\nRCPT TO:<evil@example.com"]))
            })
        #expect(failure.kind == .configuration)
        #expect(sink.connectionCount() == 0)
    }

    @Test(arguments: [
        ("smtp://mail.example.com", "mail.example.com:25"),
        ("smtps://mail.example.com", "mail.example.com:465"),
        ("smtp://user:hunter2@mail.example.com:2525/client.example.com?token=abc", "mail.example.com:2525"),
    ])
    func theTargetShowsOnlyHostAndPort(url: String, target: String) {
        #expect(transport(channel(url)).target == target)
    }
}

import Foundation
import Testing
import TicklerTestSupport

/// `tickler send-test` against real servers on loopback, and the promise that no secret reaches any
/// output: every command's stdout and stderr are searched for the password, the signing secret and
/// the URL tokens.
@Suite struct SendTestCommandTests {
    static let password = "pw-Zq8r1MvX5c"
    static let signingSecret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LTQyNDI0Mg=="
    static let pathToken = "T0KENpath9f83h2"
    static let queryToken = "T0KENquery5kd71"

    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("contacts.yaml", "- { id: acme-zhang, name: 张伟, email: zhang@example.cn, owner: li.na }\n")
        try directory.write("templates/hello.txt", "Subject: 您好 {{contact.name}}\n\n{{contact.name}}，您好！\n")
        try directory.write("smtp-password", Self.password + "\n")
    }

    /// A configuration with a webhook channel at `webhookURL` and an SMTP channel at `smtpURL`.
    private func configure(webhookURL: String, smtpURL: String, caFile: String?) throws {
        let ca = caFile.map { ", ca_file: \($0)" } ?? ""
        try directory.write(
            "tickler.yaml",
            """
            timezone: Asia/Shanghai
            state: var/tickler.sqlite
            contacts: [contacts.yaml]
            templates: templates
            owners:
              li.na: { name: 李娜, email: li.na@example.com }
            channels:
              hook: { type: webhook, format: generic, url: "\(webhookURL)", secret_env: HOOK_SECRET, timeout: 5s }
              mail: { type: smtp, url: "\(smtpURL)", username: tickler, password_file: smtp-password, from: "Tickler <t@example.com>", timeout: 5s\(ca) }
              files: { type: file, path: out, format: json }
            rules:
              - { name: hello, after: inquiry, delay: 1h, to: contact, channel: hook, template: hello }

            """)
    }

    private var environment: [String: String] {
        ["HOOK_SECRET": Self.signingSecret, "HOOK_TOKEN": Self.pathToken, "QUERY_TOKEN": Self.queryToken]
    }

    private func tickler(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(
            arguments: arguments + ["--config", "tickler.yaml"], environment: environment,
            currentDirectory: directory.path)
    }

    private func expectNoSecret(_ output: (status: Int32, stdout: String, stderr: String), _ what: String) {
        let secrets = [Self.password, Self.signingSecret, "c2VjcmV0LXNpZ25pbmcta2V5", Self.pathToken, Self.queryToken]
        for secret in secrets {
            #expect(!output.stdout.contains(secret), "\(what): stdout shows '\(secret)'")
            #expect(!output.stderr.contains(secret), "\(what): stderr shows '\(secret)'")
        }
    }

    @Test func aWebhookTestMessageIsSignedAndItsAnswerShown() throws {
        let sink = try HTTPSink(.init(signature: .standardWebhooks(secret: Self.signingSecret)))
        try configure(
            webhookURL: sink.url + "/hooks/${HOOK_TOKEN}?token=${QUERY_TOKEN}", smtpURL: "smtp://127.0.0.1:1",
            caFile: nil)
        let result = try tickler("send-test", "hook")
        #expect(result.stderr == "")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("hook: delivered: HTTP 200"))
        let request = try #require(try sink.requests().first)
        #expect(request.path == "/hooks/" + Self.pathToken)
        #expect(request.signature == "valid")
        #expect(request.header("webhook-id")?.hasPrefix("send-test/hook/") == true)
        #expect(request.text.contains("Tickler 测试消息"))
        expectNoSecret(result, "send-test hook")
    }

    @Test func aFailedDeliveryExits3WithTheReasonAndNoSecret() throws {
        // The server echoes the tokens back, as some services do in their errors.
        let echo = "bad token \(Self.pathToken) \(Self.queryToken) \(Self.signingSecret)"
        let sink = try HTTPSink(.init(answers: [.text(echo, status: 500)]))
        try configure(
            webhookURL: sink.url + "/hooks/${HOOK_TOKEN}?token=${QUERY_TOKEN}", smtpURL: "smtp://127.0.0.1:1",
            caFile: nil)
        let result = try tickler("send-test", "hook")
        #expect(result.status == 3)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("tickler: error: "))
        #expect(result.stderr.contains("500"))
        #expect(result.stderr.contains("hook"))
        expectNoSecret(result, "failed send-test")

        // The exact bytes `render --raw` shows for a webhook carry the signature, never the URL's tokens.
        _ = try tickler("event", "add", "acme-zhang", "inquiry")
        let raw = try tickler("render", "hello", "acme-zhang", "--raw")
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(raw.stdout.hasPrefix("POST \(sink.url)\r\nContent-Type: application/json\r\n"))
        #expect(raw.stdout.contains("webhook-signature: v1,"))
        expectNoSecret(raw, "render --raw")
    }

    @Test func aRefusedLoginExits3WithoutThePassword() throws {
        let server = try SMTPSink(.init(tls: .startTLS, username: "tickler", password: "another-password"))
        try configure(webhookURL: "http://127.0.0.1:1/hook", smtpURL: server.url, caFile: server.certificatePath)
        let result = try tickler("send-test", "mail", "--to", "li.na@example.com")
        #expect(result.status == 3)
        #expect(result.stderr.contains("refused the login"))
        expectNoSecret(result, "send-test mail")
        #expect(try server.messages().isEmpty)
    }

    @Test func anEmailTestNeedsAnAddressAndGoesToIt() throws {
        let server = try SMTPSink(.init(tls: .startTLS, username: "tickler", password: Self.password))
        try configure(webhookURL: "http://127.0.0.1:1/hook", smtpURL: server.url, caFile: server.certificatePath)
        let missing = try tickler("send-test", "mail")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--to ADDRESS"))
        let sent = try tickler("send-test", "mail", "--to", "li.na@example.com")
        #expect(sent.stderr == "")
        #expect(sent.status == 0)
        #expect(sent.stdout.hasPrefix("mail: delivered: 250"))
        let message = try #require(try server.messages().first)
        #expect(message.recipients == ["li.na@example.com"])
        #expect(message.authenticated)
        #expect(String(decoding: message.bytes, as: UTF8.self).contains("Message-ID: <send-test/mail/"))
        expectNoSecret(sent, "send-test mail")
    }

    @Test func anUnknownChannelIsAnErrorWithASuggestion() throws {
        try configure(webhookURL: "http://127.0.0.1:1/hook", smtpURL: "smtp://127.0.0.1:1", caFile: nil)
        let result = try tickler("send-test", "hooks")
        #expect(result.status == 1)
        #expect(result.stderr == "tickler: error: unknown channel 'hooks'\ntickler: note: did you mean 'hook'?\n")
    }

    @Test func aFileChannelWritesTheGenericPayload() throws {
        try configure(webhookURL: "http://127.0.0.1:1/hook", smtpURL: "smtp://127.0.0.1:1", caFile: nil)
        let result = try tickler("send-test", "files")
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path("out"))
        #expect(files.count == 1)
        let json = try String(contentsOfFile: directory.path("out/" + files[0]), encoding: .utf8)
        #expect(json.hasPrefix("{\"type\":\"tickler.reminder\",\"key\":\"send-test/files/"))
    }
}

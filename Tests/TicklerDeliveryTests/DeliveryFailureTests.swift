import CCurl
import Testing

@testable import TicklerDelivery

#if canImport(Glibc)
    import Glibc
#endif

/// One classification for every channel: which failures are retried, and what their text says.
@Suite struct DeliveryFailureTests {
    private func curl(_ code: CURLcode, detail: String? = nil, secrets: [String] = []) -> DeliveryFailure {
        .curl(
            CurlError(code, detail: detail), channel: "email", target: "smtp.example.com:587",
            operation: "sending mail", secrets: secrets)
    }

    @Test(arguments: [
        (CURLE_COULDNT_CONNECT.rawValue, "connection", true),
        (CURLE_COULDNT_RESOLVE_HOST.rawValue, "dns", true),
        (CURLE_OPERATION_TIMEDOUT.rawValue, "timeout", true),
        (CURLE_SEND_ERROR.rawValue, "connection", true),
        (CURLE_RECV_ERROR.rawValue, "connection", true),
        (CURLE_GOT_NOTHING.rawValue, "connection", true),
        (CURLE_SSL_CONNECT_ERROR.rawValue, "tls", true),
        (CURLE_PEER_FAILED_VERIFICATION.rawValue, "certificate", false),
        (CURLE_SSL_CACERT_BADFILE.rawValue, "configuration", false),
        (CURLE_USE_SSL_FAILED.rawValue, "tls", false),
        (CURLE_LOGIN_DENIED.rawValue, "authentication", false),
        (CURLE_TOO_MANY_REDIRECTS.rawValue, "redirect", false),
        (CURLE_UNSUPPORTED_PROTOCOL.rawValue, "configuration", false),
        (CURLE_URL_MALFORMAT.rawValue, "configuration", false),
        // libcurl could not be loaded: never retried, since waiting installs nothing
        (CURLE_FAILED_INIT.rawValue, "configuration", false),
    ])
    func libcurlErrorsAreClassifiedByCode(code: UInt32, kind: String, transient: Bool) {
        let failure = curl(CURLcode(rawValue: code))
        #expect(failure.kind.description == kind)
        #expect(failure.isTransient == transient)
        #expect(failure.curlError?.code == code)
    }

    @Test(arguments: [(421, true), (450, true), (451, true), (452, true), (500, false), (550, false), (554, false)])
    func smtpRepliesAreTransientIn4xxAndPermanentIn5xx(code: Int, transient: Bool) {
        let failure = DeliveryFailure.smtpReply(
            code: code, reply: "\(code) x", channel: "email", target: nil, operation: "sending mail")
        #expect(failure.isTransient == transient)
        #expect(failure.kind == .reply)
        #expect(failure.responseCode == code)
    }

    @Test func aRefusedLoginIsPermanentButATemporaryAuthFailureIsNot() {
        let refused = DeliveryFailure.smtpReply(
            code: 535, reply: "535 5.7.8 no", isAuthentication: true, channel: "email", target: nil,
            operation: "sending mail")
        #expect(refused.kind == .authentication && !refused.isTransient)
        let temporary = DeliveryFailure.smtpReply(
            code: 454, reply: "454 4.7.0 later", isAuthentication: true, channel: "email", target: nil,
            operation: "sending mail")
        #expect(temporary.kind == .authentication && temporary.isTransient)
    }

    @Test(arguments: [408, 425, 429, 500, 502, 503, 504, 599])
    func httpStatusesThatMayPassAreTransient(status: Int) {
        let failure = DeliveryFailure.http(status: status, channel: "chat", target: "chat.example.com:443")
        #expect(failure.isTransient)
        #expect(failure.kind == .httpStatus)
    }

    @Test(arguments: [400, 404, 410, 413, 422])
    func otherHTTPClientErrorsArePermanent(status: Int) {
        let failure = DeliveryFailure.http(status: status, channel: "chat", target: nil)
        #expect(!failure.isTransient)
        #expect(failure.kind == .httpStatus)
    }

    @Test(arguments: [401, 403])
    func httpAuthenticationErrorsArePermanent(status: Int) {
        let failure = DeliveryFailure.http(status: status, channel: "chat", target: nil)
        #expect(!failure.isTransient)
        #expect(failure.kind == .authentication)
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func redirectsArePermanent(status: Int) {
        let failure = DeliveryFailure.http(status: status, channel: "chat", target: nil)
        #expect(!failure.isTransient)
        #expect(failure.kind == .redirect)
    }

    @Test func retryAfterIsKeptForTransientFailuresOnly() {
        let limited = DeliveryFailure.http(
            status: 429, retryAfter: 120, channel: "sales-chat", target: "oapi.dingtalk.com:443")
        #expect(limited.retryAfter == 120)
        #expect(
            limited.description
                == "posting the message via channel 'sales-chat' (oapi.dingtalk.com:443) failed: "
                + "the server answered HTTP 429 (transient; retry after 120 s)")
        #expect(DeliveryFailure.http(status: 404, retryAfter: 120, channel: "c", target: nil).retryAfter == nil)
    }

    @Test func aServiceErrorInASuccessfulAnswerCanBeARateLimit() {
        let failure = DeliveryFailure.service(
            "DingTalk errcode 130101: send too fast", isTransient: true, retryAfter: 60, channel: "sales-chat",
            target: "oapi.dingtalk.com:443")
        #expect(failure.kind == .service && failure.isTransient && failure.retryAfter == 60)
    }

    @Test func theDescriptionSaysWhatWhereAndWhy() {
        let failure = curl(CURLE_COULDNT_CONNECT, detail: "Failed to connect to smtp.example.com port 587")
        #expect(
            failure.description
                == "sending mail via channel 'email' (smtp.example.com:587) failed: libcurl error 7: "
                + "Couldn't connect to server (Failed to connect to smtp.example.com port 587) (transient)")
    }

    @Test func knownSecretsAreRedactedFromLibcurlsText() {
        let failure = curl(CURLE_COULDNT_CONNECT, detail: "token hunter2-token in the way", secrets: ["hunter2-token"])
        #expect(!failure.description.contains("hunter2-token"))
        #expect(failure.description.contains("[redacted]"))
    }

    @Test func addressesAndLineBreaksInServerRepliesAreMasked() {
        let failure = DeliveryFailure.smtpReply(
            code: 550, reply: "550 5.1.1 <zhang@example.com>: unknown\r\nBcc: x", channel: "email", target: nil,
            operation: "sending mail")
        #expect(!failure.description.contains("zhang@example.com"))
        #expect(!failure.description.contains("\r") && !failure.description.contains("\n"))
        #expect(failure.description.contains("550 5.1.1 <address> unknown Bcc: x"))
    }

    @Test(arguments: [(ENOSPC, true), (EIO, true), (EACCES, false), (EROFS, false), (ENOTDIR, false)])
    func fileErrorsAreTransientOnlyWhenTheyMayPass(number: Int32, transient: Bool) {
        let failure = DeliveryFailure.file(errno: number, action: "cannot write", channel: "outbox", directory: "/o")
        #expect(failure.isTransient == transient)
        #expect(failure.kind == .file)
    }

    @Test(
        arguments: [
            ("250 2.0.0 Ok: queued as 4F2A", "250 2.0.0 Ok: queued as 4F2A"),
            ("errcode 0 (ok)", "errcode 0 (ok)"),
            ("", ""),
            ("  two\tlines\r\nand  gaps ", "two lines and gaps"),
            ("550 5.1.1 <zhang.wei@example.cn>: Recipient unknown", "550 5.1.1 <address> Recipient unknown"),
            ("用户 不存在", "用户 不存在"),
            (String(repeating: "x", count: 300), String(repeating: "x", count: 300)),
            (String(repeating: "x", count: 301), String(repeating: "x", count: 300) + "…"),
        ] as [(String, String)])
    func answersAreShownOnOneLineWithoutAddresses(answer: String, shown: String) {
        #expect(DeliveryFailure.sanitized(answer) == shown)
    }
}

import Testing
import TicklerCore
import TicklerDelivery
import TicklerMessages
import TicklerTestSupport

/// What each answer of a real HTTP receiver means to `WebhookTransport`: HTTP statuses, `Retry-After`,
/// redirects, and the errors chat services report in the body of a 200 (or of a 4xx), each service in
/// its own documented shape.
@Suite struct WebhookAnswerTests {
    /// Posts one message in `format` to a sink that gives `answer`; returns the sink, and the receipt
    /// or the failure.
    private func post(
        _ answer: HTTPSink.Answer, format: WebhookChannel.Format = .generic, now: Int64? = nil
    ) async throws -> (HTTPSink, Result<WebhookReceipt, DeliveryFailure>) {
        let sink = try HTTPSink(HTTPSink.Configuration(answers: [answer]))
        let transport = WebhookTransportTests.transport(WebhookTransportTests.channel(sink.url, format: format))
        let request = WebhookRequest(url: sink.url + "/hook", body: Array(WebhookTransportTests.body.utf8))
        do {
            return (sink, .success(try await transport.post(request, format: format, now: now)))
        } catch {
            return (sink, .failure(error))
        }
    }

    private func failure(
        _ answer: HTTPSink.Answer, format: WebhookChannel.Format = .generic, now: Int64? = nil
    ) async throws -> DeliveryFailure {
        let (_, result) = try await post(answer, format: format, now: now)
        switch result {
        case .success(let receipt): throw Unexpected(description: "expected a failure, the server answered \(receipt)")
        case .failure(let failure): return failure
        }
    }

    private struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: HTTP statuses

    @Test func tooManyRequestsWithRetryAfterInSecondsIsTransient() async throws {
        let (sink, result) = try await post(.text("", status: 429, headers: [.init("Retry-After", "120")]))
        guard case .failure(let failure) = result else { throw Unexpected(description: "\(result)") }
        #expect(failure.kind == .httpStatus)
        #expect(failure.isTransient)
        #expect(failure.responseCode == 429)
        #expect(failure.retryAfter == 120)
        #expect(
            failure.description
                == "posting the message via channel 'chat' (http://127.0.0.1:\(sink.port)) failed: "
                + "the server answered HTTP 429 (transient; retry after 120 s)")
    }

    @Test func tooManyRequestsWithRetryAfterAsAnHTTPDateIsTransient() async throws {
        // 2027-03-14 09:00:00 UTC; the server asks for 09:02:00.
        let failure = try await failure(
            .text("", status: 429, headers: [.init("Retry-After", "Sun, 14 Mar 2027 09:02:00 GMT")]),
            now: 1_805_014_800_000)
        #expect(failure.isTransient)
        #expect(failure.retryAfter == 120)
    }

    @Test(arguments: [500, 502, 503, 504, 408])
    func serverErrorsAndRequestTimeoutsAreTransient(status: Int) async throws {
        let failure = try await failure(.text("upstream unavailable", status: status))
        #expect(failure.kind == .httpStatus)
        #expect(failure.isTransient)
        #expect(failure.retryAfter == nil)
        #expect(failure.cause == "the server answered HTTP \(status): upstream unavailable")
    }

    @Test(arguments: [400, 404, 410, 413])
    func otherClientErrorsArePermanent(status: Int) async throws {
        let failure = try await failure(.text("no_service", status: status, headers: [.init("Retry-After", "60")]))
        #expect(failure.kind == .httpStatus)
        #expect(!failure.isTransient)
        #expect(failure.retryAfter == nil)
        #expect(failure.description.hasSuffix("the server answered HTTP \(status): no_service (permanent)"))
    }

    @Test func refusedCredentialsArePermanentAuthenticationFailures() async throws {
        let failure = try await failure(.json(#"{"message":"Invalid Webhook Token","code":50027}"#, status: 401))
        #expect(failure.kind == .authentication)
        #expect(!failure.isTransient)
        #expect(failure.cause == "the server answered HTTP 401: Invalid Webhook Token")
    }

    @Test(arguments: [301, 302, 303, 307, 308])
    func redirectsAreNotFollowedAndArePermanent(status: Int) async throws {
        let (sink, result) = try await post(
            .text("moved", status: status, headers: [.init("Location", "/elsewhere")]))
        guard case .failure(let failure) = result else { throw Unexpected(description: "\(result)") }
        #expect(failure.kind == .redirect)
        #expect(!failure.isTransient)
        #expect(failure.cause.contains("a redirect, which is not followed"))
        #expect(try sink.requests().map(\.path) == ["/hook"])
    }

    @Test func aLongAnswerIsCutAndStillASuccess() async throws {
        let (_, result) = try await post(.text(String(repeating: "x", count: 200_000)))
        let receipt = try result.get()
        #expect(receipt.status == 200)
        #expect(receipt.summary == "an answer of 65536+ bytes")
    }

    // MARK: Services

    struct Case: Sendable, CustomTestStringConvertible {
        var format: WebhookChannel.Format
        var answer: HTTPSink.Answer
        var transient: Bool
        var retryAfter: Int64?
        var cause: String

        init(
            _ format: WebhookChannel.Format, _ answer: HTTPSink.Answer, transient: Bool, retryAfter: Int64? = nil,
            _ cause: String
        ) {
            self.format = format
            self.answer = answer
            self.transient = transient
            self.retryAfter = retryAfter
            self.cause = cause
        }

        var testDescription: String { "\(format) HTTP \(answer.status): \(cause)" }
    }

    static let serviceErrors: [Case] = [
        Case(
            .dingtalk, .json(#"{"errcode":310000,"errmsg":"keywords not in content"}"#), transient: false,
            "DingTalk errcode 310000: keywords not in content"),
        Case(
            .dingtalk, .json(#"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#),
            transient: true, retryAfter: 600, "DingTalk errcode 130101: send too fast, exceed 20 times per minute"),
        Case(.dingtalk, .json(#"{"errcode":-1,"errmsg":"系统繁忙"}"#), transient: true, "DingTalk errcode -1: 系统繁忙"),
        Case(
            .wecom, .json(#"{"errcode":93000,"errmsg":"invalid webhook url"}"#), transient: false,
            "WeCom errcode 93000: invalid webhook url"),
        Case(
            .wecom, .json(#"{"errcode":45009,"errmsg":"api freq out of limit"}"#), transient: true, retryAfter: 60,
            "WeCom errcode 45009: api freq out of limit"),
        Case(
            .feishu, .json(#"{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour"}"#),
            transient: false, "Feishu code 19021: sign match fail or timestamp is not within one hour"),
        Case(
            .feishu, .json(#"{"code":11232,"data":{},"msg":"frequency limited"}"#), transient: true, retryAfter: 60,
            "Feishu code 11232: frequency limited"),
        Case(
            .feishu, .json(#"{"code":9499,"data":{},"msg":"too many request"}"#), transient: true, retryAfter: 60,
            "Feishu code 9499: too many request"),
        Case(
            .feishu, .json(#"{"code":9499,"data":{},"msg":"Bad Request"}"#), transient: false,
            "Feishu code 9499: Bad Request"),
        Case(
            .feishu, .json(#"{"StatusCode":19024,"StatusMessage":"Key Words Not Found"}"#), transient: false,
            "Feishu code 19024: Key Words Not Found"),
        Case(
            .feishu,
            .json(
                #"{"code":99991400,"msg":"request trigger frequency limit"}"#, status: 400,
                headers: [.init("x-ogw-ratelimit-reset", "52")]),
            transient: true, retryAfter: 52, "Feishu code 99991400: request trigger frequency limit (HTTP 400)"),
        Case(
            .telegram,
            .json(
                #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
                status: 429),
            transient: true, retryAfter: 7,
            "the server answered HTTP 429: Telegram error 429: Too Many Requests: retry after 7"),
        Case(
            .telegram,
            .json(#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#, status: 400),
            transient: false, "the server answered HTTP 400: Telegram error 400: Bad Request: chat not found"),
        Case(.slack, .json(#"{"ok":false,"error":"rate_limited"}"#), transient: true, "Slack error 'rate_limited'"),
        Case(
            .slack, .json(#"{"ok":false,"error":"channel_not_found"}"#), transient: false,
            "Slack error 'channel_not_found'"),
        Case(.slack, .text("invalid_payload"), transient: false, "Slack error 'invalid_payload'"),
        Case(
            .slack, .text("invalid_payload", status: 400), transient: false,
            "the server answered HTTP 400: invalid_payload"),
        Case(
            .slack, .text("rate_limited", status: 429, headers: [.init("Retry-After", "30")]), transient: true,
            retryAfter: 30, "the server answered HTTP 429: rate_limited"),
        Case(
            .teams,
            .text(
                "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 "
                    + "with ContextId tcid=0,server=msgapi-production-eus-azsc2-4-170,cv=xxx.0"),
            transient: true, "Teams could not deliver the message: HTTP error 429"),
        Case(
            .teams,
            .text(
                "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 413 "
                    + "with ContextId tcid=0"),
            transient: false, "Teams could not deliver the message: HTTP error 413"),
        Case(
            .discord,
            .json(#"{"message":"You are being rate limited.","retry_after":1.5,"global":false}"#, status: 429),
            transient: true, retryAfter: 2, "the server answered HTTP 429: You are being rate limited."),
        Case(
            .ntfy, .json(#"{"code":42901,"http":429,"error":"limit reached: too many requests"}"#, status: 429),
            transient: true, "the server answered HTTP 429: limit reached: too many requests"),
        Case(
            .mattermost,
            .json(
                #"{"id":"web.incoming_webhook.text.app_error","message":"No text specified","status_code":400}"#,
                status: 400),
            transient: false, "the server answered HTTP 400: No text specified"),
    ]

    @Test(arguments: serviceErrors)
    func serviceErrorsAreClassifiedAsEachServiceDocumentsThem(_ expected: Case) async throws {
        let failure = try await failure(expected.answer, format: expected.format)
        #expect(failure.cause == expected.cause)
        #expect(failure.isTransient == expected.transient)
        #expect(failure.retryAfter == expected.retryAfter)
        if (200..<300).contains(expected.answer.status) { #expect(failure.kind == .service) }
    }

    static let serviceSuccesses: [(WebhookChannel.Format, HTTPSink.Answer, String?)] = [
        (.dingtalk, .json(#"{"errcode":0,"errmsg":"ok"}"#), "errcode 0 (ok)"),
        (.wecom, .json(#"{"errcode":0,"errmsg":"ok"}"#), "errcode 0 (ok)"),
        (
            .feishu, .json(#"{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}"#),
            "code 0 (success)"
        ),
        (.feishu, .json(#"{"code":0,"data":{},"msg":"success"}"#), "code 0 (success)"),
        (.telegram, .json(#"{"ok":true,"result":{"message_id":7,"text":"张三的生日快乐"}}"#), "ok"),
        (.slack, .text("ok"), "ok"),
        (.mattermost, .text("ok"), "ok"),
        (.teams, .text("1"), "1"),
        (.discord, .text("", status: 204), nil),
        (
            .ntfy, .json(#"{"id":"hwQ2YpKdmg","time":1635528741,"event":"message","message":"张三的生日快乐"}"#),
            "id hwQ2YpKdmg"
        ),
        (.generic, .text("", status: 202), nil),
    ]

    @Test(arguments: serviceSuccesses)
    func successfulAnswersAreSummedUpWithoutTheirContent(
        format: WebhookChannel.Format, answer: HTTPSink.Answer, summary: String?
    ) async throws {
        let (_, result) = try await post(answer, format: format)
        let receipt = try result.get()
        #expect(receipt.status == answer.status)
        #expect(receipt.summary == summary)
    }
}

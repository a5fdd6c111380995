import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerMessages

/// `format: generic`: the whole reminder as JSON, Standard Webhooks signing, and the headers.
@Suite struct WebhookGenericFormatTests {
    /// Standard Webhooks signing, computed by Python's hmac/hashlib/base64 from the spec's rules.
    static let standardWebhooks = """
        import base64, hashlib, hmac, sys
        secret, msg_id, timestamp = sys.argv[1:4]
        body = sys.stdin.buffer.read()
        key = base64.b64decode(secret[6:]) if secret.startswith('whsec_') else secret.encode('utf-8')
        signed = msg_id.encode('utf-8') + b'.' + timestamp.encode('ascii') + b'.' + body
        print('v1,' + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode('ascii'))
        """

    @Test func everyFieldRoundTripsThroughAJSONParser() throws {
        let json = try WebhookFixture.json(WebhookFormatter.genericBody(for: WebhookFixture.message()))
        #expect(json["type"] as? String == "tickler.reminder")
        #expect(json["key"] as? String == "birthday-greeting/acme-zhang/2027-03-14")
        #expect(json["rule"] as? String == "birthday-greeting")
        #expect(json["channel"] as? String == "team-chat")
        #expect(json["to"] as? String == "owner")
        #expect(json["due"] as? String == "2027-03-14T09:00:00+08:00")
        #expect(json["day"] as? String == "2027-03-14")
        #expect(json["language"] as? String == "zh")
        #expect(json["subject"] as? String == "张伟，祝您生日快乐！🎂")
        #expect(json["text"] as? String == "尊敬的张伟：\n\n祝您生日快乐，万事如意！\n")
        #expect(json["html"] == nil)
        let contact = try #require(json["contact"] as? [String: String])
        #expect(
            contact == [
                "id": "acme-zhang", "name": "Zhang \"Wei\" \\ \r\nBcc: x 🎉", "email": "zhang.wei@example.cn",
                "language": "zh",
            ])
        let recipient = try #require(json["recipient"] as? [String: String])
        #expect(recipient["name"] == "李娜 \"Nina\"")
        #expect(recipient["email"] == "li.na@example.com")
    }

    @Test func keysComeInADocumentedStableOrder() throws {
        // Python's json keeps the order of an object's keys as written.
        let script = """
            import json, sys
            body = json.loads(sys.stdin.buffer.read())
            print(' '.join(list(body) + ['|'] + list(body['contact']) + ['|'] + list(body['trigger'])))
            """
        let body = WebhookFormatter.genericBody(for: WebhookFixture.message())
        #expect(
            try WebhookFixture.python(script, arguments: [], input: body)
                == "type key rule channel to due day contact recipient language subject text trigger"
                + " | id name email language | type anniversary lead_days years")
        #expect(String(decoding: body, as: UTF8.self).hasPrefix("{\"type\":\"tickler.reminder\",\"key\":"))
        // Compact: no white space between tokens, and the text's line breaks escaped.
        #expect(!body.contains(UInt8(ascii: "\n")))
        #expect(!String(decoding: body, as: UTF8.self).contains("\": "))
    }

    @Test func htmlAndMissingValuesAreWrittenOnlyWhenSet() throws {
        var message = WebhookFixture.message(name: nil, subject: nil, html: "<p>生日快乐</p>\n")
        message.contact.email = nil
        let json = try WebhookFixture.json(WebhookFormatter.genericBody(for: message))
        #expect(json["html"] as? String == "<p>生日快乐</p>\n")
        #expect(json["subject"] == nil)
        #expect(json["contact"] as? [String: String] == ["id": "acme-zhang", "language": "zh"])
    }

    @Test func dateRulesCarryTheAnniversaryAndYears() throws {
        let json = try WebhookFixture.json(WebhookFormatter.genericBody(for: WebhookFixture.message()))
        let trigger = try #require(json["trigger"] as? [String: Any])
        #expect(trigger["type"] as? String == "date")
        #expect(trigger["anniversary"] as? String == "2027-03-14")
        #expect(trigger["lead_days"] as? Int == 0)
        #expect(trigger["years"] as? Int == 47)

        let unknownYear = WebhookFixture.message(
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 21), leadDays: 7, years: nil))
        let second = try #require(try WebhookFixture.json(WebhookFormatter.genericBody(for: unknownYear))["trigger"])
        #expect((second as? [String: Any])?["years"] == nil)
        #expect((second as? [String: Any])?["lead_days"] as? Int == 7)
    }

    @Test func afterRulesCarryTheEvent() throws {
        let event = Event(
            id: "ord-1.2", contact: "acme-zhang", type: "purchase", at: 1_804_900_000, note: "买了 \"茶具\"\r\n")
        let message = WebhookFixture.message(
            key: "thank-you/acme-zhang/ord-1.2", detail: .after(event: event, repeatIndex: 1, base: 1_804_900_000))
        let trigger = try #require(
            try WebhookFixture.json(WebhookFormatter.genericBody(for: message))["trigger"] as? [String: Any])
        #expect(trigger["type"] as? String == "after")
        #expect(trigger["repeat"] as? Int == 1)
        #expect(trigger["base"] as? String == "2027-03-13T09:06:40+08:00")
        #expect(
            trigger["event"] as? [String: String] == [
                "id": "ord-1.2", "type": "purchase", "at": "2027-03-13T09:06:40+08:00", "note": "买了 \"茶具\"\r\n",
            ])
    }

    @Test func everyRulesCarryTheCycle() throws {
        let message = WebhookFixture.message(detail: .every(cycle: 3, start: 1_800_000_000))
        let trigger = try #require(
            try WebhookFixture.json(WebhookFormatter.genericBody(for: message))["trigger"] as? [String: Any])
        #expect(trigger["type"] as? String == "every")
        #expect(trigger["cycle"] as? Int == 3)
        #expect(trigger["start"] as? String == "2027-01-15T16:00:00+08:00")
    }

    @Test func unsignedRequestsCarryOnlyTheIdempotencyKey() {
        let request = WebhookFixture.request(format: .generic)
        #expect(request.headers == [.init("Idempotency-Key", WebhookFixture.key)])
        #expect(request.url == "https://hooks.example.com/x")
        #expect(request.body == WebhookFormatter.genericBody(for: WebhookFixture.message()))
    }

    @Test(arguments: [
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_" + Data((0..<64).map { UInt8($0 * 7 % 256) }).base64EncodedString(),
        "a plain secret, 密钥 🔑",
    ])
    func signaturesMatchPython(secret: String) throws {
        let request = WebhookFixture.request(format: .generic, secret: secret)
        #expect(WebhookFixture.header("webhook-id", in: request) == WebhookFixture.key)
        #expect(WebhookFixture.header("webhook-timestamp", in: request) == "1804986001")
        #expect(WebhookFixture.header("Idempotency-Key", in: request) == WebhookFixture.key)
        let expected = try WebhookFixture.python(
            Self.standardWebhooks, arguments: [secret, WebhookFixture.key, "1804986001"], input: request.body)
        #expect(WebhookFixture.header("webhook-signature", in: request) == expected)
    }

    @Test func theSpecTestVectorReproduces() {
        #expect(
            WebhookSignature.standardWebhooks(
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                body: Array(#"{"test": 2432232314}"#.utf8), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func aWhsecSecretThatIsNotBase64IsUsedAsItsOwnBytes() {
        #expect(WebhookSignature.standardWebhooksKey("whsec_not base64!") == Array("whsec_not base64!".utf8))
        #expect(WebhookSignature.standardWebhooksKey("whsec_AAEC") == [0, 1, 2])
    }

    @Test func timestampsRoundDownToTheSecond() {
        let request = WebhookFixture.request(format: .generic, secret: "s", now: 1_804_986_001_999)
        #expect(WebhookFixture.header("webhook-timestamp", in: request) == "1804986001")
    }

    @Test func aKeyWithALineBreakStillMakesOneHeaderEach() throws {
        let key = "rule/contact\r\nX-Evil: 1/2027-03-14"
        let request = WebhookFixture.request(WebhookFixture.message(key: key), format: .generic, secret: "s")
        #expect(
            request.headers.map(\.name) == ["Idempotency-Key", "webhook-id", "webhook-timestamp", "webhook-signature"])
        for header in request.headers {
            #expect(!header.value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
        #expect(WebhookFixture.header("webhook-id", in: request) == "rule/contactX-Evil: 1/2027-03-14")
        #expect(try WebhookFixture.json(request)["key"] as? String == key)
        // The signature covers the id as sent, so a receiver can still verify it.
        let expected = try WebhookFixture.python(
            Self.standardWebhooks, arguments: ["s", "rule/contactX-Evil: 1/2027-03-14", "1804986001"],
            input: request.body)
        #expect(WebhookFixture.header("webhook-signature", in: request) == expected)
    }
}

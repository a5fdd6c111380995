import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerMessages

/// DingTalk's and Feishu's signing, checked against Python's hmac/hashlib/base64 following each
/// service's published sample code; and the base64 decoding `whsec_` secrets need.
@Suite struct WebhookSignatureTests {
    /// Reads the URL with urllib and prints the query as JSON, with the sign DingTalk's sample computes.
    static let dingTalk = """
        import base64, hashlib, hmac, json, sys, urllib.parse
        url, secret = sys.argv[1:3]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query, strict_parsing=True)
        string_to_sign = '{}\\n{}'.format(query['timestamp'][0], secret)
        code = hmac.new(secret.encode('utf-8'), string_to_sign.encode('utf-8'), digestmod=hashlib.sha256).digest()
        print(json.dumps({'query': query, 'expected': base64.b64encode(code).decode('ascii'),
                          'quoted': urllib.parse.quote_plus(base64.b64encode(code))}))
        """

    /// Reads the body's timestamp and prints the sign Feishu's sample computes for it.
    static let feishu = """
        import base64, hashlib, hmac, json, sys
        secret = sys.argv[1]
        body = json.loads(sys.stdin.buffer.read())
        key = '{}\\n{}'.format(body['timestamp'], secret).encode('utf-8')
        print(base64.b64encode(hmac.new(key, b'', digestmod=hashlib.sha256).digest()).decode('ascii'))
        """

    static let secrets = ["SEC" + String(repeating: "0123456789abcdef", count: 4), "秘密 with spaces/+=&"]

    @Test(arguments: secrets)
    func dingTalkSignsTheURLAsItsSampleDoes(secret: String) throws {
        let base = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
        let request = WebhookFixture.request(format: .dingtalk, url: base, secret: secret)
        #expect(request.url.hasPrefix(base + "&timestamp=1804986001234&sign="))
        let output = try WebhookFixture.python(Self.dingTalk, arguments: [request.url, secret])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let query = try #require(json["query"] as? [String: [String]])
        #expect(query["access_token"] == ["abc123"])
        #expect(query["timestamp"] == ["1804986001234"])
        #expect(query["sign"] == [try #require(json["expected"] as? String)])
        #expect(request.url.hasSuffix("&sign=" + (try #require(json["quoted"] as? String))))
    }

    @Test(arguments: [
        ("https://oapi.dingtalk.com/robot/send?access_token=a", "https://oapi.dingtalk.com/robot/send?access_token=a&"),
        ("https://oapi.dingtalk.com/robot/send?", "https://oapi.dingtalk.com/robot/send?"),
        ("https://oapi.dingtalk.com/robot/send?a=b&", "https://oapi.dingtalk.com/robot/send?a=b&"),
        ("http://127.0.0.1:9/robot", "http://127.0.0.1:9/robot?"),
    ])
    func dingTalkAddsToAnExistingQuery(url: String, prefix: String) {
        let request = WebhookFixture.request(format: .dingtalk, url: url, secret: "s", now: 5)
        #expect(request.url.hasPrefix(prefix + "timestamp=5&sign="))
        let sign = request.url.dropFirst(prefix.count + "timestamp=5&sign=".count)
        #expect(sign.count > 40)
        #expect(sign.allSatisfy { $0.isLetter || $0.isNumber || $0 == "%" })
    }

    @Test(arguments: secrets)
    func feishuSignsTheBodyAsItsSampleDoes(secret: String) throws {
        let request = WebhookFixture.request(format: .feishu, secret: secret)
        let json = try WebhookFixture.json(request)
        #expect(json["timestamp"] as? String == "1804986001")
        let expected = try WebhookFixture.python(Self.feishu, arguments: [secret], input: request.body)
        #expect(json["sign"] as? String == expected)
        #expect(String(decoding: request.body, as: UTF8.self).hasPrefix("{\"timestamp\":\"1804986001\",\"sign\":"))
    }

    @Test func signaturesChangeWithTheSecretAndTheInstant() {
        let first = WebhookSignature.feishu(secret: "a", seconds: 1)
        #expect(first != WebhookSignature.feishu(secret: "b", seconds: 1))
        #expect(first != WebhookSignature.feishu(secret: "a", seconds: 2))
        #expect(
            WebhookSignature.dingTalk(secret: "a", milliseconds: 1)
                != WebhookSignature.dingTalk(secret: "a", milliseconds: 2))
    }

    @Test(
        arguments: [
            ("YQ==", [0x61]), ("YQ", [0x61]), ("YWI=", [0x61, 0x62]), ("YWJj", [0x61, 0x62, 0x63]), ("", []),
            ("+/+/", [0xFB, 0xFF, 0xBF]),
        ] as [(String, [UInt8])])
    func base64Decodes(text: String, bytes: [UInt8]) {
        #expect(Base64.decode(text) == bytes)
    }

    @Test(arguments: ["Y", "YQ=", "YQ===", "Y===", "Y Q==", "YR==", "-_-_", "YQ==YQ==", "é"])
    func base64RejectsWhatIsNotCanonical(text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func base64DecodingUndoesEncodingForEveryLength() {
        for count in 0..<70 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ count) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Data(bytes).base64EncodedString()) == bytes)
        }
    }
}

import Crypto
import TicklerCore
import TicklerInput

/// The three HMAC-SHA256 signatures webhook channels can carry: Standard Webhooks (`generic`),
/// DingTalk's and Feishu's. Pure functions of the secret, the instant and the bytes sent.
public enum WebhookSignature {
    /// `v1,<base64>` for the Standard Webhooks `webhook-signature` header: HMAC-SHA256 over
    /// `<id>.<timestamp>.<body>` keyed with `standardWebhooksKey(secret)`.
    ///
    /// The id is the occurrence key, which may hold `.` (rule names and ids allow it). The spec asks
    /// for ids without dots so that the signed text splits one way only. Here any other split moves
    /// digits of the real timestamp, or part of the JSON, into the body, which then no longer parses
    /// as a JSON object (customer text cannot put a raw `"` into the body to make it parse): the dots
    /// cannot pass one signature off for another request.
    public static func standardWebhooks(id: String, timestamp: Int64, body: [UInt8], secret: String) -> String {
        let content = Array("\(id).\(timestamp).".utf8) + body
        return "v1," + Base64.encode(hmacSHA256(key: standardWebhooksKey(secret), message: content))
    }

    /// The HMAC key of a Standard Webhooks secret: the base64-decoded part after `whsec_` when the
    /// secret is written that way (as Standard Webhooks libraries hand them out and read them);
    /// otherwise — including a `whsec_` secret whose rest is not base64 — the secret's own UTF-8 bytes.
    public static func standardWebhooksKey(_ secret: String) -> [UInt8] {
        if secret.hasPrefix("whsec_"), let key = Base64.decode(String(secret.dropFirst(6))), !key.isEmpty {
            return key
        }
        return Array(secret.utf8)
    }

    /// DingTalk's `sign` query value before URL encoding: base64(HMAC-SHA256 keyed with the secret
    /// over `<milliseconds>\n<secret>`).
    public static func dingTalk(secret: String, milliseconds: Int64) -> String {
        Base64.encode(hmacSHA256(key: Array(secret.utf8), message: Array("\(milliseconds)\n\(secret)".utf8)))
    }

    /// Feishu's `sign` body field: base64(HMAC-SHA256 keyed with `<seconds>\n<secret>` over no bytes)
    /// — the key and message are the other way round from DingTalk's, as Feishu's samples have it.
    public static func feishu(secret: String, seconds: Int64) -> String {
        Base64.encode(hmacSHA256(key: Array("\(seconds)\n\(secret)".utf8), message: []))
    }

    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Percent-encodes all but RFC 3986's unreserved characters, so `+`, `/` and `=` of base64
    /// survive a query string.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}

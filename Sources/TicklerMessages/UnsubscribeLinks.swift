import Crypto
import TicklerCore

/// The unsubscribe links of emails to contacts (`List-Unsubscribe`, RFC 2369 and 8058): one URL per
/// contact under `http.public_url`, holding a token that only the holder of the store's secret can
/// make, so a link cannot be guessed for another contact, forged, or altered.
///
///     let links = UnsubscribeLinks(publicURL: "https://tickler.example.com", secret: secret)
///     links.url(for: "acme-zhang")          // https://tickler.example.com/u/YWNtZS16aGFuZw.3q2-7w…
///     links.contact(fromToken: token)       // "acme-zhang", or nil for anything not made here
///
/// A token is `base64url(id) "." base64url(mac)` without padding, where `mac` is the first 16 bytes
/// of HMAC-SHA256 keyed with the secret over `tickler-unsubscribe:` and the id's UTF-8: only the
/// URL-safe characters `A–Z a–z 0–9 - _ .`, and the id can be read back without a look-up.
public struct UnsubscribeLinks: Sendable {
    /// The address links start with, without a trailing slash.
    public let publicURL: String
    /// The HMAC key's bytes (Crypto's `SymmetricKey` is not `Sendable`: one is made per token).
    private let secret: [UInt8]

    /// - Parameters:
    ///   - publicURL: `http.public_url` (a trailing slash is dropped).
    ///   - secret: the store's secret (32 random bytes, see `Daemon.unsubscribeSecret`).
    public init(publicURL: String, secret: [UInt8]) {
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
        self.secret = secret
    }

    /// The token of a contact's link.
    public func token(for contact: String) -> String {
        Self.base64URL(Array(contact.utf8)) + "." + Self.base64URL(mac(Array(contact.utf8)))
    }

    /// `publicURL/u/TOKEN`: where the contact unsubscribes.
    public func url(for contact: String) -> String {
        publicURL + "/u/" + token(for: contact)
    }

    /// The contact a token was made for; `nil` when it was not made with this secret: forged,
    /// altered, cut short or garbled. The MAC is compared in constant time.
    public func contact(fromToken token: String) -> String? {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Self.decodeBase64URL(parts[0]), let given = Self.decodeBase64URL(parts[1]),
            given.count == Self.macLength
        else { return nil }
        let expected = mac(id)
        var difference: UInt8 = 0
        for index in 0..<Self.macLength { difference |= expected[index] ^ given[index] }
        guard difference == 0 else { return nil }
        return String(validating: id, as: UTF8.self)
    }

    /// How many bytes of the HMAC a token keeps: 128 bits, beyond guessing.
    static let macLength = 16

    private func mac(_ id: [UInt8]) -> [UInt8] {
        let message = Array("tickler-unsubscribe:".utf8) + id
        return Array(
            HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret)).prefix(Self.macLength))
    }

    /// Base64 with the URL and file name safe alphabet (RFC 4648 §5), without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Array(Base64.encode(bytes).utf8)
        while text.last == UInt8(ascii: "=") { text.removeLast() }
        return String(decoding: text.map(fromStandard), as: UTF8.self)
    }

    /// The bytes of unpadded base64url text; `nil` for another alphabet (standard base64's `+` and
    /// `/` too), padding, a length no encoding has, or bits left over in the last character — so
    /// each byte string has exactly one text.
    static func decodeBase64URL(_ text: some Collection<UInt8>) -> [UInt8]? {
        var standard = ""
        standard.reserveCapacity(text.count)
        for character in text {
            switch character {
            case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): return nil
            case UInt8(ascii: "-"): standard.append("+")
            case UInt8(ascii: "_"): standard.append("/")
            default: standard.unicodeScalars.append(Unicode.Scalar(character))
            }
        }
        return Base64.decode(standard)
    }

    private static func fromStandard(_ character: UInt8) -> UInt8 {
        switch character {
        case UInt8(ascii: "+"): UInt8(ascii: "-")
        case UInt8(ascii: "/"): UInt8(ascii: "_")
        default: character
        }
    }
}

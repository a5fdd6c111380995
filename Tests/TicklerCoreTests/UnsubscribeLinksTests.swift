import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerMessages

/// The tokens of unsubscribe links: URL-safe, read back to the contact they were made for, and
/// refused when made with another secret, altered, cut or garbled.
@Suite struct UnsubscribeLinksTests {
    static let secret: [UInt8] = Array(0..<32)
    static let links = UnsubscribeLinks(publicURL: "https://tickler.example.com", secret: secret)

    static let ids = [
        "acme-zhang", "张伟", "c1", "a.b@c+d=e~f:g", "", "x/y?z#&<>\"'%20 \r\nBcc: x", "🎂🎉", "é-combining-e\u{301}",
        String(repeating: "long-", count: 80),
    ]

    @Test(arguments: ids)
    func aTokenReadsBackToItsContactAndIsURLSafe(id: String) throws {
        let token = Self.links.token(for: id)
        #expect(Self.links.contact(fromToken: token) == id)
        #expect(token.utf8.allSatisfy { UnsubscribeLinksTests.urlSafe.contains($0) }, "\(token)")
        #expect(token.filter { $0 == "." }.count == 1)
        #expect(Self.links.url(for: id) == "https://tickler.example.com/u/" + token)
        // Another secret's links do not take it.
        let other = UnsubscribeLinks(publicURL: "https://tickler.example.com", secret: Array(repeating: 7, count: 32))
        #expect(other.contact(fromToken: token) == nil)
        #expect(other.token(for: id) != token)
    }

    static let urlSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.".utf8)

    /// Python's hmac and base64 make the same tokens: the format is what the HTTP service (or any
    /// other program with the secret) can check.
    @Test func tokensAreBase64URLOfTheIdAndOfTheFirst16BytesOfTheHMAC() throws {
        let script = """
            import base64, hashlib, hmac, json, sys
            secret = bytes(range(32))
            def b64(data): return base64.urlsafe_b64encode(data).decode().rstrip('=')
            out = []
            for id in json.loads(sys.stdin.read()):
                raw = id.encode()
                mac = hmac.new(secret, b'tickler-unsubscribe:' + raw, hashlib.sha256).digest()[:16]
                out.append(b64(raw) + '.' + b64(mac))
            print(json.dumps(out))
            """
        let input = try JSONSerialization.data(withJSONObject: Self.ids)
        let output = try DebianPython.run(script, input: Array(input))
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String])
        #expect(Self.ids.map(Self.links.token(for:)) == expected)
        #expect(Self.links.token(for: "acme-zhang").hasPrefix("YWNtZS16aGFuZw."))
    }

    @Test func aTrailingSlashOfThePublicURLIsDropped() {
        let links = UnsubscribeLinks(publicURL: "https://example.com/tickler/", secret: Self.secret)
        #expect(links.url(for: "c1") == "https://example.com/tickler/u/" + links.token(for: "c1"))
    }

    /// What an attacker can try with one real token in hand.
    @Test func forgedTamperedAndGarbledTokensAreRefused() throws {
        let token = Self.links.token(for: "acme-zhang")
        let parts = token.split(separator: ".").map(String.init)
        let (id, mac) = (parts[0], parts[1])
        var refused: [String] = [
            "", ".", id, id + ".", "." + mac, token + ".", token + "." + mac, id + ".." + mac,
            // another contact's id with this contact's MAC
            UnsubscribeLinks.base64URL(Array("acme-li".utf8)) + "." + mac,
            // the MAC cut short, grown, or with padding
            id + "." + mac.dropLast(), id + "." + mac + "A", id + "." + mac + "==", id + "==." + mac,
            // standard base64's alphabet, white space, case flipped
            token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "+",
            " " + token, token + "\n", token.uppercased(), token.lowercased(),
            // percent-encoded, as a careless mail client might pass it on
            token.replacingOccurrences(of: ".", with: "%2E"),
        ]
        // Every single character of the token changed in turn.
        for (offset, character) in token.enumerated() where character != "." {
            var changed = Array(token)
            changed[offset] = character == "A" ? "B" : "A"
            refused.append(String(changed))
        }
        for candidate in refused where candidate != token {
            #expect(Self.links.contact(fromToken: candidate) == nil, "accepted \(candidate)")
        }
        #expect(Self.links.contact(fromToken: token) == "acme-zhang")
    }

    /// `YQ` is the one text of the byte `a`; `YR` has bits left over and is no encoding at all.
    @Test func aNonCanonicalEncodingIsRefused() {
        #expect(UnsubscribeLinks.decodeBase64URL(Array("YQ".utf8)) == [0x61])
        #expect(UnsubscribeLinks.decodeBase64URL(Array("YR".utf8)) == nil)
        #expect(UnsubscribeLinks.decodeBase64URL(Array("Y".utf8)) == nil)
        #expect(UnsubscribeLinks.decodeBase64URL(Array("_-8".utf8)) == [0xFF, 0xEF])
        #expect(UnsubscribeLinks.base64URL([0xFF, 0xEF]) == "_-8")
    }
}

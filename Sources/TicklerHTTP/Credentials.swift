import Crypto
import TicklerCore
import TicklerFiles
import TicklerMessages

/// The tokens of `http.tokens` with their secrets read (from env or file), and the checks of a
/// request's credentials against them. Every comparison takes the same time whatever the bytes:
/// presented values are hashed and every token is compared, with no early exit.
struct Credentials: Sendable {
    struct Token: Sendable {
        var name: String
        var scope: HTTPToken.Scope
        var credential: Kind
    }

    enum Kind: Sendable {
        /// The SHA-256 of the bearer token.
        case bearer(digest: [UInt8])
        /// The Standard Webhooks HMAC key.
        case signing(key: [UInt8])
    }

    /// Why a request is not allowed, for the `401`'s detail (never the credential itself).
    enum Refusal: Error, Equatable {
        case missing
        case wrong
        case badSignature(String)
    }

    let tokens: [Token]
    /// How far a signed request's `webhook-timestamp` may be from now (seconds).
    static let signatureTolerance: Int64 = 5 * 60

    /// Reads every token's secret; fails with the first one that cannot be read, naming the token
    /// and the variable or file, never the value.
    static func read(_ settings: HTTPSettings, environment: [String: String]) -> Result<
        Credentials, SecretReader.Problem
    > {
        var tokens: [Token] = []
        for (name, token) in settings.tokens.sorted(by: { $0.key < $1.key }) {
            let (source, option) =
                switch token.credential {
                case .bearer(let source): (source, "token")
                case .signingSecret(let source): (source, "secret")
                }
            switch SecretReader.read(source, option: option, environment: environment) {
            case .failure(let problem):
                return .failure(.init(message: "token '\(name)': \(problem.message)"))
            case .success(let secret):
                guard !secret.isEmpty else {
                    return .failure(.init(message: "token '\(name)': the \(source) holds an empty secret"))
                }
                let kind: Kind =
                    switch token.credential {
                    case .bearer: .bearer(digest: Array(SHA256.hash(data: Array(secret.utf8))))
                    case .signingSecret: .signing(key: WebhookSignature.standardWebhooksKey(secret))
                    }
                tokens.append(Token(name: name, scope: token.scope, credential: kind))
            }
        }
        return .success(Credentials(tokens: tokens))
    }

    /// The token whose bearer secret is `presented`.
    func bearer(_ presented: String) -> Result<Token, Refusal> {
        let digest = Array(SHA256.hash(data: Array(presented.utf8)))
        var found: Token?
        for token in tokens {
            guard case .bearer(let expected) = token.credential else { continue }
            if Self.constantTimeEqual(digest, expected) { found = token }
        }
        return found.map { .success($0) } ?? .failure(.wrong)
    }

    /// The token that signed `body` per Standard Webhooks, given the three headers.
    func signed(id: String, timestamp: String, signature: String, body: [UInt8], now: Int64) -> Result<Token, Refusal> {
        guard let seconds = Int64(timestamp) else {
            return .failure(.badSignature("webhook-timestamp must be whole seconds since 1970"))
        }
        guard abs(seconds - now) <= Self.signatureTolerance else {
            return .failure(.badSignature("webhook-timestamp is more than 5 minutes from the server's time"))
        }
        let presented = signature.split(separator: " ").compactMap { part -> [UInt8]? in
            guard part.hasPrefix("v1,") else { return nil }
            return Base64.decode(String(part.dropFirst(3)))
        }
        guard !presented.isEmpty else {
            return .failure(.badSignature("webhook-signature holds no v1 signature"))
        }
        let content = Array("\(id).\(seconds).".utf8) + body
        var found: Token?
        for token in tokens {
            guard case .signing(let key) = token.credential else { continue }
            let expected = Array(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key)))
            for candidate in presented where Self.constantTimeEqual(candidate, expected) { found = token }
        }
        return found.map { .success($0) } ?? .failure(.badSignature("webhook-signature does not match"))
    }

    /// Equal bytes, in a time that depends on the lengths only.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

import TicklerCore
import TicklerMessages
import TicklerStore

/// The unsubscribe links of messages to contacts: signed with a secret the store keeps, so links
/// stay valid across restarts and reloads and on every process that shares the store.
extension Daemon {
    /// The store's unsubscribe secret, 32 random bytes kept as hex in its `meta` table under
    /// `unsubscribe_secret`: read, or made and stored on first use (the first of two processes
    /// racing to make it wins, and both get its secret).
    ///
    /// Fails when the store cannot be read or written, or holds something else under that name.
    public static func unsubscribeSecret(_ store: any StateStore) throws(StoreError) -> [UInt8] {
        if let secret = try storedUnsubscribeSecret(store) { return secret }
        var generator = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try decodeSecret(try store.metaValue(unsubscribeSecretName, storingIfAbsent: hex(fresh)))
    }

    /// The store's unsubscribe secret if it has one, read without changing the store (for commands
    /// that only read, such as `tickler render --raw`).
    public static func storedUnsubscribeSecret(_ store: any StateStore) throws(StoreError) -> [UInt8]? {
        guard let text = try store.metaValue(unsubscribeSecretName) else { return nil }
        return try decodeSecret(text)
    }

    /// The `meta` entry that holds the secret.
    public static let unsubscribeSecretName = "unsubscribe_secret"

    /// The links of a configuration with `http.public_url`, signed with `secret`; `nil` without.
    static func unsubscribeLinks(_ config: Config, secret: [UInt8]?) -> UnsubscribeLinks? {
        guard let url = config.http?.publicURL, let secret else { return nil }
        return UnsubscribeLinks(publicURL: url, secret: secret)
    }

    /// Reads the secret when the configuration has a public URL and it is not read yet.
    func readUnsubscribeSecretIfNeeded(for config: Config) throws(StoreError) {
        guard config.http?.publicURL != nil, unsubscribeSecret == nil else { return }
        unsubscribeSecret = try Self.unsubscribeSecret(store)
    }

    private static func decodeSecret(_ text: String) throws(StoreError) -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { throw damaged }
        var bytes: [UInt8] = []
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let high = hexValue(digits[pair]), let low = hexValue(digits[pair + 1]) else { throw damaged }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static var damaged: StoreError {
        .damagedMetaValue(
            unsubscribeSecretName, expected: "64 hexadecimal digits",
            note: "delete it to make a new one (unsubscribe links sent so far then stop working): "
                + "sqlite3 STATE \"DELETE FROM meta WHERE name = 'unsubscribe_secret'\"")
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}

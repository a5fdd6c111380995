import TicklerCore
import TicklerInput

/// `format: telegram` — the Bot API's `sendMessage`, posted to the URL as written
/// (`https://api.telegram.org/bot<TOKEN>/sendMessage`): `chat_id` from the channel's `chat_id:`
/// (a number when it is one, else a `@channel` name), and `text` — the subject, a blank line, then
/// the text — with the subject made bold by an entity rather than by markup, so nothing in a
/// customer's text is parsed.
///
/// Telegram takes 1–4,096 characters of text; longer text is shortened at a Character, ending in
/// "…" (counted in UTF-16 units, as Telegram counts entity offsets).
enum TelegramPayload {
    static let textLimit = 4096

    static func body(_ content: ChatContent, chatID: String?) -> [UInt8] {
        let text = Truncation.truncated(content.plain, limit: textLimit, in: .utf16)
        let boldLength = min(content.title?.utf16.count ?? 0, text.utf16.count)
        return JSONValue.object([
            "chat_id": chatID.map { Int($0).map(JSONValue.int) ?? .string($0) },
            "text": .string(text),
            "entities": boldLength == 0
                ? nil
                : .array([.object(["type": .string("bold"), "offset": .int(0), "length": .int(boldLength)])]),
        ]).bytes
    }
}

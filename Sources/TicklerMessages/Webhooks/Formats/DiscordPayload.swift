import TicklerCore
import TicklerInput

/// `format: discord` — an execute-webhook message: `content` is the subject in bold, a blank line,
/// then the text; `allowed_mentions` is empty, so an `@everyone` or `<@id>` in a customer's text
/// pings no one.
///
/// Discord takes at most 2,000 characters of `content`; longer content is shortened at a Character,
/// ending in "…" (counted in UTF-16 units, which are never fewer than Discord's characters).
enum DiscordPayload {
    static let contentLimit = 2000

    static func body(_ content: ChatContent) -> [UInt8] {
        JSONValue.object([
            "content": .string(Truncation.truncated(content.markdown, limit: contentLimit, in: .utf16)),
            "allowed_mentions": .object(["parse": .array([])]),
        ]).bytes
    }
}

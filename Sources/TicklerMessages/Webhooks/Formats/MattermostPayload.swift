import TicklerCore
import TicklerInput

/// `format: mattermost` — an incoming-webhook post: `text` is Markdown, the subject in bold, a blank
/// line, then the text.
///
/// Not shortened: Mattermost itself splits webhook text longer than a post (16,383 characters)
/// into several posts.
enum MattermostPayload {
    static func body(_ content: ChatContent) -> [UInt8] {
        JSONValue.object(["text": .string(content.markdown)]).bytes
    }
}

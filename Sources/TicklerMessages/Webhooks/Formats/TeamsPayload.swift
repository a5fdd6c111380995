import TicklerCore
import TicklerInput

/// `format: teams` — a message with one Adaptive Card attachment, as the Teams "Post to a channel
/// when a webhook request is received" workflow (Power Automate) accepts: the subject as a bold
/// TextBlock, the text as a wrapping TextBlock.
///
/// Teams rejects messages over 28 KB; the text is shortened (at a Character, ending in "…") until
/// the whole body is within 28,000 bytes.
enum TeamsPayload {
    static let bodyLimit = 28000

    static func body(_ content: ChatContent) -> [UInt8] {
        Truncation.body(fitting: bodyLimit, text: content.text) { text in
            var blocks: [JSONValue] = []
            if let title = content.title {
                blocks.append(
                    .object([
                        "type": .string("TextBlock"), "text": .string(title), "weight": .string("Bolder"),
                        "size": .string("Medium"), "wrap": .bool(true),
                    ]))
            }
            if !text.isEmpty {
                blocks.append(.object(["type": .string("TextBlock"), "text": .string(text), "wrap": .bool(true)]))
            }
            let card = JSONValue.object([
                "$schema": .string("http://adaptivecards.io/schemas/adaptive-card.json"),
                "type": .string("AdaptiveCard"),
                "version": .string("1.4"),
                "body": .array(blocks),
            ])
            return JSONValue.object([
                "type": .string("message"),
                "attachments": .array([
                    .object([
                        "contentType": .string("application/vnd.microsoft.card.adaptive"),
                        "contentUrl": .null,
                        "content": card,
                    ])
                ]),
            ]).bytes
        }
    }
}

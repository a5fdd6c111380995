import TicklerCore
import TicklerInput

/// `format: generic` — the whole reminder as JSON, for receivers of one's own; with a secret,
/// signed as Standard Webhooks asks (docs/webhooks.md shows the payload and how to verify it).
enum GenericPayload {
    static func request(for message: RenderedMessage, url: String, secret: String?, now: Int64) -> WebhookRequest {
        let body = body(for: message)
        // The occurrence key, as it can go into a header (keys hold no control characters, but a
        // header must not depend on that); the signature covers this same text.
        let id = WebhookFormatter.headerValue(message.occurrence.key)
        var headers = [WebhookRequest.Header("Idempotency-Key", id)]
        if let secret {
            let seconds = now.floorDiv(1000)
            headers += [
                WebhookRequest.Header("webhook-id", id),
                WebhookRequest.Header("webhook-timestamp", String(seconds)),
                WebhookRequest.Header(
                    "webhook-signature",
                    WebhookSignature.standardWebhooks(id: id, timestamp: seconds, body: body, secret: secret)),
            ]
        }
        return WebhookRequest(url: url, headers: headers, body: body)
    }

    /// `{"type": "tickler.reminder", "key", "rule", "channel", "to", "due", "day", "contact",
    /// "recipient", "language", "subject", "text", "html", "trigger"}`; fields with no value are left out.
    static func body(for message: RenderedMessage) -> [UInt8] {
        let occurrence = message.occurrence
        return JSONValue.object([
            "type": .string("tickler.reminder"),
            "key": .string(occurrence.key),
            "rule": .string(occurrence.rule),
            "channel": .string(occurrence.channel),
            "to": .string(occurrence.to.rawValue),
            "due": .string(Timestamp.format(occurrence.due, offset: occurrence.offset)),
            "day": .string(occurrence.day.description),
            "contact": person(message.contact),
            "recipient": person(message.recipient),
            "language": .string(message.language),
            "subject": .string(ifPresent: message.subject),
            "text": .string(message.text),
            "html": .string(ifPresent: message.html),
            "trigger": trigger(occurrence),
        ]).bytes
    }

    private static func person(_ person: RenderedMessage.Person) -> JSONValue {
        .object([
            "id": .string(person.id),
            "name": .string(ifPresent: person.name),
            "email": .string(ifPresent: person.email),
            "language": .string(person.language),
        ])
    }

    /// What made the reminder fall due, instants shown at the recipient's offset like `due`.
    private static func trigger(_ occurrence: Occurrence) -> JSONValue {
        func instant(_ seconds: Int64) -> JSONValue { .string(Timestamp.format(seconds, offset: occurrence.offset)) }
        switch occurrence.detail {
        case .date(let anniversary, let leadDays, let years):
            return .object([
                "type": .string("date"),
                "anniversary": .string(anniversary.description),
                "lead_days": .int(leadDays),
                "years": years.map(JSONValue.int),
            ])
        case .after(let event, let repeatIndex, let base):
            return .object([
                "type": .string("after"),
                "event": .object([
                    "id": .string(event.id),
                    "type": .string(event.type),
                    "at": instant(event.at),
                    "note": .string(ifPresent: event.note),
                ]),
                "repeat": .int(repeatIndex),
                "base": instant(base),
            ])
        case .every(let cycle, let start):
            return .object(["type": .string("every"), "cycle": .int(cycle), "start": instant(start)])
        case .digest(let items):
            return .object(["type": .string("digest"), "items": .array(items.map { .string($0.key) })])
        }
    }
}

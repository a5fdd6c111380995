import TicklerCore
import TicklerStore

/// Outbox items and messages for the store's tests.
enum OutboxFixtures {
    /// 2027-03-14T09:00:00+08:00
    static let due: Int64 = 1_805_000_400

    static func occurrence(
        _ key: String, channel: String = "email", due: Int64 = due, to: Rule.Recipient = .contact,
        recipient: String? = nil
    ) -> Occurrence {
        let parts = key.split(separator: "/").map(String.init)
        let contact = parts.count > 1 ? parts[1] : "acme-zhang"
        return Occurrence(
            key: key, rule: parts[0], contact: contact, to: to, recipient: recipient ?? contact, channel: channel,
            due: due, offset: 28_800, day: CivilDate(year: 2027, month: 3, day: 14),
            detail: .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47))
    }

    static func message(_ occurrence: Occurrence, text: String = "尊敬的张伟：\n\n生日快乐！\n") -> RenderedMessage {
        RenderedMessage(
            occurrence: occurrence,
            recipient: .init(id: occurrence.recipient, name: "张伟", email: "zhang.wei@example.cn", language: "zh"),
            contact: .init(id: occurrence.contact, name: "张伟", email: "zhang.wei@example.cn", language: "zh"),
            templatePath: "templates/birthday-greeting.txt", language: "zh", subject: "生日快乐", text: text,
            html: "<p>生日快乐</p>")
    }

    /// A pending item with its message.
    static func item(
        _ key: String, channel: String = "email", due: Int64 = due, to: Rule.Recipient = .contact,
        recipient: String? = nil
    ) -> OutboxItem {
        let occurrence = occurrence(key, channel: channel, due: due, to: to, recipient: recipient)
        return OutboxItem(occurrence, message: message(occurrence))
    }

    /// An item that starts missed or failed, without a message.
    static func item(_ key: String, channel: String = "email", due: Int64 = due, state: OutboxItem.State) -> OutboxItem
    {
        OutboxItem(occurrence(key, channel: channel, due: due), message: nil, state: state)
    }
}

extension OutboxWork {
    /// The stored message, or `nil` when there is none or it cannot be read.
    var rendered: RenderedMessage? {
        if case .rendered(let message) = message { return message }
        return nil
    }
}

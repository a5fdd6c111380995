import TicklerCore

/// What `upcoming` says under its table about the reminders it leaves out because they go to
/// contacts who unsubscribed (the JSON and the calendar feed list what will be sent, and say nothing).
public enum HeldBackNote {
    /// `held back: 2 reminders to contacts who unsubscribed: acme-zhang (since 2026-12-01)` — the
    /// contacts by id, each with the day it unsubscribed in its own zone, at most `limit` of them
    /// named (then `and N more`); `nil` when nothing is held back.
    public static func line(_ scheduled: ScheduledOccurrences, limit: Int = 10) -> String? {
        guard !scheduled.heldBack.isEmpty else { return nil }
        let schedule = scheduled.schedule
        let total = scheduled.heldBack.values.reduce(0, +)
        let contacts = scheduled.heldBack.keys.map { Int($0) }.sorted {
            schedule.contacts[$0].id < schedule.contacts[$1].id
        }
        var named = contacts.prefix(limit).map { index in
            let id = schedule.contacts[index].id
            guard let event = scheduled.events.unsubscription(of: id) else { return QuotedToken.escaped(id) }
            return "\(QuotedToken.escaped(id)) (since \(schedule.contactZone(index).localDate(at: event.at)))"
        }
        if contacts.count > limit { named.append("and \(contacts.count - limit) more") }
        let reminders = total == 1 ? "1 reminder" : "\(total) reminders"
        return "held back: \(reminders) to contacts who unsubscribed: " + named.joined(separator: ", ")
    }
}

import TicklerCore
import TicklerInput

/// The values a template sees for one occurrence, as swift-mustache reads them: nested
/// dictionaries of text, with values that are not set left out (so `{{#x}}` sections hide them).
struct MessageValues {
    let workspace: Workspace
    let schedule: Schedule
    let rule: Rule
    let contactIndex: Int
    let occurrence: Occurrence
    let language: String

    var dictionary: [String: Any] {
        let config = workspace.config
        let contact = schedule.contacts[contactIndex]
        var values: [String: Any] = [
            "contact": contactValues(contact),
            "rule": ["name": rule.name],
            "date": occurrence.day.description,
        ]
        if let ownerID = contact.owner, let owner = config.owners[ownerID] {
            values["owner"] = Self.personValues(owner)
            if let managerID = owner.manager, let manager = config.owners[managerID] {
                values["manager"] = Self.personValues(manager)
            }
        }
        let zone =
            occurrence.to == .contact
            ? schedule.contactZone(contactIndex) : schedule.owners[occurrence.recipient]?.zone ?? schedule.defaultZone
        let dueDay = zone.localDate(at: occurrence.due).daysSinceEpoch
        if let holiday = schedule.audienceCalendar(occurrence.to, for: contactIndex)?.holidayName(onDay: dueDay) {
            values["holiday"] = ["name": holiday]
        }
        switch occurrence.detail {
        case .date(let anniversary, let leadDays, let years):
            values["days_until"] = String(leadDays)
            if let years {
                values["age"] = String(years)
                values["years"] = String(years)
            }
            if case .date(let trigger) = rule.trigger, trigger.field.isLunar {
                if let lunar = schedule.chineseCalendar.lunarDate(of: anniversary) {
                    values["lunar"] = ["date": ChineseCalendar.chineseName(of: lunar)]
                }
            }
        case .after(let event, _, _):
            var eventValues: [String: Any] = [
                "type": event.type, "at": Self.localTime(event.at, zone: zone),
            ]
            if let note = event.note, !note.isEmpty { eventValues["note"] = note }
            values["event"] = eventValues
            values["overdue"] = Self.overdue(occurrence.due - event.at, language: language)
        case .every, .digest:
            break
        }
        return values
    }

    private func contactValues(_ contact: Contact) -> [String: Any] {
        var values: [String: Any] = ["id": contact.id]
        for field in Contact.standardFields {
            if let text = ContactMatcher.value(of: field, in: contact), field != "id", !text.isEmpty {
                values[field] = text
            }
        }
        if !contact.tags.isEmpty { values["tags"] = contact.tags }
        if !contact.dates.isEmpty { values["dates"] = contact.dates.mapValues(\.description) }
        for (field, text) in contact.fields where !text.isEmpty { values[field] = text }
        return values
    }

    static func personValues(_ owner: Owner) -> [String: Any] {
        var values: [String: Any] = ["id": owner.id, "name": owner.name]
        if let email = owner.email { values["email"] = email }
        if let timezone = owner.timezone { values["timezone"] = timezone }
        if let language = owner.language { values["language"] = language }
        return values
    }

    /// The value at a dotted path, or `nil` when it is not set.
    static func lookup(_ path: String, in values: [String: Any]) -> Any? {
        var current: Any = values
        for part in path.split(separator: ".") {
            guard let map = current as? [String: Any], let next = map[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// `2026-11-22 14:30`, in the recipient's zone.
    static func localTime(_ instant: Int64, zone: ZoneRules) -> String {
        let text = Timestamp.format(instant, offset: zone.offset(at: instant))
        return String(text.prefix(16).map { $0 == "T" ? " " : $0 })
    }

    /// How long, in the template's language: the largest unit and, when set, the one right below it
    /// (`2 小时` / `2 hours`, `1 天 3 小时` / `1 day 3 hours`); under a minute, `不到 1 分钟` /
    /// `less than a minute` rather than a zero.
    static func overdue(_ seconds: Int64, language: String) -> String {
        let chinese = language == "zh" || language.hasPrefix("zh-")
        let minutes = max(0, seconds / 60)
        guard minutes > 0 else { return chinese ? "不到 1 分钟" : "less than a minute" }
        let units: [(value: Int64, zh: String, one: String, many: String)] = [
            (minutes / 1440, "天", "day", "days"), (minutes / 60 % 24, "小时", "hour", "hours"),
            (minutes % 60, "分钟", "minute", "minutes"),
        ]
        let largest = units.firstIndex { $0.value > 0 }!
        let shown = units[largest...].prefix(2).prefix { $0.value > 0 }
        return shown.map { unit in
            chinese ? "\(unit.value) \(unit.zh)" : "\(unit.value) \(unit.value == 1 ? unit.one : unit.many)"
        }.joined(separator: " ")
    }
}

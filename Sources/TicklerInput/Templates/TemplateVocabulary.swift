import TicklerCore

/// The values a template may use in the rules of one kind, per the SPEC:
///
/// - everywhere: `contact.*`, `owner.*`, `manager.*`, `rule.name`, `date`, `holiday.name` (on a holiday);
/// - `date` rules: also `days_until`, `age`, `years`, `lunar.date`;
/// - `after` rules: also `event.type`, `event.at`, `event.note`, `overdue`;
/// - `every` rules: the common ones only.
///
/// `contact.*` is every standard contact field, `contact.tags` is a list, `contact.dates.NAME` for
/// each date name some contact has under `dates:`, and every other field some contact has.
public struct TemplateVocabulary: Sendable {
    /// The fields of an owner or a manager, as templates see them.
    public static let personFields = ["id", "name", "email", "timezone", "language"]

    /// The values only rules of one kind have, by kind, for notes on values used in the wrong kind.
    static let kindValues: [Trigger.Kind: [String]] = [
        .date: ["days_until", "age", "years", "lunar.date"],
        .after: ["event.type", "event.at", "event.note", "overdue"],
        .every: [],
    ]

    public let trigger: Trigger.Kind
    /// The date a `date` rule follows; `nil` when unknown or not a `date` rule.
    public let dateField: DateTrigger.Field?
    /// The root of the values: what a name outside any section resolves against.
    let root: TemplateValue
    /// Whether these are a digest's values (``digest(contactFields:contactDates:)``).
    public let isDigest: Bool

    public init(
        trigger: Trigger.Kind, dateField: DateTrigger.Field?, contactFields: Set<String>, contactDates: Set<String>
    ) {
        self.trigger = trigger
        self.dateField = dateField
        isDigest = false
        root = .map(Self.values(of: trigger, contactFields: contactFields, contactDates: contactDates))
    }

    init(trigger: Trigger.Kind, root: TemplateValue, isDigest: Bool) {
        self.trigger = trigger
        dateField = nil
        self.root = root
        self.isDigest = isDigest
    }

    static func contactValue(contactFields: Set<String>, contactDates: Set<String>) -> TemplateValue {
        var contact: [String: TemplateValue] = [:]
        for field in contactFields {
            contact[field] = .text
        }
        for field in Contact.standardFields {
            contact[field] = .text
        }
        contact["tags"] = .list
        contact["dates"] = .map(texts: contactDates)
        return .map(contact)
    }

    static func values(of trigger: Trigger.Kind, contactFields: Set<String>, contactDates: Set<String>)
        -> [String: TemplateValue]
    {
        var values: [String: TemplateValue] = [
            "contact": contactValue(contactFields: contactFields, contactDates: contactDates),
            "owner": .map(texts: Self.personFields),
            "manager": .map(texts: Self.personFields),
            "rule": .map(texts: ["name"]),
            "date": .text,
            "holiday": .map(texts: ["name"]),
        ]
        switch trigger {
        case .date:
            for name in ["days_until", "age", "years"] {
                values[name] = .text
            }
            values["lunar"] = .map(texts: ["date"])
        case .after:
            values["event"] = .map(texts: ["type", "at", "note"])
            values["overdue"] = .text
        case .every:
            break
        }
        return values
    }

    /// Every value a template may name, as dotted names, sorted (`contact.name`, `date`, …);
    /// groups such as `contact` and `contact.dates` are included.
    public var names: [String] { root.allNames.sorted() }

    /// Whether `name` (a dotted name as written outside any section) is a value of this vocabulary.
    public func contains(_ name: String) -> Bool {
        root.value(at: name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)) != nil
    }

    /// Values that have a value only in some rules of this kind, and so must be used inside a
    /// section on themselves: `lunar.date` is empty in a `date` rule on a Gregorian date.
    /// Each with when it is empty and why.
    var conditionalValues: [String: (empty: String, reason: String)] {
        if isDigest { return Self.digestConditionalValues }
        var values = [
            "holiday.name": (
                "on days that are not holidays",
                "'holiday.name' has a value only on a holiday of the recipient's calendar ('calendar:')"
            )
        ]
        if trigger == .date, let dateField, !dateField.isLunar {
            values["lunar.date"] = (
                "in 'date: \(dateField)' rules",
                "'lunar.date' has a value only in rules on a lunar date ('lunar_birthday', 'lunar MM-DD')"
            )
        }
        return values
    }

    /// The other rule kinds in which `name` (written from the root) is a value.
    func otherKinds(having name: String) -> [Trigger.Kind] {
        let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !isDigest else { return [] }
        return Trigger.Kind.allCases.filter { kind in
            guard kind != trigger else { return false }
            let owned = Self.kindValues[kind] ?? []
            return owned.contains { value in
                let valuePath = value.split(separator: ".").map(String.init)
                // `event` and `lunar` name the group a kind-specific value belongs to.
                return valuePath.starts(with: path) || path.starts(with: valuePath)
            }
        }
    }
}

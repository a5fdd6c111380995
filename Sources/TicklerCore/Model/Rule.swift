/// One contact rule of `tickler.yaml`: a trigger, who receives the reminder, and how it is sent.
public struct Rule: Sendable, Hashable {
    public var name: String
    public var trigger: Trigger
    public var recipient: Recipient
    public var channel: String
    public var template: String
    /// `where`: the contacts the rule applies to (all when empty).
    public var filter: ContactFilter
    /// `at`: the wall-clock time in the recipient's zone; `nil` takes the trigger's default.
    public var at: TimeOfDay?
    public var window: Window?
    /// `catch_up` for this rule; `nil` takes the configuration's.
    public var catchUp: TimeSpan?
    /// Where the rule starts in its file.
    public var location: SourceLocation
    /// Where `template:` names the template, for "no such template" errors.
    public var templateLocation: SourceLocation
    /// `digest: true` — its occurrences for an owner (or manager) with `digest:` settings go out in
    /// that person's morning digest instead of one message each (`Schedule+Digest.swift`).
    public var digest: Bool

    public init(
        name: String, trigger: Trigger, recipient: Recipient, channel: String, template: String,
        filter: ContactFilter = ContactFilter(), at: TimeOfDay? = nil, window: Window? = nil,
        catchUp: TimeSpan? = nil, location: SourceLocation, templateLocation: SourceLocation? = nil,
        digest: Bool = false
    ) {
        self.name = name
        self.trigger = trigger
        self.recipient = recipient
        self.channel = channel
        self.template = template
        self.filter = filter
        self.at = at
        self.window = window
        self.catchUp = catchUp
        self.location = location
        self.templateLocation = templateLocation ?? location
        self.digest = digest
    }

    /// Whether the rule reads working days: a `workdays` (or `holidays`) window, or a delay in `wd`.
    public var readsWorkdays: Bool {
        if window?.followsCalendar == true { return true }
        if case .after(let trigger) = trigger, trigger.delay.unit == .workdays { return true }
        return false
    }

    /// `to:` — who the reminder goes to.
    public enum Recipient: String, Sendable, Hashable, CaseIterable, Codable {
        case contact
        case owner
        case manager
    }
}

/// `date:` — yearly on a date of the contact, minus each lead time.
public struct DateTrigger: Sendable, Hashable {
    /// The date the rule follows: a date of the contact, or one that is the same for every contact.
    public enum Field: Sendable, Hashable, CustomStringConvertible {
        case birthday
        case lunarBirthday
        /// A key under the contact's `dates:`.
        case custom(String)
        /// `"MM-DD"`: a Gregorian month and day (`"12-25"`), the same for every contact.
        case gregorian(PartialDate)
        /// `"lunar MM-DD"`: a Chinese-calendar month and day (`"lunar 08-15"` 中秋).
        case lunar(LunarDate)
        /// `"term NAME"`: the day a solar term begins in China Standard Time (`"term qingming"`).
        case term(SolarTerm)

        public var description: String {
            switch self {
            case .birthday: "birthday"
            case .lunarBirthday: "lunar_birthday"
            case .custom(let name): name
            case .gregorian(let date): String(date.description.dropFirst(2))
            case .lunar(let date): "lunar \(date)"
            case .term(let term): "term \(term.pinyin)"
            }
        }

        /// Whether the date is the same for every contact (a festival), not a date of the contact's.
        public var isFixed: Bool {
            switch self {
            case .gregorian, .lunar, .term: true
            case .birthday, .lunarBirthday, .custom: false
            }
        }

        /// Whether the date is a solar term.
        public var isTerm: Bool {
            if case .term = self { true } else { false }
        }

        /// Whether the date is read on the Chinese calendar (its year runs into the next Gregorian one).
        public var isLunar: Bool {
            switch self {
            case .lunarBirthday, .lunar: true
            default: false
            }
        }
    }

    /// `feb29:` — what a Feb 29 date does in common years.
    public enum Feb29Policy: String, Sendable, Hashable, CaseIterable {
        case feb28
        case mar1
        case skip
    }

    public var field: Field
    /// `before:` — lead times in calendar days, each its own occurrence (default `[0d]`).
    public var leads: [TimeSpan]
    public var feb29: Feb29Policy

    public init(field: Field, leads: [TimeSpan] = [TimeSpan(0, .days)], feb29: Feb29Policy = .feb28) {
        self.field = field
        self.leads = leads
        self.feb29 = feb29
    }
}

/// `after:` — once per recorded event of a type, `delay` after it.
public struct AfterTrigger: Sendable, Hashable {
    public var eventType: String
    public var delay: TimeSpan
    /// `unless:` — an event type that, recorded later, cancels the rest of the series.
    public var unless: String?
    /// `repeat:` — nag again at this interval until cancelled.
    public var repeatEvery: TimeSpan?
    /// `max_overdue:` — when the nagging stops (default 7d).
    public var maxOverdue: TimeSpan

    public init(
        eventType: String, delay: TimeSpan = TimeSpan(0, .minutes), unless: String? = nil,
        repeatEvery: TimeSpan? = nil, maxOverdue: TimeSpan = TimeSpan(7, .days)
    ) {
        self.eventType = eventType
        self.delay = delay
        self.unless = unless
        self.repeatEvery = repeatEvery
        self.maxOverdue = maxOverdue
    }
}

/// `every:` — when a contact has had no interaction for a period, and every period after.
public struct EveryTrigger: Sendable, Hashable {
    public var period: TimeSpan
    /// `since:` — the event types that count as interaction; `nil` means any event.
    public var since: [String]?
    /// `spread:` — how widely first-time clocks are spread by a hash of the contact id.
    public var spread: TimeSpan

    public init(period: TimeSpan, since: [String]? = nil, spread: TimeSpan = TimeSpan(0, .days)) {
        self.period = period
        self.since = since
        self.spread = spread
    }
}

/// `where:` — field → accepted values. A contact matches when, for every condition, its value of
/// the field (or, for `tags`, one of its tags) is one of the accepted values.
public struct ContactFilter: Sendable, Hashable {
    public struct Condition: Sendable, Hashable {
        public var field: String
        public var values: [String]
        /// Where the field is named, for diagnostics.
        public var location: SourceLocation

        public init(field: String, values: [String], location: SourceLocation) {
            self.field = field
            self.values = values
            self.location = location
        }
    }

    public var conditions: [Condition]

    public init(_ conditions: [Condition] = []) {
        self.conditions = conditions
    }

    public var isEmpty: Bool { conditions.isEmpty }
}

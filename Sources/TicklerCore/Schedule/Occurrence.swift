/// One reminder that falls due: a rule, a contact, the person it goes to, and the instant.
public struct Occurrence: Sendable, Hashable, Codable {
    /// `RULE/CONTACT/YYYY-MM-DD`, `RULE/CONTACT/EVENT-ID` or `RULE/CONTACT/EVENT-ID/N`.
    public var key: String
    public var rule: String
    public var contact: String
    public var to: Rule.Recipient
    /// The id of the person it goes to: the contact's, the owner's or the manager's.
    public var recipient: String
    public var channel: String
    /// The due instant, seconds since the epoch.
    public var due: Int64
    /// The recipient's UTC offset at `due`, in seconds east, for showing it as local time.
    public var offset: Int
    /// The contact's calendar day the occurrence belongs to.
    public var day: CivilDate
    public var detail: Detail
    /// The key of the digest that carries it (`digest/OWNER/YYYY-MM-DD`), for an occurrence of a
    /// `digest: true` rule whose recipient has `digest:` settings; `nil` otherwise.
    public var digest: String?

    /// What the trigger knows about this occurrence, for templates.
    public enum Detail: Sendable, Hashable, Codable {
        /// A yearly date: the date itself (this year's birthday), the lead in days, and the years
        /// since the original date when its year is known.
        case date(anniversary: CivilDate, leadDays: Int, years: Int?)
        /// An event-driven reminder: the event, the repeat number (0 for the first), and the base
        /// instant the series counts from (`overdue` is `due - eventDue`).
        case after(event: Event, repeatIndex: Int, base: Int64)
        /// A lapse of contact: the cycle number k and the instant the clock started.
        case every(cycle: Int, start: Int64)
        /// An owner's digest of day `day`: the occurrences it carries, by due instant then key.
        case digest(items: [Occurrence])
    }

    public init(
        key: String, rule: String, contact: String, to: Rule.Recipient, recipient: String, channel: String,
        due: Int64, offset: Int, day: CivilDate, detail: Detail, digest: String? = nil
    ) {
        self.key = key
        self.rule = rule
        self.contact = contact
        self.to = to
        self.recipient = recipient
        self.channel = channel
        self.due = due
        self.offset = offset
        self.day = day
        self.detail = detail
        self.digest = digest
    }

    /// The order of `upcoming`: by due instant, then key.
    public static func precedes(_ a: Occurrence, _ b: Occurrence) -> Bool {
        a.due != b.due ? a.due < b.due : a.key < b.key
    }
}

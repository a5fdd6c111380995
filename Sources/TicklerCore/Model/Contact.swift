/// A customer, as read from a contacts file (YAML, CSV or vCard).
public struct Contact: Sendable, Hashable {
    /// The standard fields, in the order the SPEC lists them. Any other field goes to `fields`.
    public static let standardFields = [
        "id", "name", "email", "phone", "timezone", "tier", "tags", "owner", "language",
        "birthday", "lunar_birthday", "dates",
    ]

    public var id: String
    public var name: String?
    public var email: String?
    public var phone: String?
    /// An IANA zone name, already checked to exist.
    public var timezone: String?
    public var tier: String?
    public var tags: [String]
    /// The id of a configured owner, already checked to exist.
    public var owner: String?
    /// The language code choosing `NAME.LANG.txt` templates for messages to this contact (`en`, `zh`).
    public var language: String?
    public var birthday: PartialDate?
    public var lunarBirthday: LunarDate?
    /// Other dates that matter to the customer (`dates: {anniversary: 2015-06-01}`), usable by `date:` rules.
    public var dates: [String: PartialDate]
    /// Every other field, as text.
    public var fields: [String: String]
    /// Where the contact is defined (its `id`), for diagnostics that name it.
    public var location: SourceLocation

    public init(
        id: String, name: String? = nil, email: String? = nil, phone: String? = nil, timezone: String? = nil,
        tier: String? = nil, tags: [String] = [], owner: String? = nil, language: String? = nil,
        birthday: PartialDate? = nil, lunarBirthday: LunarDate? = nil, dates: [String: PartialDate] = [:],
        fields: [String: String] = [:], location: SourceLocation
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.timezone = timezone
        self.tier = tier
        self.tags = tags
        self.owner = owner
        self.language = language
        self.birthday = birthday
        self.lunarBirthday = lunarBirthday
        self.dates = dates
        self.fields = fields
        self.location = location
    }
}

/// A Gregorian month and day, with the year when it is known (`1980-03-14` or `--03-14`).
public struct PartialDate: Sendable, Hashable, CustomStringConvertible {
    public var year: Int?
    public var month: Int
    public var day: Int

    public init(year: Int?, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String {
        let md = (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
        guard let year else { return "--" + md }
        return String(repeating: "0", count: max(0, 4 - String(year).count)) + "\(year)-" + md
    }
}

/// A Chinese-calendar month and day (`08-15`; `L04-15` is the 15th of the leap 4th month).
public struct LunarDate: Sendable, Hashable, CustomStringConvertible {
    public var month: Int
    public var day: Int
    public var isLeapMonth: Bool

    public init(month: Int, day: Int, isLeapMonth: Bool) {
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
    }

    public var description: String {
        (isLeapMonth ? "L" : "") + (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
    }
}

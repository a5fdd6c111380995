/// A customer, as read from a contacts file (YAML, CSV or vCard).
public struct Contact: Sendable, Hashable {
    /// The standard fields, in the order the SPEC lists them. Any other field goes to `fields`.
    public static let standardFields = [
        "id", "name", "email", "phone", "timezone", "tier", "tags", "owner", "language",
        "birthday", "lunar_birthday", "dates",
    ]

    public var id: String
    /// An IANA zone name, already checked to exist.
    public var timezone: String?
    public var tier: String?
    /// The id of a configured owner, already checked to exist.
    public var owner: String?
    /// Where the contact is defined (its `id`), for diagnostics that name it.
    public var location: SourceLocation
    public var tags: [String]
    /// Other dates that matter to the customer (`dates: {anniversary: 2015-06-01}`), usable by `date:` rules.
    public var dates: [String: PartialDate]
    /// Every other field, as text.
    public var fields: [String: String]
    public var birthday: PartialDate?
    public var lunarBirthday: LunarDate?
    /// `name`, `email`, `phone` and `language` in one allocation; the stored properties above are in
    /// the order that packs them tightest. A million contacts take about 136 bytes each here.
    public var text: PackedText

    public var name: String? {
        get { text[Self.nameSlot] }
        set { text[Self.nameSlot] = newValue }
    }
    public var email: String? {
        get { text[Self.emailSlot] }
        set { text[Self.emailSlot] = newValue }
    }
    public var phone: String? {
        get { text[Self.phoneSlot] }
        set { text[Self.phoneSlot] = newValue }
    }
    /// The language code choosing `NAME.LANG.txt` templates for messages to this contact (`en`, `zh`).
    public var language: String? {
        get { text[Self.languageSlot] }
        set { text[Self.languageSlot] = newValue }
    }

    /// Whether the contact has an email address, without making the string.
    public var hasEmail: Bool { text.contains(Self.emailSlot) }

    static let nameSlot = 0
    static let emailSlot = 1
    static let phoneSlot = 2
    static let languageSlot = 3
}

extension Contact {
    // Initializers live here so that the memberwise one (`id:timezone:…:text:`, internal) exists:
    // a contact made with it is built in place, where one made with an initializer of its own is
    // built aside and copied, every reference retained and released once more (Swift 6.3), which
    // the CSV reader does 100,000 times for a large file.
    public init(
        id: String, name: String? = nil, email: String? = nil, phone: String? = nil, timezone: String? = nil,
        tier: String? = nil, tags: [String] = [], owner: String? = nil, language: String? = nil,
        birthday: PartialDate? = nil, lunarBirthday: LunarDate? = nil, dates: [String: PartialDate] = [:],
        fields: [String: String] = [:], location: SourceLocation
    ) {
        self.init(
            id: id, timezone: timezone, tier: tier, owner: owner, location: location, tags: tags, dates: dates,
            fields: fields, birthday: birthday, lunarBirthday: lunarBirthday,
            text: PackedText(name, email, phone, language))
    }

    /// Makes a contact from its fields as stored at `destination`, moving every value into it: for
    /// the CSV reader (module TicklerInput), a million times in a row. Here rather than in the
    /// reader, whose module would build the contact, copy it into place and destroy the original —
    /// two reference counts for each of its strings and arrays.
    public static func initialize(
        _ destination: UnsafeMutablePointer<Contact>, id: consuming String, timezone: consuming String?,
        tier: consuming String?, owner: consuming String?, location: consuming SourceLocation,
        tags: consuming [String], dates: consuming [String: PartialDate], fields: consuming [String: String],
        birthday: PartialDate?, lunarBirthday: LunarDate?, packed text: consuming PackedText
    ) {
        destination.initialize(
            to: Contact(
                id: id, timezone: timezone, tier: tier, owner: owner, location: location, tags: tags, dates: dates,
                fields: fields, birthday: birthday, lunarBirthday: lunarBirthday, text: text))
    }
}

/// A Gregorian month and day, with the year when it is known (`1980-03-14` or `--03-14`).
///
/// Stored in 8 bytes rather than 33, as every contact may hold one: the year in 32 bits, month and
/// day in 8 (parsed dates have years 1800–2200, months 1–12 and days 1–31).
public struct PartialDate: Sendable, Hashable, CustomStringConvertible {
    private var storedYear: Int32
    private var storedMonth: UInt8
    private var storedDay: UInt8

    public var year: Int? {
        get { storedYear == Int32.min ? nil : Int(storedYear) }
        set { storedYear = newValue.map { Int32($0) } ?? Int32.min }
    }
    public var month: Int {
        get { Int(storedMonth) }
        set { storedMonth = UInt8(newValue) }
    }
    public var day: Int {
        get { Int(storedDay) }
        set { storedDay = UInt8(newValue) }
    }

    public init(year: Int?, month: Int, day: Int) {
        precondition(
            year.map { Int32(exactly: $0) != nil && $0 != Int(Int32.min) } ?? true && (0...255).contains(month)
                && (0...255).contains(day), "a partial date's parts are out of range")
        storedYear = year.map { Int32($0) } ?? Int32.min
        storedMonth = UInt8(month)
        storedDay = UInt8(day)
    }

    public var description: String {
        let md = (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
        guard let year else { return "--" + md }
        return String(repeating: "0", count: max(0, 4 - String(year).count)) + "\(year)-" + md
    }
}

/// A Chinese-calendar month and day (`08-15`; `L04-15` is the 15th of the leap 4th month).
///
/// Stored in 3 bytes (months 1–12, days 1–30).
public struct LunarDate: Sendable, Hashable, CustomStringConvertible {
    private var storedMonth: UInt8
    private var storedDay: UInt8
    public var isLeapMonth: Bool

    public var month: Int {
        get { Int(storedMonth) }
        set { storedMonth = UInt8(newValue) }
    }
    public var day: Int {
        get { Int(storedDay) }
        set { storedDay = UInt8(newValue) }
    }

    public init(month: Int, day: Int, isLeapMonth: Bool) {
        precondition((0...255).contains(month) && (0...255).contains(day), "a lunar date's parts are out of range")
        storedMonth = UInt8(month)
        storedDay = UInt8(day)
        self.isLeapMonth = isLeapMonth
    }

    public var description: String {
        (isLeapMonth ? "L" : "") + (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)"
    }
}

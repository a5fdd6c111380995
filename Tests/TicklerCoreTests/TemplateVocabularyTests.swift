import Testing

@testable import TicklerCore
@testable import TicklerInput

@Suite struct TemplateVocabularyTests {
    static let common = [
        "contact", "contact.birthday", "contact.dates", "contact.email", "contact.id", "contact.language",
        "contact.lunar_birthday", "contact.name", "contact.owner", "contact.phone", "contact.tags", "contact.tier",
        "contact.timezone", "date", "holiday", "holiday.name", "manager", "manager.email", "manager.id",
        "manager.language", "manager.name",
        "manager.timezone", "owner", "owner.email", "owner.id", "owner.language", "owner.name", "owner.timezone",
        "rule", "rule.name",
    ]

    static let namesByKind: [(Trigger.Kind, [String])] = [
        (.date, common + ["age", "days_until", "lunar", "lunar.date", "years"]),
        (.after, common + ["event", "event.at", "event.note", "event.type", "overdue"]),
        (.every, common),
    ]

    @Test(arguments: namesByKind)
    func eachKindHasTheValuesOfTheSpec(_ kind: Trigger.Kind, _ expected: [String]) {
        let vocabulary = TemplateVocabulary(trigger: kind, dateField: nil, contactFields: [], contactDates: [])
        #expect(vocabulary.names == expected.sorted())
    }

    @Test func contactFieldsAndDatesAreAddedUnderContact() {
        let vocabulary = TemplateVocabulary(
            trigger: .every, dateField: nil, contactFields: ["company", "region"], contactDates: ["anniversary"]
        )
        #expect(vocabulary.contains("contact.company"))
        #expect(vocabulary.contains("contact.region"))
        #expect(vocabulary.contains("contact.dates.anniversary"))
        #expect(!vocabulary.contains("contact.dates.wedding"))
        #expect(!vocabulary.contains("contact.anniversary"))
        #expect(!vocabulary.contains("contact..name"))
    }

    static let kindOnlyValues: [(String, Trigger.Kind, [Trigger.Kind])] = [
        ("event.note", .date, [.after]),
        ("event", .every, [.after]),
        ("overdue", .every, [.after]),
        ("days_until", .after, [.date]),
        ("lunar.date", .every, [.date]),
        ("lunar", .after, [.date]),
        ("contact.name", .after, []),
        ("eventual", .date, []),
    ]

    @Test(arguments: kindOnlyValues)
    func valuesOfOtherKindsAreRecognised(_ name: String, _ kind: Trigger.Kind, _ expected: [Trigger.Kind]) {
        let vocabulary = TemplateVocabulary(trigger: kind, dateField: nil, contactFields: [], contactDates: [])
        #expect(vocabulary.otherKinds(having: name) == expected)
    }

    @Test func lunarDateIsConditionalOnlyInGregorianDateRulesAndHolidayNameEverywhere() {
        func conditional(_ kind: Trigger.Kind, _ field: DateTrigger.Field?) -> [String] {
            TemplateVocabulary(trigger: kind, dateField: field, contactFields: [], contactDates: []).conditionalValues
                .keys.sorted()
        }
        #expect(conditional(.date, .birthday) == ["holiday.name", "lunar.date"])
        #expect(conditional(.date, .custom("anniversary")) == ["holiday.name", "lunar.date"])
        #expect(
            conditional(.date, .gregorian(PartialDate(year: nil, month: 12, day: 25))) == [
                "holiday.name", "lunar.date",
            ])
        #expect(conditional(.date, .term(.qingming)) == ["holiday.name", "lunar.date"])
        #expect(conditional(.date, .lunarBirthday) == ["holiday.name"])
        #expect(conditional(.date, .lunar(LunarDate(month: 8, day: 15, isLeapMonth: false))) == ["holiday.name"])
        #expect(conditional(.date, nil) == ["holiday.name"])
        #expect(conditional(.after, nil) == ["holiday.name"])
    }
}

import Testing

@testable import TicklerCore

@Suite struct TemplateCheckerTests {
    static let names: [TemplateCase] = [
        TemplateCase(
            "Hello {{contact.nmae}}",
            ["t:1:9: error: unknown value 'contact.nmae'", "t:1:9: note: did you mean 'contact.name'?"]
        ),
        TemplateCase(
            "Hello {{contact.company}}",
            ["t:1:9: error: unknown value 'contact.company'", "t:1:9: note: no contact has a field 'company'"]
        ),
        TemplateCase(
            "{{contact.dates.anniversary}}",
            [
                "t:1:3: error: unknown value 'contact.dates.anniversary'",
                "t:1:3: note: no contact has a date 'anniversary' under 'dates:'",
            ]
        ),
        TemplateCase("{{whatever}}", ["t:1:3: error: unknown value 'whatever'"]),
        TemplateCase(
            "{{event.note}}",
            [
                "t:1:3: error: unknown value 'event.note'",
                "t:1:3: note: 'event.note' is available only in 'after' rules",
            ],
            kind: .date
        ),
        TemplateCase(
            "{{#event}}{{note}}{{/event}}",
            ["t:1:4: error: unknown value 'event'", "t:1:4: note: 'event' is available only in 'after' rules"],
            kind: .every
        ),
        TemplateCase(
            "{{overdue}}",
            ["t:1:3: error: unknown value 'overdue'", "t:1:3: note: 'overdue' is available only in 'after' rules"],
            kind: .every
        ),
        TemplateCase(
            "还有 {{days_until}} 天",
            ["t:1:6: error: unknown value 'days_until'", "t:1:6: note: 'days_until' is available only in 'date' rules"]
        ),
        TemplateCase(
            "{{age}} {{years}}",
            [
                "t:1:3: error: unknown value 'age'", "t:1:3: note: 'age' is available only in 'date' rules",
                "t:1:11: error: unknown value 'years'", "t:1:11: note: 'years' is available only in 'date' rules",
            ],
            kind: .every
        ),
        TemplateCase(
            "{{lunar.date}}",
            ["t:1:3: error: unknown value 'lunar.date'", "t:1:3: note: 'lunar.date' is available only in 'date' rules"]
        ),
        TemplateCase(
            "{{contact.nmae}} {{owner.nam}}\n{{overdue}}",
            [
                "t:1:3: error: unknown value 'contact.nmae'", "t:1:3: note: did you mean 'contact.name'?",
                "t:1:20: error: unknown value 'owner.nam'", "t:1:20: note: did you mean 'owner.name'?",
                "t:2:3: error: unknown value 'overdue'", "t:2:3: note: 'overdue' is available only in 'after' rules",
            ],
            kind: .date
        ),
        TemplateCase(
            "{{contact}}",
            [
                "t:1:3: error: 'contact' is a group of values, not a single value",
                "t:1:3: note: name one of its values, e.g. 'contact.name'",
            ]),
        TemplateCase(
            "{{contact.tags}}",
            [
                "t:1:3: error: 'contact.tags' is a list",
                "t:1:3: note: show its items with '{{#contact.tags}}{{.}}{{/contact.tags}}'",
            ]),
        TemplateCase(
            "{{.}}",
            [
                "t:1:3: error: '.' is used outside a section",
                "t:1:3: note: '.' is the current item of a section, e.g. '{{#contact.tags}}{{.}}{{/contact.tags}}'",
            ]),
    ]

    @Test(arguments: names)
    func unknownValuesAreReportedWithAHelpfulNote(_ example: TemplateCase) {
        let vocabulary = TemplateFixture.vocabulary(example.kind)
        #expect(TemplateFixture.diagnose(example.text, vocabulary: vocabulary) == example.expected)
    }

    static let sections: [TemplateCase] = [
        TemplateCase("{{#contact}}{{name}}, {{email}} {{rule.name}} {{.name}}{{/contact}}", []),
        TemplateCase(
            "{{#contact}}{{nmae}}{{/contact}}",
            [
                "t:1:15: error: unknown value 'nmae'", "t:1:15: note: did you mean 'name'?",
            ]),
        TemplateCase(
            "{{#contact}}{{owner.name}}{{/contact}}",
            [
                "t:1:15: error: unknown value 'owner.name'",
                "t:1:15: note: inside section 'contact', 'owner' means 'contact.owner'",
            ]),
        TemplateCase(
            "{{#contact}}{{.}}{{/contact}}",
            [
                "t:1:15: error: '.' is a group of values, not a single value",
                "t:1:15: note: name one of its values, e.g. 'name'",
            ]),
        TemplateCase("{{#contact.tags}}{{.}}, {{/contact.tags}}{{^contact.tags}}none{{/contact.tags}}", []),
        TemplateCase("{{#contact.email}}<{{.}}>{{/contact.email}}", []),
        TemplateCase(
            "{{^contact.email}}{{.}}{{/contact.email}}",
            [
                "t:1:21: error: '.' is used outside a section",
                "t:1:21: note: '.' is the current item of a section, e.g. '{{#contact.tags}}{{.}}{{/contact.tags}}'",
            ]),
        TemplateCase(
            "{{#contatc}}{{name}}{{/contatc}}",
            [
                "t:1:4: error: unknown value 'contatc'", "t:1:4: note: did you mean 'contact'?",
            ]),
        TemplateCase(
            "Hi\n{{#contact.tags}}{{.}}",
            [
                "t:2:1: error: unclosed section 'contact.tags'", "t:2:1: note: close it with '{{/contact.tags}}'",
            ]),
        TemplateCase(
            "{{#contact.name}}\nDear {{contact.name}}\n{{/contact.nmae}}",
            [
                "t:3:4: error: closing tag 'contact.nmae' does not match section 'contact.name'",
                "t:1:1: note: section 'contact.name' opened here",
            ]),
        TemplateCase(
            "{{#contact}}{{#tags}}{{.}}{{/contact}} {{contact.name}}",
            [
                "t:1:30: error: closing tag 'contact' does not match section 'tags'",
                "t:1:13: note: section 'tags' opened here",
            ]),
        TemplateCase(
            "Hi{{/contact.name}}",
            [
                "t:1:6: error: closing tag 'contact.name' has no open section",
                "t:1:6: note: open the section with '{{#contact.name}}', or remove this tag",
            ]),
        TemplateCase("{{#event}}{{type}} {{at}} {{note}}{{/event}} {{#event.note}}({{.}}){{/event.note}}", []),
    ]

    @Test(arguments: sections)
    func sectionsScopeNamesAsMustacheDoes(_ example: TemplateCase) {
        #expect(TemplateFixture.diagnose(example.text) == example.expected)
    }

    @Test func contactFieldsAndDatesOfTheContactFilesAreValues() {
        let vocabulary = TemplateFixture.vocabulary(.every, fields: ["company"], dates: ["anniversary"])
        let text =
            "{{contact.company}} {{contact.dates.anniversary}} {{#contact.dates}}{{anniversary}}{{/contact.dates}}"
        #expect(TemplateFixture.diagnose(text, vocabulary: vocabulary) == [])
        #expect(
            TemplateFixture.diagnose("{{contact.dates.aniversary}}", vocabulary: vocabulary) == [
                "t:1:3: error: unknown value 'contact.dates.aniversary'",
                "t:1:3: note: did you mean 'contact.dates.anniversary'?",
            ]
        )
        #expect(
            TemplateFixture.diagnose("{{contact.dates}}", vocabulary: vocabulary) == [
                "t:1:3: error: 'contact.dates' is a group of values, not a single value",
                "t:1:3: note: name one of its values, e.g. 'contact.dates.anniversary'",
            ]
        )
    }

    @Test func kindSpecificValuesAreAcceptedInTheirKind() {
        let date = "{{date}} {{days_until}} {{age}} {{years}} {{#lunar.date}}{{lunar.date}}{{/lunar.date}}"
        let after = "{{date}} {{event.type}} {{event.at}} {{event.note}} {{overdue}}"
        let every = "{{date}} {{rule.name}} {{owner.id}} {{manager.timezone}} {{contact.lunar_birthday}}"
        #expect(TemplateFixture.diagnose(date, vocabulary: TemplateFixture.vocabulary(.date)) == [])
        #expect(TemplateFixture.diagnose(after, vocabulary: TemplateFixture.vocabulary(.after)) == [])
        #expect(TemplateFixture.diagnose(every, vocabulary: TemplateFixture.vocabulary(.every)) == [])
    }

    @Test func lunarDateOutsideItsSectionIsAnErrorInGregorianDateRules() {
        let bare = "农历{{lunar.date}}"
        #expect(
            TemplateFixture.diagnose(bare, vocabulary: TemplateFixture.vocabulary(.date, .birthday)) == [
                "t:1:5: error: 'lunar.date' is empty in 'date: birthday' rules",
                "t:1:5: note: 'lunar.date' has a value only in rules on a lunar date ('lunar_birthday', 'lunar MM-DD'); use it inside '{{#lunar.date}}…{{/lunar.date}}'",
            ]
        )
        #expect(TemplateFixture.diagnose(bare, vocabulary: TemplateFixture.vocabulary(.date, .lunarBirthday)) == [])
        let guarded = "{{#lunar.date}}农历{{.}}, {{lunar.date}}{{/lunar.date}}"
        #expect(TemplateFixture.diagnose(guarded, vocabulary: TemplateFixture.vocabulary(.date, .birthday)) == [])
        #expect(
            TemplateFixture.diagnose(
                "{{#lunar}}{{date}}{{/lunar}}", vocabulary: TemplateFixture.vocabulary(.date, .custom("anniversary")))
                == [
                    "t:1:13: error: 'lunar.date' is empty in 'date: anniversary' rules",
                    "t:1:13: note: 'lunar.date' has a value only in rules on a lunar date ('lunar_birthday', 'lunar MM-DD'); use it inside '{{#lunar.date}}…{{/lunar.date}}'",
                ]
        )
    }

    @Test func sectionsNestAtMostAHundredDeep() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "{{#contact}}", count: depth) + "{{name}}"
                + String(repeating: "{{/contact}}", count: depth)
        }
        let deepest = try #require(TemplateFixture.compile(nested(100)).template)
        #expect(deepest.body.render(["contact": ["name": "张三"]]) == "张三")
        #expect(
            TemplateFixture.diagnose(nested(101)) == [
                "t:1:1201: error: section 'contact' is nested too deeply",
                "t:1:1201: note: sections may be nested at most 100 deep",
            ]
        )
    }
}

import Foundation
import Testing

@testable import TicklerCore
@testable import TicklerInput

/// The templates shipped in `templates/` compile cleanly for every rule kind that uses them.
@Suite struct ExampleTemplatesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let directory = root.appendingPathComponent("templates")

    /// Each example template and the rules that use it: a rule kind and, for `date` rules, the date.
    static let uses: [(name: String, rules: [(Trigger.Kind, DateTrigger.Field?)], html: Bool)] = [
        ("birthday-greeting", [(.date, .birthday), (.date, .lunarBirthday)], true),
        ("birthday-heads-up", [(.date, .birthday)], false),
        ("thank-you", [(.after, nil)], true),
        ("check-in", [(.every, nil)], false),
        ("callback-overdue", [(.after, nil)], false),
        ("callback-escalation", [(.after, nil)], false),
        ("complaint-follow-up", [(.after, nil)], false),
        ("satisfaction-visit", [(.after, nil)], false),
        ("new-inquiry", [(.after, nil)], false),
        ("complaint-deadline", [(.after, nil)], false),
        ("spring-festival-greeting", [(.date, .lunar(LunarDate(month: 1, day: 1, isLeapMonth: false)))], false),
        ("mid-autumn-greeting", [(.date, .lunar(LunarDate(month: 8, day: 15, isLeapMonth: false)))], false),
        ("christmas-greeting", [(.date, .gregorian(PartialDate(year: nil, month: 12, day: 25)))], false),
    ]

    static func source(_ name: String, language: String?, html: Bool) throws -> TemplateSource {
        let stem = language.map { "\(name).\($0)" } ?? name
        func read(_ file: String) throws -> SourceText {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return SourceText(path: "templates/\(file)", text: text)
        }
        return TemplateSource(
            name: name, language: language, text: try read(stem + ".txt"), html: html ? try read(stem + ".html") : nil
        )
    }

    @Test func theDirectoryHoldsExactlyTheExampleFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        var expected: [String] = []
        for use in Self.uses {
            for stem in [use.name, use.name + ".en"] {
                expected.append(stem + ".txt")
                if use.html { expected.append(stem + ".html") }
            }
        }
        expected += ["digest.txt", "digest.en.txt"]
        #expect(files == expected.sorted())
    }

    @Test func theDigestExampleCompilesWithoutDiagnosticsInBothLanguages() throws {
        for language in [nil, "en"] as [String?] {
            let source = try Self.source("digest", language: language, html: false)
            let result = TemplateCompiler.compile(
                source, vocabulary: .digest(contactFields: [], contactDates: []))
            #expect(result.diagnostics.all.map(\.description) == [], "\(source.text.path)")
            #expect(try #require(result.template).subject != nil)
        }
    }

    @Test(arguments: uses.map(\.name))
    func exampleCompilesWithoutDiagnosticsInBothLanguages(_ name: String) throws {
        let use = try #require(Self.uses.first { $0.name == name })
        for language in [nil, "en"] as [String?] {
            let source = try Self.source(name, language: language, html: use.html)
            for (kind, field) in use.rules {
                let vocabulary = TemplateVocabulary(
                    trigger: kind, dateField: field, contactFields: [], contactDates: [])
                let result = TemplateCompiler.compile(source, vocabulary: vocabulary)
                #expect(result.diagnostics.all.map(\.description) == [], "\(source.text.path) in a '\(kind)' rule")
                let template = try #require(result.template)
                #expect(template.subject != nil, "\(source.text.path) starts with a Subject: line")
                #expect((template.html != nil) == use.html)
            }
        }
    }

    @Test func birthdayGreetingMentionsTheLunarDateOnlyWhenThereIsOne() throws {
        let source = try Self.source("birthday-greeting", language: nil, html: true)
        let vocabulary = TemplateVocabulary(
            trigger: .date, dateField: .lunarBirthday, contactFields: [], contactDates: [])
        let template = try #require(TemplateCompiler.compile(source, vocabulary: vocabulary).template)
        let values: [String: Any] = ["contact": ["name": "张伟"], "owner": ["name": "李娜", "email": "li.na@example.com"]]
        var lunar = values
        lunar["lunar"] = ["date": "八月十五"]
        #expect(template.subject?.render(values) == "张伟，祝您生日快乐")
        #expect(template.body.render(lunar).contains("今天是您的生日（农历八月十五），李娜和我们"))
        #expect(template.body.render(values).contains("今天是您的生日，李娜和我们"))
        #expect(template.body.render(values).hasPrefix("尊敬的张伟：\n\n您好！"))
        #expect(template.html?.render(lunar).contains("<p>尊敬的张伟：</p>") == true)
    }
}

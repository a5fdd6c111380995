import Mustache
import Testing

@testable import TicklerCore
@testable import TicklerInput

@Suite struct TemplateCompilerTests {
    static var customer: [String: Any] { ["contact": ["name": "张三"], "owner": ["name": "李娜"]] }

    @Test func subjectLineAndBodyAreSplitAtTheBlankLine() throws {
        let text = "Subject: 生日快乐，{{contact.name}}\n\n亲爱的{{contact.name}}：\n\n祝您生日快乐！\n{{owner.name}}\n"
        let result = TemplateFixture.compile(text)
        #expect(result.lines == [])
        let template = try #require(result.template)
        let subject = try #require(template.subject)
        #expect(subject.render(Self.customer) == "生日快乐，张三")
        #expect(template.body.render(Self.customer) == "亲爱的张三：\n\n祝您生日快乐！\n李娜\n")
    }

    @Test func aFileWithoutASubjectLineIsAllBody() throws {
        let template = try #require(TemplateFixture.compile("Subject line below\nSubject: no\n").template)
        #expect(template.subject == nil)
        #expect(template.body.render(Self.customer) == "Subject line below\nSubject: no\n")
    }

    @Test func subjectKeywordIsCaseInsensitiveAndTrimmed() throws {
        let template = try #require(TemplateFixture.compile("SUBJECT:\t Hello {{contact.name}}  \n\nBody").template)
        #expect(template.subject?.render(Self.customer) == "Hello 张三")
    }

    @Test func templateKeepsItsNameLanguageAndPaths() throws {
        let source = TemplateSource(
            name: "thank-you", language: "en", text: SourceText(path: "templates/thank-you.en.txt", text: "Thanks"),
            html: SourceText(path: "templates/thank-you.en.html", text: "<p>Thanks</p>")
        )
        let template = try #require(
            TemplateCompiler.compile(source, vocabulary: TemplateFixture.vocabulary(.after)).template)
        #expect(template.name == "thank-you")
        #expect(template.language == "en")
        #expect(template.textPath == "templates/thank-you.en.txt")
        #expect(template.htmlPath == "templates/thank-you.en.html")
        #expect(template.html?.render(Self.customer) == "<p>Thanks</p>")
    }

    static let layoutErrors: [TemplateCase] = [
        TemplateCase(
            "Subject: 谢谢 {{contact.nmae}}\n\nBody",
            [
                "t:1:15: error: unknown value 'contact.nmae'", "t:1:15: note: did you mean 'contact.name'?",
            ]),
        TemplateCase(
            "Subject:   {{contact.nmae}}\n\nBody",
            [
                "t:1:14: error: unknown value 'contact.nmae'", "t:1:14: note: did you mean 'contact.name'?",
            ]),
        TemplateCase(
            "Subject: Thanks\n\nDear {{contact.nmae}},",
            [
                "t:3:8: error: unknown value 'contact.nmae'", "t:3:8: note: did you mean 'contact.name'?",
            ]),
        TemplateCase(
            "Subject: Thanks\nDear {{contact.nmae}},",
            [
                "t:2:1: error: expected a blank line after the subject",
                "t:2:1: note: the body starts after the blank line that follows the 'Subject:' line",
                "t:2:8: error: unknown value 'contact.nmae'", "t:2:8: note: did you mean 'contact.name'?",
            ]),
        TemplateCase(
            "Subject:\n\nBody",
            [
                "t:1:9: error: empty subject",
                "t:1:9: note: write the subject after 'Subject:', or remove the line to send without one",
            ]),
        TemplateCase(
            "Subject: {{#contact.tags}}{{.}}\n\nBody{{/contact.tags}}",
            [
                "t:1:10: error: unclosed section 'contact.tags'", "t:1:10: note: close it with '{{/contact.tags}}'",
                "t:3:8: error: closing tag 'contact.tags' has no open section",
                "t:3:8: note: open the section with '{{#contact.tags}}', or remove this tag",
            ]),
        TemplateCase(
            "Subject: Thanks\n\n",
            [
                "t:3:1: error: the body of template 't' is empty",
                "t:3:1: note: write the message after the 'Subject:' line and a blank line",
            ]),
        TemplateCase(
            "Subject: Thanks",
            [
                "t:2:1: error: the body of template 't' is empty",
                "t:2:1: note: write the message after the 'Subject:' line and a blank line",
            ]),
        TemplateCase(
            " \n\t\n",
            [
                "t:1:1: error: the body of template 't' is empty", "t:1:1: note: write the message into the file",
            ]),
    ]

    @Test(arguments: layoutErrors)
    func positionsAreInTheFileWhateverThePart(_ example: TemplateCase) {
        #expect(TemplateFixture.diagnose(example.text) == example.expected)
    }

    @Test func crlfLineEndsWork() throws {
        let bad = "Subject: Hi {{contact.name}}\r\n\r\nDear {{contact.nmae}},\r\n{{#contact.tags}}\r\n"
        #expect(
            TemplateFixture.diagnose(bad) == [
                "t:3:8: error: unknown value 'contact.nmae'", "t:3:8: note: did you mean 'contact.name'?",
                "t:4:1: error: unclosed section 'contact.tags'", "t:4:1: note: close it with '{{/contact.tags}}'",
            ]
        )
        let good = "Subject: Hi {{contact.name}}\r\n\r\nDear {{contact.name}},\r\nthanks.\r\n"
        let template = try #require(TemplateFixture.compile(good).template)
        #expect(template.subject?.render(Self.customer) == "Hi 张三")
        #expect(template.body.render(Self.customer) == "Dear 张三,\nthanks.\n")
    }

    @Test func htmlPartIsCheckedAtItsOwnPath() {
        let lines = TemplateFixture.diagnose("Thanks", html: "<p>\n  {{contact.nmae}}</p>")
        #expect(
            lines == [
                "templates/t.html:2:5: error: unknown value 'contact.nmae'",
                "templates/t.html:2:5: note: did you mean 'contact.name'?",
            ]
        )
        #expect(
            TemplateFixture.diagnose("Thanks", html: "\n") == [
                "templates/t.html:1:1: error: the html part of template 't' is empty",
                "templates/t.html:1:1: note: write the HTML message into the file, or remove it to send text only",
            ]
        )
    }

    @Test func textPartsAreNotEscapedAndTheHTMLPartIs() throws {
        let text = "Subject: {{contact.name}}\n\n{{contact.name}} {{{contact.name}}}"
        let html = "<p title=\"{{contact.name}}\">{{contact.name}}</p>"
        let template = try #require(TemplateFixture.compile(text, html: html).template)
        let values: [String: Any] = ["contact": ["name": "<A&B>\"Q\""]]
        #expect(template.subject?.render(values) == "<A&B>\"Q\"")
        #expect(template.body.render(values) == "<A&B>\"Q\" <A&B>\"Q\"")
        #expect(
            template.html?.render(values)
                == "<p title=\"&lt;A&amp;B&gt;&quot;Q&quot;\">&lt;A&amp;B&gt;&quot;Q&quot;</p>")
    }

    @Test func unescapedValuesAreErrorsInTheHTMLPart() {
        #expect(
            TemplateFixture.diagnose("{{{contact.name}}}", html: "<p>{{{contact.name}}} {{& contact.nmae}}</p>") == [
                "templates/t.html:1:4: error: unescaped value 'contact.name' in an html part",
                "templates/t.html:1:4: note: values in '.html' files are always HTML-escaped; write '{{contact.name}}'",
                "templates/t.html:1:23: error: unescaped value 'contact.nmae' in an html part",
                "templates/t.html:1:23: note: values in '.html' files are always HTML-escaped; write '{{contact.nmae}}'",
                "templates/t.html:1:27: error: unknown value 'contact.nmae'",
                "templates/t.html:1:27: note: did you mean 'contact.name'?",
            ]
        )
    }

    @Test func theContentTypeLineRendersNothing() throws {
        let template = try #require(
            TemplateFixture.compile("  indented\n{{#contact.tags}}\n- {{.}}\n{{/contact.tags}}\n").template)
        #expect(template.body.render(["contact": ["tags": ["a", "b"]]]) == "  indented\n- a\n- b\n")
    }

    @Test func theNextTemplateIsNotAffectedByAFailedOne() {
        let vocabulary = TemplateFixture.vocabulary(.after)
        #expect(TemplateFixture.compile("{{contact.nmae}}", vocabulary: vocabulary).template == nil)
        #expect(TemplateFixture.compile("{{contact.name}}", vocabulary: vocabulary).template != nil)
    }

    static let mustacheErrors: [(text: String, start: TicklerCore.SourceLocation, expected: String)] = [
        (
            "第一行\n尊敬的{{/x}}", TicklerCore.SourceLocation(path: "t", line: 3, column: 1),
            "t:4:7: error: closing tag does not match the open section"
        ),
        (
            "尊敬的{{/x}}", TicklerCore.SourceLocation(path: "t", line: 1, column: 10),
            "t:1:16: error: closing tag does not match the open section"
        ),
        (
            "e\u{301}{{/x}}", TicklerCore.SourceLocation(path: "t", line: 5, column: 1),
            "t:5:6: error: closing tag does not match the open section"
        ),
        ("a\nb\n{{#x}}", TicklerCore.SourceLocation(path: "t", line: 1, column: 1), "t:3:7: error: unclosed section"),
    ]

    @Test(arguments: mustacheErrors)
    func swiftMustacheErrorsAreMappedToTheFile(_ text: String, _ start: TicklerCore.SourceLocation, _ expected: String)
        throws
    {
        let part = TemplatePart(role: .body, text: text, start: start)
        let caught = #expect(throws: MustacheTemplate.ParserError.self) {
            try MustacheTemplate(string: TemplateCompiler.mustacheText(part))
        }
        let error = try #require(caught)
        let diagnostic = TemplateCompiler.diagnostic(for: error, in: part)
        #expect(
            diagnostic.description == expected + "\n" + expected.prefix(while: { $0 != " " })
                + " note: reported by the Mustache parser")
    }
}

import Testing

@testable import TicklerCore
@testable import TicklerInput

@Suite struct TemplateScannerTests {
    static let syntaxErrors: [TemplateCase] = [
        TemplateCase(
            "Dear {{contact.name\nThank you.",
            ["t:1:6: error: unclosed tag", "t:1:6: note: close it with '}}'"]
        ),
        TemplateCase(
            "Dear {{contact.name}, thank you.",
            ["t:1:6: error: unclosed tag", "t:1:6: note: close it with '}}'"]
        ),
        TemplateCase(
            "Dear {{contact.name",
            ["t:1:6: error: unclosed tag", "t:1:6: note: close it with '}}'"]
        ),
        TemplateCase(
            "Dear {{",
            ["t:1:6: error: unclosed tag", "t:1:6: note: close it with '}}'"]
        ),
        TemplateCase(
            "{{{contact.name}}\nThank you.",
            ["t:1:1: error: unclosed tag", "t:1:1: note: close it with '}}}'"]
        ),
        TemplateCase(
            "Hi {{}}!",
            [
                "t:1:4: error: empty tag",
                "t:1:4: note: write the name of a value between '{{' and '}}', e.g. '{{contact.name}}'",
            ]
        ),
        TemplateCase(
            "Hi {{ }}!",
            [
                "t:1:4: error: empty tag",
                "t:1:4: note: write the name of a value between '{{' and '}}', e.g. '{{contact.name}}'",
            ]
        ),
        TemplateCase(
            "Hi {{contact.name?}}",
            [
                "t:1:18: error: invalid character '?' in name 'contact.name?'",
                "t:1:18: note: a name may hold ASCII letters, digits, '_' and '-', its parts joined with '.'",
            ]
        ),
        TemplateCase(
            "您好 {{contact.公司}}",
            [
                "t:1:14: error: invalid character '公' in name 'contact.公司'",
                "t:1:14: note: a name may hold ASCII letters, digits, '_' and '-', its parts joined with '.'",
            ]
        ),
        TemplateCase(
            "{{contact name}}",
            [
                "t:1:11: error: unexpected 'name' in tag 'contact'",
                "t:1:11: note: a tag holds one name; the parts of a name are joined with '.', e.g. 'contact.name'",
            ]
        ),
        TemplateCase(
            "{{ #contact.tags}}",
            [
                "t:1:4: error: invalid character '#' in name '#contact.tags'",
                "t:1:4: note: write '#' right after '{{', e.g. '{{#contact.tags}}'",
            ]
        ),
        TemplateCase(
            "{{contact..name}}",
            [
                "t:1:3: error: invalid name 'contact..name'",
                "t:1:3: note: the parts of a name are joined with single dots, e.g. 'contact.name'",
            ]
        ),
        TemplateCase(
            "Hi\n{{! a note to ourselves\nthat never ends",
            ["t:2:1: error: unclosed comment", "t:2:1: note: close it with '}}'"]
        ),
        TemplateCase(
            "Hi\n  {{> footer}}",
            [
                "t:2:3: error: partial 'footer' is not supported",
                "t:2:3: note: a template is a single file; write the shared text into each template that needs it",
            ]
        ),
        TemplateCase(
            "{{%CONTENT_TYPE: HTML}}",
            [
                "t:1:1: error: pragma 'CONTENT_TYPE: HTML' is not supported",
                "t:1:1: note: text parts are never HTML-escaped and '.html' parts always are",
            ]
        ),
        TemplateCase(
            "{{<layout}}{{$title}}Hi{{/title}}{{/layout}}",
            [
                "t:1:1: error: template inheritance ('{{<layout}}') is not supported",
                "t:1:1: note: a template is a single file; write the shared text into each template that needs it",
                "t:1:12: error: template inheritance ('{{$title}}') is not supported",
                "t:1:12: note: a template is a single file; write the shared text into each template that needs it",
            ]
        ),
        TemplateCase(
            "x {{=<%%>=}}",
            [
                "t:1:3: error: invalid set-delimiter tag '{{=<%%>=}}'",
                "t:1:3: note: write the new opening and closing delimiters with a space between them, e.g. '{{=<% %>=}}'",
            ]
        ),
        TemplateCase(
            "{{=<% %>}}",
            ["t:1:1: error: unclosed tag", "t:1:1: note: close it with '=}}'"]
        ),
        TemplateCase(
            "{{=<% %>=}}\n<%contact.nmae%> {{not a tag}}\n<%#contact.tags%>",
            [
                "t:2:3: error: unknown value 'contact.nmae'",
                "t:2:3: note: did you mean 'contact.name'?",
                "t:3:1: error: unclosed section 'contact.tags'",
                "t:3:1: note: close it with '<%/contact.tags%>'",
            ]
        ),
        TemplateCase(
            "{{contact.name\n{{owner.nmae}}",
            [
                "t:1:1: error: unclosed tag",
                "t:1:1: note: close it with '}}'",
                "t:2:3: error: unknown value 'owner.nmae'",
                "t:2:3: note: did you mean 'owner.name'?",
            ]
        ),
    ]

    @Test(arguments: syntaxErrors)
    func malformedTagsAreReportedAtTheirPlace(_ example: TemplateCase) {
        #expect(TemplateFixture.diagnose(example.text) == example.expected)
    }

    static let wellFormed = [
        "{{ contact.name }} {{& contact.name}} {{{ contact.name }}} {{#contact.tags}}{{ . }}{{/contact.tags}}",
        "{{#contact.tags\n}}{{.}}{{/\n  contact.tags }}",
        "{{\u{3000}contact.name\u{3000}}}",
        "{{! a comment\n over two lines }}Hi {{contact.name}}",
        "{{=<% %>=}}<%contact.name%> {{braces stay text}} <%{contact.name%>} <%={{ }}=%>{{contact.name}}",
        "Prices: {not a tag} } {{contact.name}}}",
        "{{#contact}}{{name}}{{/contact}}",
    ]

    @Test(arguments: wellFormed)
    func wellFormedTagsCompile(_ text: String) throws {
        let result = TemplateFixture.compile(text)
        #expect(result.lines == [])
        #expect(result.template != nil)
    }

    @Test func columnsCountUnicodeScalarsBeforeATag() {
        // 尊敬的 is three scalars; the decomposed é is two scalars but one Character.
        #expect(
            TemplateFixture.diagnose("尊敬的{{contact.nmae}}您好") == [
                "t:1:6: error: unknown value 'contact.nmae'",
                "t:1:6: note: did you mean 'contact.name'?",
            ]
        )
        #expect(
            TemplateFixture.diagnose("Cafe\u{301} {{contact.nmae}}") == [
                "t:1:9: error: unknown value 'contact.nmae'",
                "t:1:9: note: did you mean 'contact.name'?",
            ]
        )
    }

    @Test func scannerReportsTagKindsNamesAndPlaces() throws {
        let start = TicklerCore.SourceLocation(path: "p", line: 3, column: 5)
        let scan = TemplateScanner.scan("a{{#x}}\n{{ y }}{{{z}}}{{&w}}{{^v}}{{/v}}{{/x}}", from: start)
        #expect(scan.diagnostics.all.isEmpty)
        let summary = scan.tags.map {
            "\($0.kind) \($0.name) \($0.location.line):\($0.location.column) \($0.nameLocation.column)"
        }
        #expect(
            summary == [
                "section x 3:6 9",
                "variable y 4:1 4",
                "unescapedVariable z 4:8 11",
                "unescapedVariable w 4:15 18",
                "invertedSection v 4:21 24",
                "close v 4:27 30",
                "close x 4:33 36",
            ]
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func manyUnfinishedTagsOnOneLineAreScannedInLinearTime() {
        let text = String(repeating: "{{a b ", count: 20_000)
        let scan = TemplateScanner.scan(text, from: .file("t"))
        #expect(scan.diagnostics.all.count == 20_000)
        #expect(
            scan.diagnostics.all.last?.description
                == "t:1:119995: error: unclosed tag\nt:1:119995: note: close it with '}}'")
    }
}

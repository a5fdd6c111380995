import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// `WorkspaceLoader.loadContactIDs` reads only the contacts' ids, and must refuse (return `nil`)
/// exactly when `load` reports an error — in the configuration, any contact file, across files, or
/// in a template whose values depend on the contacts' fields — and otherwise find the same ids.
@Suite struct WorkspaceLoaderContactIDsTests {
    /// A workspace with a CSV and a YAML contacts file and a template using `contact.company`.
    func files(csv: String, yaml: String = "- { id: y1, name: 李娜 }\n", template: String = "{{contact.company}}\n")
        -> [String: String]
    {
        [
            "etc/tickler.yaml": """
            timezone: Asia/Shanghai
            contacts: [../a.csv, ../b.yaml]
            templates: ../templates
            owners:
              li.na: { name: 李娜, email: li.na@example.com }
            channels:
              out: { type: file, path: ../out }
            rules:
              - { name: thank-you, after: purchase, delay: 1d, to: owner, channel: out, template: t }

            """,
            "a.csv": csv, "b.yaml": yaml, "templates/t.txt": template,
        ]
    }

    func expectTheSameAsLoad(_ files: [String: String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let reader = MemoryReader(files)
        let (workspace, diagnostics) = WorkspaceLoader.load(
            configPath: "etc/tickler.yaml", reader: reader, zones: systemZones)
        let loaded = WorkspaceLoader.loadContactIDs(configPath: "etc/tickler.yaml", reader: reader, zones: systemZones)
        #expect((loaded == nil) == (workspace == nil || diagnostics.hasErrors), sourceLocation: sourceLocation)
        guard let loaded, let workspace else { return }
        #expect(loaded.config.path == workspace.config.path, sourceLocation: sourceLocation)
        #expect(loaded.contactIDs.sorted() == workspace.contacts.map(\.id).sorted(), sourceLocation: sourceLocation)
    }

    @Test func aWorkspaceWithoutProblemsGivesEveryId() throws {
        let csv = "id,name,owner,company\nc1,张伟,li.na,艾克美\nc2,\"Carter, Emily\",,\n"
        expectTheSameAsLoad(files(csv: csv))
        let loaded = try #require(
            WorkspaceLoader.loadContactIDs(
                configPath: "etc/tickler.yaml", reader: MemoryReader(files(csv: csv)), zones: systemZones))
        #expect(loaded.contactIDs.sorted() == ["c1", "c2", "y1"])
    }

    @Test(arguments: [
        "id,name,owner,company\nc1,张伟,nobody,艾克美\n",  // an unknown owner
        "id,name,company\nc1,张伟,艾克美\nc1,again,\n",  // an id twice in the file
        "id,name,company\ny1,张伟,艾克美\n",  // an id of the YAML file
        "name,company\n张伟,艾克美\n",  // no id column
        "id,name,company\nc1,\"open,艾克美\n",  // a syntax error
        "id,name,company\nc1,张伟\n",  // a field missing
        "id,birthday,company\nc1,1980-02-30,x\n",  // a day that does not exist
    ])
    func anErrorInAContactsFileRefuses(csv: String) {
        expectTheSameAsLoad(files(csv: csv))
    }

    @Test func anErrorInTheOtherFileOrTheConfigurationRefuses() {
        let csv = "id,name,company\nc1,张伟,艾克美\n"
        expectTheSameAsLoad(files(csv: csv, yaml: "- { id: y1, timezone: Mars/Base }\n"))
        var broken = files(csv: csv)
        broken["etc/tickler.yaml"] = broken["etc/tickler.yaml"]!.replacingOccurrences(
            of: "Asia/Shanghai", with: "Asia/Shangai")
        expectTheSameAsLoad(broken)
        broken = files(csv: csv)
        broken["a.csv"] = nil
        expectTheSameAsLoad(broken)
    }

    @Test func templatesAreCheckedAgainstTheFieldsContactsHave() {
        // No contact has a company: the template's `contact.company` is an error for both.
        expectTheSameAsLoad(files(csv: "id,name,company\nc1,张伟,\n"))
        // A company only in a row the builder reads (quoted with a comma), or only in the YAML file.
        expectTheSameAsLoad(files(csv: "id,name,company\nc1,张伟,\"a, b\"\n"))
        expectTheSameAsLoad(files(csv: "id,name\nc1,张伟\n", yaml: "- { id: y1, company: x }\n"))
        // Dates the same way.
        let date = "{{contact.dates.anniversary}}\n"
        expectTheSameAsLoad(files(csv: "id,dates.anniversary\nc1,\n", template: date))
        expectTheSameAsLoad(files(csv: "id,dates.anniversary\nc1,2015-06-01\n", template: date))
        expectTheSameAsLoad(files(csv: "id,name\nc1,x\n", template: "{{contact.nmae}}\n"))
    }
}

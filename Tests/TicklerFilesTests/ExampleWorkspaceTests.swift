import Testing
import TicklerCore
import TicklerFiles
import TicklerInput
import TicklerTestSupport

/// The shipped example (`etc/` and `templates/`) loads from disk with no error and no warning.
@Suite struct ExampleWorkspaceTests {
    @Test func exampleLoadsCleanly() throws {
        let (workspace, diagnostics) = WorkspaceLoader.load(
            configPath: RepositoryRoot.path("etc/tickler.yaml"), reader: FileSystemReader(), zones: systemZones)
        #expect(diagnostics.all.map(\.description) == [])
        let loaded = try #require(workspace)
        #expect(loaded.config.rules.count == 15)
        #expect(loaded.config.calendars.keys.sorted() == ["cn", "office"])
        #expect(loaded.config.calendar(ofOwner: "emily.carter")?.name == "office")
        #expect(loaded.config.calendar(ofOwner: "li.na")?.name == "cn")
        #expect(loaded.config.channels.keys.sorted() == ["email", "outbox", "sales-chat"])
        #expect(
            loaded.templates.keys.sorted() == [
                "birthday-greeting", "birthday-heads-up", "callback-escalation", "callback-overdue", "check-in",
                "christmas-greeting", "complaint-deadline", "complaint-follow-up", "digest", "mid-autumn-greeting",
                "new-inquiry", "satisfaction-visit", "spring-festival-greeting", "thank-you",
            ])
        #expect(loaded.templates.values.allSatisfy { $0.keys.contains(nil) && $0.keys.contains("en") })
        #expect(Set(loaded.config.rules.map(\.channel)) == ["outbox"])
    }

    @Test func exampleHasTheDocumentedMix() throws {
        let (workspace, _) = WorkspaceLoader.load(
            configPath: RepositoryRoot.path("etc/tickler.yaml"), reader: FileSystemReader(), zones: systemZones)
        let contacts = try #require(workspace).contacts
        #expect(contacts.contains { $0.birthday?.month == 2 && $0.birthday?.day == 29 })
        #expect(contacts.contains { $0.lunarBirthday != nil })
        #expect(contacts.contains { $0.lunarBirthday?.isLeapMonth == true })
        #expect(Set(contacts.compactMap(\.timezone)).count >= 3)
        #expect(Set(contacts.compactMap(\.tier)) == ["key", "ordinary"])
        #expect(contacts.contains { $0.name?.unicodeScalars.contains { $0.value >= 0x4E00 } == true })
        #expect(contacts.contains { $0.name?.unicodeScalars.allSatisfy(\.isASCII) == true })
    }
}
